"""The figures of a what-if, read from the marts of one warehouse connection.

`keep_before` copies the per-relation levels of the published build into schema
`whatif_before` of the scratch copy before dbt rebuilds it; `figures` reads the counts of
whatever build the marts hold; `migration` joins the kept levels with the rebuilt ones.

Visit demand (docs/business-rules.md section 13): every customer's visit norm (visits per
year of its level, seed service_level_capacities) summed, against the salespeople's
capacity per year: the visit plan's capacity over its horizon (marts.visit_capacity: public
holidays, closing days and absences taken off) at a yearly rate, x 52 / horizon weeks,
rounded down per salesperson.
"""

from __future__ import annotations

import duckdb

LEVELS = ("A", "B", "C")
ABC_CLASSES = ("A", "B", "C")
PYRAMID_LEVELS = ("top", "large", "medium", "small", "inactive", "prospect", "suspect")
WEEKS_PER_YEAR = 52
BEFORE_SCHEMA = "whatif_before"
NO_LEVEL = "none"


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def _counts(con: duckdb.DuckDBPyConnection, sql: str, keys: tuple[str, ...]) -> dict[str, int]:
    """`sql` gives (key, count) rows; every key of `keys` appears, in that order, and an
    unexpected key (a null level) is added after them rather than dropped."""
    found = {(NO_LEVEL if key is None else str(key)): int(count) for key, count in _rows(con, sql)}
    counts = {key: found.pop(key, 0) for key in keys}
    counts.update(found)
    return counts


def as_of(con: duckdb.DuckDBPyConnection) -> str:
    """The date the build's rules were evaluated at."""
    row = con.execute("select max(as_of_date) from marts.relation_kinds").fetchone()
    if row is None or row[0] is None:
        raise LookupError("the warehouse holds no relations (marts.relation_kinds is empty)")
    return row[0].isoformat()


def rule_parameters(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """name -> value (text) of marts.rule_parameters: the settings the build used."""
    return dict(_rows(con, "select name, value from marts.rule_parameters"))


def keep_before(con: duckdb.DuckDBPyConnection) -> None:
    """Keep the published per-relation levels for the migration matrices."""
    con.execute(f"create or replace schema {BEFORE_SCHEMA}")
    con.execute(
        f"""
        create table {BEFORE_SCHEMA}.levels as
        select service_levels.relation_id,
               service_levels.effective_level,
               open_review.assigned_level as next_review_level
        from marts.service_levels
        left join marts.service_level_open_review as open_review
            on open_review.relation_id = service_levels.relation_id
        """
    )


def figures(con: duckdb.DuckDBPyConnection) -> dict:
    """The counts and visit demand of the build in `con`'s marts."""
    norms = dict(
        _rows(con, "select service_level, visits_per_year from config.service_level_capacities")
    )
    next_period = con.execute(
        "select max(review_period) from marts.service_level_open_review"
    ).fetchone()[0]
    capacity = _capacity(con)
    return {
        "service_levels": _counts(
            con,
            "select effective_level, count(*) from marts.service_levels group by all",
            LEVELS,
        ),
        "next_review": _counts(
            con,
            "select assigned_level, count(*) from marts.service_level_open_review group by all",
            LEVELS,
        ),
        "next_review_period": next_period,
        "abc": _counts(
            con, "select abc_class, count(*) from marts.customer_abc group by all", ABC_CLASSES
        ),
        "pyramid": _counts(
            con,
            "select pyramid_level, count(*) from marts.customer_pyramid group by all",
            PYRAMID_LEVELS,
        ),
        "visit_demand": _demand(con, "marts.service_levels", "effective_level", norms, capacity),
        "next_review_visit_demand": _demand(
            con, "marts.service_level_open_review", "assigned_level", norms, capacity
        ),
    }


def _capacity(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """salesperson_id -> visits a year, from the plan horizon's capacity."""
    rows = _rows(
        con,
        f"""
        select salesperson_id,
               cast(floor(sum(visit_capacity) * {WEEKS_PER_YEAR}.0
                          / count(distinct week_number)) as bigint)
        from marts.visit_capacity
        group by salesperson_id
        """,
    )
    return {salesperson: int(visits) for salesperson, visits in rows}


def _demand(
    con: duckdb.DuckDBPyConnection,
    table: str,
    level_column: str,
    norms: dict[str, int],
    capacity: dict[str, int],
) -> dict:
    """Visits a year the norms ask for the customers of `table` at `level_column`."""
    rows = _rows(
        con,
        f"""
        select {level_column}, account_manager_id, count(*)
        from {table}
        group by all
        """,
    )
    by_level = dict.fromkeys(LEVELS, 0)
    by_salesperson: dict[str | None, int] = {}
    for level, salesperson, customers in rows:
        visits = int(customers) * int(norms.get(level) or 0)
        key = NO_LEVEL if level is None else level
        by_level[key] = by_level.get(key, 0) + visits
        by_salesperson[salesperson] = by_salesperson.get(salesperson, 0) + visits
    demanded = sum(by_level.values())
    capacity_total = sum(capacity.values())
    people = sorted(set(capacity) | {key for key in by_salesperson if key is not None})
    salespeople = [
        {
            "salesperson_id": person,
            "visits_per_year": by_salesperson.get(person, 0),
            "capacity_per_year": capacity.get(person, 0),
        }
        for person in people
    ]
    if None in by_salesperson:
        salespeople.append(
            {
                "salesperson_id": None,
                "visits_per_year": by_salesperson[None],
                "capacity_per_year": 0,
            }
        )
    return {
        "visits_per_year": demanded,
        "capacity_per_year": capacity_total,
        "over_capacity": max(demanded - capacity_total, 0),
        "utilisation": round(demanded / capacity_total, 4) if capacity_total else None,
        "norms": {level: int(norms.get(level) or 0) for level in LEVELS},
        "by_level": by_level,
        "by_salesperson": salespeople,
    }


def migration(con: duckdb.DuckDBPyConnection, before: str, after_sql: str) -> dict:
    """Relations per (kept level in column `before`, level after): matrix[before][after].
    A relation found on one side only counts under 'none' on the other."""
    rows = _rows(
        con,
        f"""
        with after as ({after_sql})
        select before_levels.{before}, after.level, count(*)
        from {BEFORE_SCHEMA}.levels as before_levels
        full outer join after on after.relation_id = before_levels.relation_id
        group by all
        """,
    )
    keys = list(LEVELS)
    for level_before, level_after, _ in rows:
        for level in (level_before, level_after):
            key = NO_LEVEL if level is None else level
            if key not in keys:
                keys.append(key)
    matrix = {row: dict.fromkeys(keys, 0) for row in keys}
    for level_before, level_after, count in rows:
        row = NO_LEVEL if level_before is None else level_before
        column = NO_LEVEL if level_after is None else level_after
        matrix[row][column] += int(count)
    return matrix


EFFECTIVE_AFTER = "select relation_id, effective_level as level from marts.service_levels"
NEXT_REVIEW_AFTER = (
    "select relation_id, assigned_level as level from marts.service_level_open_review"
)

"""Turn what a person typed (CLI arguments, a CSV row) into a valid decision, or say why not.

Every check raises `InvalidDecision` with one line naming the bad value. The relation
check reads the published warehouse (read-only): a decision about a relation the CRM does
not know is a typo, and the store would keep it forever.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import duckdb

from orchestration.decisions.store import LEVELS, OVERRIDE, POSTPONE, NewDecision
from orchestration.warehouse.review import parse_period

SEED_COLUMNS = ("relation_id", "review_period", "level", "reason", "decided_by")
"""The header of the old `seeds/service_level_overrides.csv`, which `import-csv` reads."""


class InvalidDecision(ValueError):
    """A decision that must not be stored; the message is for the person who entered it."""

    def __init__(self, message: str, column: str | None = None):
        super().__init__(message)
        self.column = column
        """The input the message is about (a seed column name), when it is one."""


def override(
    relation_id: str, review_period: str, level: str, reason: str, decided_by: str
) -> NewDecision:
    """An account manager's service level for a relation in a half-yearly review."""
    normalised = level.strip().upper()
    if normalised not in LEVELS:
        raise InvalidDecision(f"level {level!r} must be one of {', '.join(LEVELS)}", "level")
    try:
        period = parse_period(review_period)
    except ValueError as error:
        raise InvalidDecision(str(error), "review_period") from None
    return NewDecision(
        decision_type=OVERRIDE,
        relation_id=_required("relation_id", relation_id),
        review_period=period,
        level=normalised,
        reason=_required("reason", reason),
        decided_by=_required("decided_by", decided_by),
    )


def postponement(relation_id: str, until_date: str, reason: str, decided_by: str) -> NewDecision:
    """No reactivation of a relation until a date."""
    try:
        until = dt.date.fromisoformat(until_date.strip())
    except ValueError:
        raise InvalidDecision(
            f"date {until_date!r} is not an ISO date (YYYY-MM-DD)", "until_date"
        ) from None
    return NewDecision(
        decision_type=POSTPONE,
        relation_id=_required("relation_id", relation_id),
        until_date=until,
        reason=_required("reason", reason),
        decided_by=_required("decided_by", decided_by),
    )


def _required(column: str, value: str) -> str:
    if not value.strip():
        raise InvalidDecision(f"{column} {value!r} is empty; say who decided what and why", column)
    return value.strip()


def unknown_relations(warehouse: Path, relation_ids: Iterable[str]) -> set[str]:
    """The relation ids the published warehouse (`marts.relation_kinds`) does not hold."""
    wanted = sorted(set(relation_ids))
    if not wanted:
        return set()
    if not warehouse.exists():
        raise InvalidDecision(
            f"no published warehouse at {warehouse} to check relation ids against; "
            "run `make refresh` first"
        )
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute(
                "select unnest(?::varchar[]) except "
                "select cast(relation_id as varchar) from marts.relation_kinds",
                [wanted],
            ).fetchall()
    except duckdb.CatalogException:
        raise InvalidDecision(
            f"{warehouse} holds no marts.relation_kinds; run `make refresh` first"
        ) from None
    return {row[0] for row in rows}


def check_relation(warehouse: Path, relation_id: str) -> None:
    if unknown_relations(warehouse, [relation_id]):
        raise InvalidDecision(
            f"unknown relation {relation_id!r}: not in the published warehouse {warehouse}",
            "relation_id",
        )


def read_seed_overrides(path: Path, warehouse: Path | None) -> list[NewDecision]:
    """Every row of a file in the old overrides seed format, all valid, or InvalidDecision
    naming each bad row (`file:line: column: problem`, one a line).

    `warehouse` None skips the relation check: the refresh imports the repository's seed
    before any warehouse may exist, and those rows were applied by the models before
    without one (an unknown relation matches nothing)."""
    rows: list[tuple[int, NewDecision | str]] = []
    try:
        with path.open(newline="", encoding="utf-8") as file:
            reader = csv.DictReader(file)
            if tuple(reader.fieldnames or ()) != SEED_COLUMNS:
                raise InvalidDecision(
                    f"{path}: header {reader.fieldnames!r} must be {','.join(SEED_COLUMNS)}"
                )
            for record in reader:
                rows.append((reader.line_num, _seed_row(record)))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InvalidDecision(f"{path}: cannot read: {error}") from None
    unknown = (
        unknown_relations(
            warehouse, (row.relation_id for _, row in rows if isinstance(row, NewDecision))
        )
        if warehouse is not None
        else set()
    )
    problems = []
    for line, row in rows:
        if isinstance(row, str):
            problems.append(f"{path}:{line}: {row}")
        elif row.relation_id in unknown:
            problems.append(f"{path}:{line}: relation_id: unknown relation {row.relation_id!r}")
    if problems:
        raise InvalidDecision("\n".join(problems))
    return [row for _, row in rows]


def _seed_row(record: dict) -> NewDecision | str:
    """The row's decision, or what is wrong with it (`column: problem`)."""
    if None in record or None in record.values():
        return f"row: must have the {len(SEED_COLUMNS)} columns {','.join(SEED_COLUMNS)}"
    try:
        return override(**record)
    except InvalidDecision as error:
        return f"{error.column}: {error}"

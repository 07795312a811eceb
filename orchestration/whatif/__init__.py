"""What-if: the effect of other thresholds on the published data, without publishing.

`run_what_if(changes)` copies the published warehouse (PYRAMID_WAREHOUSE) to a scratch
folder, rebuilds there with dbt the marts the changed settings reach (orchestration/whatif/
scratch.py), reads the counts before (the published build) and after, and deletes the
copy. The published file, the decisions store and the history are never opened for
writing: the decisions a build already read in (raw.decisions of the published file) are
the ones both sides use. The command line (`python -m orchestration.whatif`) and the
dashboard's "Wat als" page both call it. docs/business-rules.md section 13.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.settings import load_settings
from orchestration.whatif import figures, rules, scratch
from orchestration.whatif.rules import Changes, WhatIfInputError, parse_assignments, parse_settings
from orchestration.whatif.scratch import ScratchBuildError

__all__ = [
    "Changes",
    "ScratchBuildError",
    "WarehouseMissing",
    "WhatIf",
    "WhatIfInputError",
    "parse_assignments",
    "parse_settings",
    "run_what_if",
]

# The JSON's top-level keys (the contract), in this order.
SECTIONS = ("service_levels", "abc", "pyramid", "migration", "visit_demand")
STAGES = ("copy", "build", "count")
"""What `progress` is told, in this order: copying the warehouse, dbt rebuilding the copy,
reading the figures."""


class WarehouseMissing(FileNotFoundError):
    """There is no published warehouse to try anything on."""


@dataclass(frozen=True)
class WhatIf:
    """A what-if's answer: `result` (the JSON), and where and how it was made."""

    result: dict
    as_of: str
    warehouse: Path
    changes: Changes
    current: dict[str, str] = field(repr=False)
    """The published build's rule parameters (name -> value as text)."""
    selection: list[str] = field(default_factory=list)
    models_rebuilt: int = 0
    seconds: float = 0.0


def _dbt_value(text: str) -> int | float | str:
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            continue
    return text


@contextlib.contextmanager
def _scratch_dir(published: Path) -> Iterator[Path]:
    """A folder for the copy beside the published file (same disk, room for one more
    warehouse), else in the system's temporary folder; deleted afterwards."""
    try:
        folder = tempfile.TemporaryDirectory(prefix=".whatif-", dir=published.parent)
    except OSError:
        folder = tempfile.TemporaryDirectory(prefix="whatif-")
    with folder as path:
        yield Path(path)


def run_what_if(
    changes: Changes,
    warehouse: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> WhatIf:
    """The figures before and after `changes` on the published warehouse (or `warehouse`)."""
    started = time.perf_counter()
    settings = load_settings()
    published = Path(warehouse) if warehouse is not None else settings.warehouse
    if not published.exists():
        raise WarehouseMissing(f"no published warehouse at {published}: run make refresh first")
    tell = progress or (lambda stage: None)
    with _scratch_dir(published) as folder:
        tell("copy")
        # The same file name: views in the file name their tables with the catalog, which
        # DuckDB takes from the file name.
        copy = folder / published.name
        scratch.copy_published(published, copy)
        with duckdb.connect(str(copy)) as con:
            current = figures.rule_parameters(con)
            rules.check_orderings(changes, current)
            as_of = figures.as_of(con)
            before = figures.figures(con)
            figures.keep_before(con)
            # A norm is a seed row: the copy's seed table takes the what-if's value, and
            # dbt (which never reloads seeds here) rebuilds what reads it.
            for level, visits in changes.norms.items():
                con.execute(
                    "update config.service_level_capacities set visits_per_year = ? "
                    "where service_level = ?",
                    [visits, level],
                )
        tell("build")
        # Every rule var at the published build's value, the changed ones at theirs: the
        # models rebuilt and the ones kept then agree on every setting.
        names = rules.rule_var_names()
        dbt_vars = {name: _dbt_value(current[name]) for name in names if name in current}
        dbt_vars.update(changes.variables)
        select = scratch.selection(list(changes.variables), bool(changes.norms))
        models = 0
        if select:
            models = scratch.run_dbt(copy, as_of, select, dbt_vars, settings.memory_limit)
        tell("count")
        with duckdb.connect(str(copy)) as con:
            after = figures.figures(con)
            effective = figures.migration(con, "effective_level", figures.EFFECTIVE_AFTER)
            next_review = figures.migration(con, "next_review_level", figures.NEXT_REVIEW_AFTER)
    result = _result(before, after, effective, next_review)
    return WhatIf(
        result=result,
        as_of=as_of,
        warehouse=published,
        changes=changes,
        current=current,
        selection=select,
        models_rebuilt=models,
        seconds=round(time.perf_counter() - started, 2),
    )


def _result(before: dict, after: dict, effective: dict, next_review: dict) -> dict:
    period = after["next_review_period"] or before["next_review_period"]

    def pair(key: str) -> dict:
        return {"before": before[key], "after": after[key]}

    return {
        "service_levels": {
            **pair("service_levels"),
            # The level each customer would be assigned at the coming review: today's
            # levels stay frozen until then (docs/business-rules.md section 8).
            "next_review": {"period": period, **pair("next_review")},
        },
        "abc": pair("abc"),
        "pyramid": pair("pyramid"),
        "migration": {
            **pair("service_levels"),
            "matrix": effective,
            "next_review": {"period": period, **pair("next_review"), "matrix": next_review},
        },
        "visit_demand": {
            **pair("visit_demand"),
            "next_review": {"period": period, **pair("next_review_visit_demand")},
        },
    }

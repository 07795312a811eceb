"""The what-if page's data (docs/business-rules.md section 13): the settings it offers with
their published values, today's figures, and a what-if run, which is
`orchestration.whatif.run_what_if`, the function `python -m orchestration.whatif` calls.

Managers only: a what-if counts every relation, so a salesperson's scoped session gets a
NotAuthenticated here whatever the page shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd
import streamlit as st

from app.data import scope
from app.data.parameters import rule_parameters
from orchestration.whatif import WhatIf, figures, parse_settings, run_what_if


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str
    """share (0..1), percent (0..100), euros, visits (whole number)."""
    step: float


# The settings the page offers, in the order shown (RULES section 13: ABC shares,
# potential bands, pyramid shares, visit norms). Every rule var can be tried on the
# command line; these are the ones a review discusses.
SETTINGS = (
    Setting("abc_a_share", "share", 0.01),
    Setting("abc_b_share", "share", 0.01),
    Setting("potential_high", "euros", 1000.0),
    Setting("potential_medium", "euros", 1000.0),
    Setting("pyramid_top_pct", "percent", 1.0),
    Setting("pyramid_large_pct", "percent", 1.0),
    Setting("pyramid_medium_pct", "percent", 1.0),
    Setting("visits_per_year.A", "visits", 1.0),
    Setting("visits_per_year.B", "visits", 1.0),
    Setting("visits_per_year.C", "visits", 1.0),
)


def _managers_only() -> None:
    if scope.current_scope() is not None:
        raise scope.NotAuthenticated("the what-if is for managers")


def current_settings() -> dict[str, float]:
    """The published build's value of every setting the page offers."""
    _managers_only()
    values = dict(zip(*rule_parameters()[["name", "value"]].T.values, strict=True))
    missing = [s.name for s in SETTINGS if s.name not in values]
    if missing:
        raise scope.WarehouseIncomplete(f"marts.rule_parameters lacks {', '.join(missing)}")
    return {s.name: float(values[s.name]) for s in SETTINGS}


def _changed(values: dict[str, float], current: dict[str, float]) -> dict[str, float]:
    """The settings whose value differs from the published one."""
    return {
        name: value
        for name, value in values.items()
        if name in current and abs(float(value) - current[name]) > 1e-9
    }


def today() -> dict:
    """The published build's figures (what a what-if calls `before`)."""
    _managers_only()
    path = scope.warehouse_path()
    if not path.exists():
        raise scope.WarehouseNotBuilt(str(path))
    return _today(str(path), scope.warehouse_version(path))


@st.cache_data(show_spinner=False, max_entries=8, ttl=dt.timedelta(hours=12))
def _today(path: str, version: tuple) -> dict:
    try:
        with duckdb.connect(path, read_only=True) as con:
            return figures.figures(con)
    except (duckdb.CatalogException, duckdb.BinderException) as error:
        raise scope.WarehouseIncomplete(str(error).splitlines()[0]) from error


def run(
    values: dict[str, float],
    current: dict[str, float],
    progress: Callable[[str], None] | None = None,
) -> WhatIf:
    """A what-if on the published warehouse with the `values` (name -> value) that differ
    from the `current` ones (`current_settings`)."""
    _managers_only()
    return run_what_if(
        parse_settings(_changed(values, current)),
        warehouse=scope.warehouse_path(),
        progress=progress,
    )


def by_salesperson(before: dict, after: dict | None) -> pd.DataFrame:
    """Visits a year per salesperson now, in the what-if (when run) and their capacity, with
    the salesperson's name; the most over capacity first."""
    now = pd.DataFrame(before["by_salesperson"])
    frame = now.rename(columns={"visits_per_year": "visits_before"})
    if after is not None:
        later = pd.DataFrame(after["by_salesperson"])[["salesperson_id", "visits_per_year"]]
        frame = frame.merge(
            later.rename(columns={"visits_per_year": "visits_after"}),
            on="salesperson_id",
            how="outer",
        )
    names = scope.query("select salesperson_id, salesperson_name from marts.salesperson_portfolio")
    frame = frame.merge(names, on="salesperson_id", how="left")
    frame = frame.rename(columns={"capacity_per_year": "visit_capacity_per_year"})
    shown = "visits_after" if after is not None else "visits_before"
    capacity = frame["visit_capacity_per_year"].astype(float)
    frame["capacity_used_share"] = frame[shown].astype(float) / capacity.where(capacity > 0)
    columns = ["salesperson_id", "salesperson_name", "visits_before"]
    if after is not None:
        columns.append("visits_after")
    columns += ["visit_capacity_per_year", "capacity_used_share"]
    return frame.sort_values("capacity_used_share", ascending=False)[columns]

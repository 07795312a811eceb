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
from app.formatting import fmt_eur, fmt_int, fmt_number, fmt_pct
from app.i18n import t
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


def shown(name: str, value: float, lang: str) -> str:
    """A setting's value as the page writes it (0,70; EUR 40.000; 5,0; 12)."""
    kind = next(s.kind for s in SETTINGS if s.name == name)
    if kind == "share":
        return fmt_number(value, lang, 2)
    if kind == "percent":
        return fmt_number(value, lang, 1)
    if kind == "euros":
        return fmt_eur(value, lang)
    return fmt_int(value, lang)


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


def changed(values: dict[str, float], current: dict[str, float]) -> dict[str, float]:
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


def run(values: dict[str, float], progress: Callable[[str], None] | None = None) -> WhatIf:
    """A what-if with `values` (name -> value) on the published warehouse."""
    _managers_only()
    return run_what_if(
        parse_settings(values), warehouse=scope.warehouse_path(), progress=progress
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
    frame["capacity_used_share"] = frame[shown] / frame["visit_capacity_per_year"].where(
        frame["visit_capacity_per_year"] > 0
    )
    columns = ["salesperson_id", "salesperson_name", "visits_before"]
    if after is not None:
        columns.append("visits_after")
    columns += ["visit_capacity_per_year", "capacity_used_share"]
    return frame.sort_values("capacity_used_share", ascending=False)[columns]


def meaning(result: dict, lang: str) -> list[str]:
    """What the what-if would mean, in sentences: the moves at the coming review, the A
    customers, and the visits the team would need against its capacity."""
    upcoming = result["migration"]["next_review"]
    period = upcoming["period"] or "?"
    moves = sorted(
        (
            (count, now, after)
            for now, cells in upcoming["matrix"].items()
            for after, count in cells.items()
            if now != after and count
        ),
        reverse=True,
    )
    lines = [
        t("wi.mean.move", lang, n=fmt_int(count, lang), now=now, after=after, period=period)
        for count, now, after in moves
    ] or [t("wi.mean.no_moves", lang, period=period)]
    abc = result["abc"]
    if abc["before"].get("A") != abc["after"].get("A"):
        lines.append(
            t(
                "wi.mean.abc",
                lang,
                before=fmt_int(abc["before"].get("A", 0), lang),
                after=fmt_int(abc["after"].get("A", 0), lang),
            )
        )
    demand = result["visit_demand"]["next_review"]
    before, after = demand["before"], demand["after"]
    difference = after["visits_per_year"] - before["visits_per_year"]
    capacity = after["capacity_per_year"]
    key = "wi.mean.visits.more" if difference > 0 else "wi.mean.visits.fewer"
    if difference == 0:
        key = "wi.mean.visits.same"
    words = t(key, lang, n=fmt_int(abs(difference), lang), period=period)
    if capacity:
        share = after["visits_per_year"] / capacity
        words += " " + (
            t("wi.mean.over", lang, pct=fmt_pct(share - 1, lang, decimals=0))
            if share > 1
            else t("wi.mean.within", lang, pct=fmt_pct(share, lang, decimals=0))
        )
    lines.append(words)
    levels = result["service_levels"]
    if levels["before"] == levels["after"]:
        lines.append(t("wi.mean.frozen", lang, period=period))
    return lines

"""The shared sidebar filters (salesperson, region, sector) the pages apply to their queries."""

from __future__ import annotations

import streamlit as st

from app.data import scope, shell
from app.i18n import t

KEYS = {
    "salesperson": "filter_salesperson",
    "region": "filter_region",
    "sector": "filter_sector",
}


def keep_state() -> None:
    """Keep the filter choices when a page without filters is shown in between.

    Streamlit drops a widget's state in a run that does not draw it; re-assigning the value
    in the entry script (which runs for every page) makes it survive.
    """
    for key in KEYS.values():
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


ALL = ""  # the "all" option; not None, which a select box shows as "no choice made"


def _selectbox(name: str, values: list[str], format_func) -> str | None:
    key = KEYS[name]
    options = [ALL, *values]
    if st.session_state.get(key) not in options:
        st.session_state[key] = ALL  # first visit, or a value an older warehouse had
    everything = t("filter.all")
    choice = st.selectbox(
        t(f"filter.{name}"),
        options,
        key=key,
        format_func=lambda v: everything if v == ALL else format_func(v),
    )
    return None if choice == ALL else choice


def sidebar_filters() -> scope.Filters:
    """Draw the filters in the sidebar and return the choice (None = all)."""
    options = shell.filter_options()
    names = dict(
        zip(
            options["salespeople"]["salesperson_id"],
            options["salespeople"]["salesperson_name"],
            strict=True,
        )
    )
    with st.sidebar:
        st.subheader(t("filter.header"))
        salesperson = _selectbox("salesperson", list(names), lambda v: f"{names[v]} ({v})")
        region = _selectbox("region", options["regions"], str)
        sector = _selectbox("sector", options["sectors"], str)
    return scope.Filters(salesperson_id=salesperson, region=region, sector=sector)


def describe(filters: scope.Filters) -> str:
    """The active filters in words, for a caption; empty when none."""
    parts = [value for value in (filters.salesperson_id, filters.region, filters.sector) if value]
    return t("filter.active", what=", ".join(parts)) if parts else ""

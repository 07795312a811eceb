"""The shared sidebar filters (salesperson, region, sector) the pages apply to their queries."""

from __future__ import annotations

import streamlit as st

from app import data
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


def _selectbox(name: str, options: list, format_func) -> object:
    key = KEYS[name]
    if st.session_state.get(key) not in options:
        st.session_state[key] = None  # a value from an older warehouse, or first visit
    return st.selectbox(t(f"filter.{name}"), options, key=key, format_func=format_func)


def sidebar_filters() -> data.Filters:
    """Draw the filters in the sidebar and return the choice (None = all)."""
    options = data.filter_options()
    names = dict(
        zip(
            options["salespeople"]["salesperson_id"],
            options["salespeople"]["salesperson_name"],
            strict=True,
        )
    )
    everything = t("filter.all")
    with st.sidebar:
        st.subheader(t("filter.header"))
        salesperson = _selectbox(
            "salesperson",
            [None, *names],
            lambda v: everything if v is None else f"{names.get(v, v)} ({v})",
        )
        region = _selectbox(
            "region", [None, *options["regions"]], lambda v: everything if v is None else v
        )
        sector = _selectbox(
            "sector", [None, *options["sectors"]], lambda v: everything if v is None else v
        )
    return data.Filters(salesperson_id=salesperson, region=region, sector=sector)


def describe(filters: data.Filters) -> str:
    """The active filters in words, for a caption; empty when none."""
    parts = [value for value in (filters.salesperson_id, filters.region, filters.sector) if value]
    return t("filter.active", what=", ".join(parts)) if parts else ""

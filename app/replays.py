"""Opening a replay: the sidebar choice between the published warehouse and the replays of
past dates beside it (`make replay AS_OF=...`), and the banner every page then shows.

The choice is kept in the session (scope.REPLAY_KEY); the data layer reads the chosen
file read-only, as it reads the published one. The default is the published warehouse,
and the choice is only offered when there is a replay.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app.data import scope
from app.formatting import fmt_date
from app.i18n import t
from orchestration.warehouse.replay import list_replays

PUBLISHED = ""  # the select box's option for the published warehouse


def sidebar_choice() -> None:
    """A select box of the replays found beside the published warehouse (none: nothing)."""
    dates = [day.isoformat() for day, _ in list_replays(scope.published_path())]
    key = scope.REPLAY_KEY
    if st.session_state.get(key) not in [PUBLISHED, *dates]:
        st.session_state[key] = PUBLISHED  # first visit, or a replay since removed
    if not dates:
        return
    with st.sidebar:
        st.selectbox(
            t("replay.choice"),
            [PUBLISHED, *dates],
            key=key,
            format_func=_option_label,
            help=t("replay.help"),
        )


def _option_label(value: str) -> str:
    return t("replay.published") if value == PUBLISHED else fmt_date(dt.date.fromisoformat(value))


def banner() -> None:
    """'Situatie op <date>' above a page read from a replay; nothing otherwise."""
    day = scope.selected_replay()
    if day is not None:
        st.warning(t("replay.banner", date=fmt_date(day)), icon=":material/history:")

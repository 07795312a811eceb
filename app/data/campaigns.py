"""Queries and the one write of the campaign page (Campagnes, docs/business-rules.md section
15): audiences and their size, the mailing list, the export log and the campaign results.

The mailing list itself comes from orchestration/audiences/mailing.py, the implementation
the command line `python -m orchestration.audiences` uses too; this module hands it the
dashboard's cached, read-only query and records exports in the decisions store.
"""

from __future__ import annotations

import contextlib

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from app.data import scope
from orchestration.audiences import exports, mailing
from orchestration.decisions import store
from orchestration.settings import load_settings

# The ad-hoc filters the page offers as choices (text filters; the booleans are separate).
CHOICE_FILTERS = (
    "relation_kind",
    "pyramid_level",
    "abc_class",
    "customer_group",
    "service_level",
    "salesperson_id",
    "region",
    "sector",
)
RESULT_COLUMNS = [
    "export_id",
    "audience",
    "exported_by",
    "exported_at",
    "contact_count",
    "relations_exported",
    "relations_responded",
    "response_share",
    "relations_moved_up",
    "moved_up_share",
    "suspects_to_prospect",
    "new_customers",
    "reactivated_customers",
]


class StoreUnavailable(RuntimeError):
    """The decisions store (the export log) cannot be read or written: no export then."""


def read(sql: str, params: list) -> pd.DataFrame:
    """The mailing module's Reader: the dashboard's cached, scoped, read-only query."""
    return scope.query(sql, params)


def audiences() -> pd.DataFrame:
    return mailing.audiences(read)


def filter_choices() -> dict[str, list[str]]:
    """The values each text filter can take today, from the audience without filters."""
    columns = {name: mailing.TEXT_FILTERS[name] for name in CHOICE_FILTERS}
    frame = read(
        f"select {', '.join(columns.values())} from marts.audience_relations where audience = ?",
        [mailing.AD_HOC_BASE],
    )
    return {
        name: sorted(str(v) for v in frame[column].dropna().unique())
        for name, column in columns.items()
    }


def salesperson_names() -> dict[str, str]:
    frame = read(
        "select account_manager_id, any_value(account_manager_name) as name "
        "from marts.audience_relations where audience = ? and account_manager_id is not null "
        "group by 1",
        [mailing.AD_HOC_BASE],
    )
    return dict(zip(frame["account_manager_id"], frame["name"].fillna(""), strict=True))


def size(selection: mailing.Selection) -> dict[str, int]:
    return mailing.size(read, selection)


def preview(selection: mailing.Selection, limit: int = scope.LIST_LIMIT) -> pd.DataFrame:
    return mailing.mailing_list(read, selection).head(limit)


def prepare(selection: mailing.Selection, file_format: str, lang: str) -> mailing.Prepared:
    return mailing.prepare(read, selection, file_format, lang)


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> sa.Engine:
    """One engine per store for the server, the export log's tables created once."""
    engine = store.create_engine(url)
    exports.create_schema(engine)
    return engine


@contextlib.contextmanager
def _log():
    try:
        yield _engine(load_settings().decisions)
    except sa.exc.SQLAlchemyError as error:
        raise StoreUnavailable(str(error).splitlines()[0]) from error


def record(prepared: mailing.Prepared, exported_by: str) -> int:
    """Record a download in the export log: the bytes handed out, hashed."""
    with _log() as engine:
        return mailing.record(engine, prepared, exported_by)


def recorded_exports(limit: int = 20) -> pd.DataFrame:
    """The latest exports in the store (also those the warehouse has not read in yet)."""
    with _log() as engine:
        records = [export.as_record() for export in exports.log(engine)]
    frame = pd.DataFrame(
        records,
        columns=[
            "export_id",
            "audience",
            "audience_filters",
            "file_format",
            "contact_count",
            "relation_count",
            "as_of_date",
            "content_sha256",
            "exported_by",
            "exported_at",
            "relation_ids",
        ],
    )
    frame["exported_at"] = pd.to_datetime(frame["exported_at"], utc=True).dt.tz_localize(None)
    return frame.sort_values("export_id", ascending=False).head(limit)


def results() -> pd.DataFrame:
    """marts.campaign_results, the latest export first (exports since the last refresh
    are not in it yet)."""
    return read(
        f"select {', '.join(RESULT_COLUMNS)} from marts.campaign_results "
        "order by exported_at desc, export_id desc",
        [],
    )

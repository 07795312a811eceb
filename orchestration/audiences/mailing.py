"""A campaign audience's mailing list, as a file, accounted for: the one implementation
the campaign page (app/pages/campaigns.py) and the command line (`python -m
orchestration.audiences`) share.

Reads the published warehouse only (marts.audience_sizes, audience_relations,
audience_members) through a `Reader`: the page passes its cached, read-only query
(app/data/scope.py), the command line `warehouse_reader`. A selection is a named audience
of seeds/campaign_audiences.csv, optionally narrowed by ad-hoc filters on the segment
columns (the page's own selection starts from `all_relations`, which has no filter).

`export` writes the file's bytes and records them in the export log
(orchestration/audiences/exports.py) with the SHA-256 of exactly those bytes: what is
recorded is what was handed out. The Excel file is written by the dashboard's one
workbook writer (app/workbook.py), imported only when an Excel file is asked for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import sqlalchemy as sa

from orchestration.audiences import exports

Reader = Callable[[str, list], pd.DataFrame]
"""Runs one SQL query with parameters on the published warehouse, returns a DataFrame."""

AD_HOC_BASE = "all_relations"
"""The audience without filters that an ad-hoc selection narrows."""

# The ad-hoc filters: name (as in seeds/campaign_audiences.csv) -> column of the audience
# marts. A text filter takes one or more values (any of them), a boolean one true/false.
TEXT_FILTERS = {
    "relation_kind": "relation_kind",
    "pyramid_level": "pyramid_level",
    "abc_class": "abc_class",
    "customer_group": "customer_group",
    "service_level": "service_level",
    "salesperson_id": "account_manager_id",
    "region": "region",
    "sector": "sector",
}
BOOLEAN_FILTERS = {
    "needs_reactivation": "needs_reactivation",
    "is_lead": "is_lead",
    "has_open_quote": "has_open_quote",
}
SEGMENT_COLUMNS = [
    "relation_kind",
    "needs_reactivation",
    "is_lead",
    "pyramid_level",
    "abc_class",
    "customer_group",
    "service_level",
    "region",
    "sector",
    "has_open_quote",
]
# Only what a mailing needs: who to write to, at which relation, who the salesperson is,
# and the segment the relation was chosen by.
MAILING_COLUMNS = [
    "relation_id",
    "contact_id",
    "relation_name",
    "contact_name",
    "email",
    "account_manager_id",
    "account_manager_name",
    *SEGMENT_COLUMNS,
]
MIME_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UnknownAudience(ValueError):
    """No audience of that name in the published warehouse (seeds/campaign_audiences.csv)."""


class InvalidFilter(ValueError):
    """An ad-hoc filter names no segment column or has a value of the wrong kind."""


@dataclass(frozen=True)
class Selection:
    """A named audience, optionally narrowed by ad-hoc filters (empty: the audience whole)."""

    audience: str
    filters: Mapping[str, tuple[str, ...] | bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        cleaned = {}
        for name, value in self.filters.items():
            if name in BOOLEAN_FILTERS:
                if not isinstance(value, bool):
                    raise InvalidFilter(f"filter {name} takes true or false, not {value!r}")
                cleaned[name] = value
            elif name in TEXT_FILTERS:
                values = (value,) if isinstance(value, str) else tuple(value)
                if not values or not all(isinstance(v, str) and v for v in values):
                    raise InvalidFilter(f"filter {name} takes one or more values, not {value!r}")
                cleaned[name] = tuple(sorted(set(values)))
            else:
                known = ", ".join([*TEXT_FILTERS, *BOOLEAN_FILTERS])
                raise InvalidFilter(f"unknown filter {name!r}; known: {known}")
        object.__setattr__(self, "filters", dict(sorted(cleaned.items())))

    def where(self) -> tuple[str, list]:
        """`(sql, params)` on the audience marts: this audience, and every filter."""
        conditions, params = ["audience = ?"], [self.audience]
        for name, value in self.filters.items():
            if name in BOOLEAN_FILTERS:
                conditions.append(f"{BOOLEAN_FILTERS[name]} = ?")
                params.append(value)
            else:
                marks = ", ".join("?" for _ in value)
                conditions.append(f"{TEXT_FILTERS[name]} in ({marks})")
                params.extend(value)
        return " and ".join(conditions), params

    def filters_json(self) -> str | None:
        """The filters as recorded in the export log (None: the audience whole)."""
        if not self.filters:
            return None
        return json.dumps(
            {k: list(v) if isinstance(v, tuple) else v for k, v in self.filters.items()},
            sort_keys=True,
        )


# --- reading the warehouse ---------------------------------------------------------------
def warehouse_reader(path: Path) -> Reader:
    """A reader that opens the published warehouse read-only for each query (as the
    dashboard does: a refresh is never locked out for longer than a query)."""

    def read(sql: str, params: list) -> pd.DataFrame:
        if not Path(path).exists():
            raise FileNotFoundError(f"no published warehouse at {path}: run make refresh")
        with duckdb.connect(str(path), read_only=True) as con:
            return con.execute(sql, params).df()

    return read


def audiences(read: Reader) -> pd.DataFrame:
    """Every audience with its size with and without consent (marts.audience_sizes)."""
    return read(
        """
        select audience, label_nl, label_en, relation_count, contact_count,
               consenting_contact_count, contacts_without_consent_count,
               relations_with_consent_count, as_of_date
        from marts.audience_sizes
        order by audience
        """,
        [],
    )


def check_audience(read: Reader, audience: str) -> None:
    known = audiences(read)["audience"].tolist()
    if audience not in known:
        raise UnknownAudience(
            f"unknown audience {audience!r}; known audiences: {', '.join(known) or 'none'} "
            "(seeds/campaign_audiences.csv)"
        )


def size(read: Reader, selection: Selection) -> dict[str, int]:
    """Relations, all their contacts, and the contacts with consent, of a selection."""
    where, params = selection.where()
    frame = read(
        f"""
        select count(*) as relation_count,
               coalesce(sum(contact_count), 0) as contact_count,
               coalesce(sum(consenting_contact_count), 0) as consenting_contact_count
        from marts.audience_relations
        where {where}
        """,
        params,
    )
    values = {name: int(frame[name].iloc[0]) for name in frame.columns}
    values["contacts_without_consent_count"] = (
        values["contact_count"] - values["consenting_contact_count"]
    )
    return values


def mailing_list(read: Reader, selection: Selection) -> pd.DataFrame:
    """The contacts with marketing consent of the selection, mailing fields only, in
    relation and contact order."""
    where, params = selection.where()
    return read(
        f"""
        select {", ".join(MAILING_COLUMNS)}
        from marts.audience_members
        where {where}
        order by relation_id, contact_id
        """,
        params,
    )


def as_of(read: Reader) -> dt.date | None:
    frame = read("select max(as_of_date) as as_of_date from marts.audience_sizes", [])
    value = frame["as_of_date"].iloc[0] if not frame.empty else None
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


# --- the file ------------------------------------------------------------------------------
def render(frame: pd.DataFrame, file_format: str, audience: str, lang: str = "nl") -> bytes:
    """The mailing list as a file. CSV: UTF-8, comma-separated, the column names as header
    (relation_id, contact_id, email, ...), what a mailing tool imports. Excel: the
    dashboard's workbook (translated headers), one sheet."""
    frame = frame[MAILING_COLUMNS]
    if file_format == "csv":
        text = frame.copy()
        for name in BOOLEAN_FILTERS:  # true/false as the CRM writes them, not Python's True
            text[name] = text[name].map({True: "true", False: "false"})
        buffer = io.StringIO()
        text.to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue().encode("utf-8")
    if file_format == "xlsx":
        from app import workbook  # the one Excel writer of the project

        return workbook.to_xlsx(frame, MAILING_COLUMNS, lang, include_personal=True, sheet=audience)
    raise ValueError(f"file format {file_format!r} is not one of {', '.join(exports.FORMATS)}")


def file_name(selection: Selection, file_format: str, when: dt.date | None = None) -> str:
    suffix = "_selectie" if selection.filters else ""
    return f"{selection.audience}{suffix}_{(when or dt.date.today()).isoformat()}.{file_format}"


# --- the export: file plus record --------------------------------------------------------
@dataclass(frozen=True)
class Prepared:
    """A mailing list rendered, not yet recorded: the bytes that will be handed out."""

    selection: Selection
    file_format: str
    content: bytes
    relations: dict[str, int]
    relation_kinds: dict[str, str | None]
    as_of_date: dt.date | None

    @property
    def contact_count(self) -> int:
        return sum(self.relations.values())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def prepare(read: Reader, selection: Selection, file_format: str, lang: str = "nl") -> Prepared:
    """Read and render the mailing list; an unknown audience raises UnknownAudience."""
    if file_format not in exports.FORMATS:
        raise ValueError(f"file format {file_format!r} is not one of {', '.join(exports.FORMATS)}")
    check_audience(read, selection.audience)
    frame = mailing_list(read, selection)
    counts = frame.groupby("relation_id", sort=True).size()
    kinds = frame.drop_duplicates("relation_id").set_index("relation_id")["relation_kind"]
    return Prepared(
        selection=selection,
        file_format=file_format,
        content=render(frame, file_format, selection.audience, lang),
        relations={str(k): int(v) for k, v in counts.items()},
        relation_kinds={str(k): (None if pd.isna(v) else str(v)) for k, v in kinds.items()},
        as_of_date=as_of(read),
    )


def record(engine: sa.Engine, prepared: Prepared, exported_by: str) -> int:
    """Record a prepared export in the log; return its export_id."""
    return exports.record(
        engine,
        exports.NewExport(
            audience=prepared.selection.audience,
            audience_filters=prepared.selection.filters_json(),
            file_format=prepared.file_format,
            exported_by=exported_by,
            content_sha256=prepared.sha256,
            relations=prepared.relations,
            relation_kinds=prepared.relation_kinds,
            as_of_date=prepared.as_of_date,
        ),
    )

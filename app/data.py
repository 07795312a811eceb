"""Every query the dashboard runs: marts only, parameterised, read-only connections.

The dashboard opens the *published* warehouse read-only for each query and closes it at
once, so it never holds a lock the nightly refresh needs, and it picks up a new
publication (an atomic file swap) on the next query.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from orchestration.settings import load_settings


class WarehouseNotBuilt(RuntimeError):
    """The published warehouse does not exist yet: run `make refresh` (or `make demo`)."""


def warehouse_path() -> Path:
    return load_settings().warehouse


def _version(path: Path) -> float:
    # Part of every cache key: a new publication (new mtime) invalidates cached results.
    return path.stat().st_mtime if path.exists() else 0.0


def query(sql: str, params: list | None = None) -> pd.DataFrame:
    path = warehouse_path()
    return _cached_query(str(path), _version(path), sql, tuple(params or ()))


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_query(path: str, version: float, sql: str, params: tuple) -> pd.DataFrame:
    if not Path(path).exists():
        raise WarehouseNotBuilt(f"no published warehouse at {path}: run `make refresh` first")
    with duckdb.connect(path, read_only=True) as con:
        return con.execute(sql, list(params)).df()


def pyramid_counts() -> pd.DataFrame:
    return query(
        """
        select pyramid_level, pyramid_level_order, count(*) as relations,
               sum(revenue_12m) as revenue_12m
        from marts.customer_pyramid
        group by pyramid_level, pyramid_level_order
        order by pyramid_level_order
        """
    )


def as_of_date():
    return query("select max(as_of_date) as as_of_date from marts.relation_kinds").iloc[0, 0]

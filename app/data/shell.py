"""Queries of what every page shows around its content: the freshness line and the sidebar
filters' choices."""

from __future__ import annotations

import datetime as dt
import os

from app.data import scope


def freshness() -> dict:
    """as_of, when the file was published (its mtime) and when the sources were loaded."""
    path = scope.warehouse_path()
    frame = scope.query(
        """
        select
            (select max(as_of_date) from marts.relation_kinds) as as_of_date,
            (select max(loaded_at) from marts.dq_ingest_runs) as loaded_at
        """
    )
    published = dt.datetime.fromtimestamp(os.stat(path).st_mtime) if path.exists() else None
    row = frame.iloc[0]
    return {
        "as_of_date": row["as_of_date"],
        "loaded_at": row["loaded_at"],
        "published_at": published,
    }


def filter_options() -> dict:
    """Salespeople (id, name), regions and sectors for the sidebar, from relation_kinds."""
    salespeople = scope.query(
        """
        select account_manager_id as salesperson_id,
               any_value(account_manager_name) as salesperson_name
        from marts.relation_kinds
        where account_manager_id is not null
        group by account_manager_id
        order by salesperson_name, salesperson_id
        """
    )
    regions = scope.query(
        "select distinct region from marts.relation_kinds where region is not null order by 1"
    )
    sectors = scope.query(
        "select distinct sector from marts.relation_kinds where sector is not null order by 1"
    )
    return {
        "salespeople": salespeople,
        "regions": regions["region"].tolist(),
        "sectors": sectors["sector"].tolist(),
    }

"""Half-yearly service-level review periods (docs/business-rules.md section 8).

A review freezes the proposed service levels into a period `YYYY-H1` (run on 1 January)
or `YYYY-H2` (run on 1 July). Past reviews are history: a period older than the latest
frozen one cannot be reviewed again.
"""

from __future__ import annotations

import datetime as dt
import re

PERIOD_PATTERN = re.compile(r"^(\d{4})-H([12])$")


def parse_period(period: str) -> str:
    """Validate a review period and return it normalised, e.g. '2027-h1' -> '2027-H1'."""
    normalised = period.strip().upper()
    if not PERIOD_PATTERN.match(normalised):
        raise ValueError(f"review period {period!r} must look like 2027-H1 or 2027-H2")
    return normalised


def period_for_date(day: dt.date) -> str:
    """The review period a date falls in: 1 January-30 June is H1, 1 July-31 December H2."""
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


def period_start(period: str) -> dt.date:
    year, half = PERIOD_PATTERN.match(parse_period(period)).groups()
    return dt.date(int(year), 1 if half == "1" else 7, 1)


def check_not_older_than(period: str, latest_period: str | None) -> None:
    """Refuse to rewrite history: a review may repeat the latest period, not an older one."""
    if latest_period is not None and period_start(period) < period_start(latest_period):
        raise ValueError(
            f"review period {period} is older than the latest review {latest_period}; "
            "past reviews are kept as they were frozen"
        )

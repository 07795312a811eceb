"""Public holidays of the countries salespeople work in, for the visit plan's working days.

The calendar comes from the maintained `holidays` package, not from a list typed here:
`load_public_holidays` writes `raw.public_holidays` (country, holiday_date, holiday_name)
for the years a plan made at as_of can touch. Knows nothing about Dagster.
"""

from orchestration.calendars.public_holidays import (
    COUNTRIES,
    RAW_TABLE,
    ensure_raw_public_holidays,
    load_public_holidays,
    plan_years,
    public_holidays,
)

__all__ = [
    "COUNTRIES",
    "RAW_TABLE",
    "ensure_raw_public_holidays",
    "load_public_holidays",
    "plan_years",
    "public_holidays",
]

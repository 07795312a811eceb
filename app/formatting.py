"""Numbers, amounts, percentages and dates the Dutch or the English way, through Babel.

Every function takes the language explicitly (default: the session's) and shows a missing
value as ''. Amounts are rounded half away from zero, as people round money, before Babel
formats them (Babel itself rounds half to even).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from babel import dates, numbers

from app.i18n import current_language, label, t

BABEL_LOCALES = {"nl": "nl_NL", "en": "en_GB"}
CURRENCY = "EUR"
# The layouts the dashboard has always shown, in Babel's (LDML) pattern syntax: "€ 1.234"
# and "€ -1.234" in Dutch with a plain space (the CLDR pattern has a no-break space, which
# the tests and the CSVs compare as text), "€1,234" and "-€1,234" in English; dates as
# 23-11-2026 in Dutch and ISO 8601 in English.
CURRENCY_PATTERNS = {"nl": ("¤ {n}", "¤ -{n}"), "en": ("¤{n}", "-¤{n}")}
DATE_PATTERNS = {"nl": "dd-MM-yyyy", "en": "yyyy-MM-dd"}
DATETIME_PATTERNS = {"nl": "dd-MM-yyyy HH:mm", "en": "yyyy-MM-dd HH:mm"}


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _rounded(value: object, decimals: int) -> Decimal:
    """`value` rounded half away from zero to `decimals`; never a negative zero."""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(number) if number == 0 else number


def _digits(decimals: int) -> str:
    """The number part of a pattern: grouped thousands and exactly `decimals` decimals."""
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def fmt_number(value: object, lang: str | None = None, decimals: int = 0) -> str:
    """1234567.5 -> '1.234.567,5' (nl) or '1,234,567.5' (en); missing -> ''."""
    if _is_missing(value):
        return ""
    lang = lang or current_language()
    return numbers.format_decimal(
        _rounded(value, decimals), format=_digits(decimals), locale=BABEL_LOCALES[lang]
    )


def fmt_int(value: object, lang: str | None = None) -> str:
    return fmt_number(value, lang, 0)


def fmt_eur(value: object, lang: str | None = None, decimals: int = 0) -> str:
    """1234567 -> '€ 1.234.567' (nl) or '€1,234,567' (en); negatives: '€ -1.234' / '-€1,234'."""
    if _is_missing(value):
        return ""
    lang = lang or current_language()
    positive, negative = CURRENCY_PATTERNS[lang]
    digits = _digits(decimals)
    return numbers.format_currency(
        _rounded(value, decimals),
        CURRENCY,
        format=f"{positive.format(n=digits)};{negative.format(n=digits)}",
        locale=BABEL_LOCALES[lang],
        currency_digits=False,  # the pattern's decimals, not the euro's two cents
    )


def _percent(points: Decimal, lang: str, decimals: int) -> str:
    # Babel multiplies a percentage by 100 itself; dividing a Decimal by 100 is exact.
    return numbers.format_percent(
        points / 100, format=_digits(decimals) + "%", locale=BABEL_LOCALES[lang]
    )


def fmt_pct(value: object, lang: str | None = None, decimals: int = 1) -> str:
    """A fraction: 0.125 -> '12,5%' (nl) or '12.5%' (en)."""
    if _is_missing(value):
        return ""
    return _percent(_rounded(float(value) * 100, decimals), lang or current_language(), decimals)


def fmt_pct_points(value: object, lang: str | None = None, decimals: int = 1) -> str:
    """A value already in percent (a seed's max_discount_pct): 7.5 -> '7,5%' (nl)."""
    if _is_missing(value):
        return ""
    return _percent(_rounded(value, decimals), lang or current_language(), decimals)


def _as_datetime(value: object) -> dt.datetime | dt.date:
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value)
    return value


def fmt_date(value: object, lang: str | None = None) -> str:
    """23-11-2026 (nl) or 2026-11-23 (en); missing -> ''."""
    if _is_missing(value):
        return ""
    lang = lang or current_language()
    value = _as_datetime(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return dates.format_date(value, DATE_PATTERNS[lang], locale=BABEL_LOCALES[lang])


def fmt_datetime(value: object, lang: str | None = None) -> str:
    """23-11-2026 14:05 (nl) or 2026-11-23 14:05 (en), in the value's own time; missing -> ''."""
    if _is_missing(value):
        return ""
    lang = lang or current_language()
    value = _as_datetime(value)
    if isinstance(value, dt.datetime):
        # Babel would convert an aware time to UTC; show the wall time it carries.
        value = value.replace(tzinfo=None)
    return dates.format_datetime(value, DATETIME_PATTERNS[lang], locale=BABEL_LOCALES[lang])


def fmt_bool(value: object, lang: str | None = None) -> str:
    if _is_missing(value):
        return ""
    return t("yes" if bool(value) else "no", lang)


def vega_number_locale(lang: str | None = None) -> dict:
    """d3-format locale for Vega-Lite axes: the language's separators, and '€ ' in Dutch."""
    lang = lang or current_language()
    locale = BABEL_LOCALES[lang]
    positive, _ = CURRENCY_PATTERNS[lang]
    symbol = numbers.get_currency_symbol(CURRENCY, locale=locale)
    return {
        "decimal": numbers.get_decimal_symbol(locale),
        "thousands": numbers.get_group_symbol(locale),
        "grouping": [3],
        "currency": [positive.split("{n}")[0].replace("¤", symbol), ""],
    }


# Units of the scoring criteria's raw values (seeds/scoring_criteria.csv and
# seeds/prospect_scoring_criteria.csv descriptions).
CRITERION_UNITS = {
    "revenue_12m": "eur",
    "average_order_value_12m": "eur",
    "growth_potential": "eur",
    "overdue_open_amount": "eur",
    "estimated_annual_spend": "eur",
    "open_quote_amount": "eur",
    "share_of_wallet": "fraction",
    "margin_pct_12m": "fraction",
    "response_rate_window": "fraction",
}


def fmt_raw_value(criterion: str, value: object, lang: str | None = None) -> str:
    """A criterion's raw value in its unit; an unknown value shows as 'onbekend'."""
    if _is_missing(value):
        return label("band", "missing", lang)
    unit = CRITERION_UNITS.get(criterion)
    if unit == "eur":
        return fmt_eur(value, lang)
    if unit == "fraction":
        return fmt_pct(value, lang)
    number = float(value)
    return fmt_number(number, lang, 0 if number == int(number) else 1)

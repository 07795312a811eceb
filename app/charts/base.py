"""What every chart shares: the language's number locale and colour scales by label."""

from __future__ import annotations

import altair as alt

from app import formatting, i18n


def finish(chart: alt.TopLevelMixin, lang: str) -> alt.TopLevelMixin:
    """Top-level configuration: the language's number locale, no chart border."""
    return chart.configure(
        locale=alt.Locale(number=alt.NumberLocale(**formatting.vega_number_locale(lang)))
    ).configure_view(stroke=None)


def color_scale(colors: dict[str, str], kind: str, lang: str) -> alt.Scale:
    """A colour per enum value (in `colors`' order), keyed by the value's translated label."""
    keys = list(colors)
    return alt.Scale(
        domain=[i18n.label(kind, key, lang) for key in keys],
        range=[colors[key] for key in keys],
    )

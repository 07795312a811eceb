"""The what-if page's words (docs/business-rules.md section 13): a setting's value as the
page writes it, and what a what-if would mean, in sentences. Pure functions of the figures
`orchestration.whatif` returns."""

from __future__ import annotations

from app.data.what_if import SETTINGS
from app.formatting import fmt_eur, fmt_int, fmt_number, fmt_pct
from app.i18n import t


def shown(name: str, value: float, lang: str) -> str:
    """A setting's value as the page writes it (0,70; EUR 40.000; 5,0; 12)."""
    kind = next(s.kind for s in SETTINGS if s.name == name)
    if kind == "share":
        return fmt_number(value, lang, 2)
    if kind == "percent":
        return fmt_number(value, lang, 1)
    if kind == "euros":
        return fmt_eur(value, lang)
    return fmt_int(value, lang)


def meaning(result: dict, lang: str) -> list[str]:
    """What the what-if would mean, in sentences: the moves at the coming review, the A
    customers, and the visits the team would need against its capacity."""
    upcoming = result["migration"]["next_review"]
    period = upcoming["period"] or "?"
    moves = sorted(
        (
            (count, now, after)
            for now, cells in upcoming["matrix"].items()
            for after, count in cells.items()
            if now != after and count
        ),
        reverse=True,
    )
    lines = [
        t("wi.mean.move", lang, n=fmt_int(count, lang), now=now, after=after, period=period)
        for count, now, after in moves
    ] or [t("wi.mean.no_moves", lang, period=period)]
    abc = result["abc"]
    if abc["before"].get("A") != abc["after"].get("A"):
        lines.append(
            t(
                "wi.mean.abc",
                lang,
                before=fmt_int(abc["before"].get("A", 0), lang),
                after=fmt_int(abc["after"].get("A", 0), lang),
            )
        )
    demand = result["visit_demand"]["next_review"]
    before, after = demand["before"], demand["after"]
    difference = after["visits_per_year"] - before["visits_per_year"]
    capacity = after["capacity_per_year"]
    key = "wi.mean.visits.more" if difference > 0 else "wi.mean.visits.fewer"
    if difference == 0:
        key = "wi.mean.visits.same"
    words = t(key, lang, n=fmt_int(abs(difference), lang), period=period)
    if capacity:
        share = after["visits_per_year"] / capacity
        words += " " + (
            t("wi.mean.over", lang, pct=fmt_pct(share - 1, lang, decimals=0))
            if share > 1
            else t("wi.mean.within", lang, pct=fmt_pct(share, lang, decimals=0))
        )
    lines.append(words)
    levels = result["service_levels"]
    if levels["before"] == levels["after"]:
        lines.append(t("wi.mean.frozen", lang, period=period))
    return lines

"""The review's "why" and "what it would take" in the user's language, built from the
structured columns of marts.service_level_open_review (the mart's own `proposal_reason`
is an English sentence, for the SQL user)."""

from __future__ import annotations

import pandas as pd

from app.formatting import fmt_eur
from app.i18n import current_language, label, t


def why(row: pd.Series | dict, lang: str | None = None) -> str:
    """ABC class and growth-potential band, their scores, and the matrix cell's level."""
    lang = lang or current_language()
    abc_class = row["abc_class"]
    return t(
        "review.why",
        lang,
        abc=t("review.why.no_class", lang) if pd.isna(abc_class) else abc_class,
        revenue_score=int(row["revenue_score"]),
        band=label("potential_band", row["potential_band"], lang),
        unknown=t("review.why.spend_unknown", lang) if pd.isna(row["growth_potential"]) else "",
        potential_score=int(row["potential_score"]),
        level=row["proposed_level"],
    )


def what_it_takes(row: pd.Series | dict, lang: str | None = None) -> str:
    """The revenue to reach the next better ABC class; nothing to add for class A."""
    lang = lang or current_language()
    if pd.isna(row["next_abc_class"]):
        return t("review.takes.top", lang)
    if pd.isna(row["revenue_to_next_class"]):
        return ""  # the next class holds no customer to measure against
    return t(
        "review.takes",
        lang,
        amount=fmt_eur(row["revenue_to_next_class"], lang),
        next_class=row["next_abc_class"],
    )


def explained(frame: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """`frame` with the columns `why` and `what_it_takes` in `lang`."""
    lang = lang or current_language()
    out = frame.copy()
    records = frame.to_dict("records")
    out["why"] = [why(row, lang) for row in records]
    out["what_it_takes"] = [what_it_takes(row, lang) for row in records]
    return out

"""The rule parameters the dashboard draws (ABC shares, matrix thresholds, cut-off, ...).

They are dbt vars, not columns of the marts it shows, so the build records the values it
used in `marts.rule_parameters` (name, value, source) and the dashboard reads them there:
one source, the build itself, so a line on a chart is the threshold that made its figures.
"""

from __future__ import annotations

import pandas as pd

from app.data.scope import query

DRAWN_PARAMETERS = (
    "abc_a_share",
    "abc_b_share",
    "score_cutoff",
    "matrix_relationship_threshold",
    "matrix_buying_threshold",
    "planning_horizon_weeks",
)


def rule_parameters() -> pd.DataFrame:
    """Every rule parameter of the published build: name, value (text), source."""
    return query("select name, value, source from marts.rule_parameters order by name")


def drawn_parameters() -> dict[str, float]:
    """The parameters the charts draw, as numbers; a build without one of them is an error
    (an old warehouse: run `make refresh`), never a silent default."""
    values = dict(zip(*rule_parameters()[["name", "value"]].T.values, strict=True))
    missing = [name for name in DRAWN_PARAMETERS if name not in values]
    if missing:
        raise LookupError(
            f"marts.rule_parameters lacks {', '.join(missing)}: rebuild the warehouse "
            "(make refresh)"
        )
    return {name: float(values[name]) for name in DRAWN_PARAMETERS}

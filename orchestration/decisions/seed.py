"""Move the rows of the old overrides seed into the decisions store, once.

Before the store, overrides were rows of `seeds/service_level_overrides.csv`. Every refresh
appends the seed's rows the store does not hold yet, so a company upgrading keeps its
overrides and the seed stops being read by the models. A row counts as held when an
override with the same relation, period, level, reason and decider is in the store: the
seed has no decision time, so these five columns are all that identify it.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from orchestration.decisions import store, validation
from orchestration.settings import REPO_ROOT

SEED_PATH = REPO_ROOT / "seeds" / "service_level_overrides.csv"


def _key(decision: store.NewDecision) -> tuple:
    return (
        decision.relation_id,
        decision.review_period,
        decision.level,
        decision.reason,
        decision.decided_by,
    )


def import_seed(engine: sa.Engine, path: Path = SEED_PATH) -> list[int]:
    """Append the seed's overrides the store does not hold yet; return their ids.

    A missing file imports nothing. A bad row raises InvalidDecision (the refresh fails
    and names it) and nothing is appended.
    """
    if not path.exists():
        return []
    return append_new(engine, validation.read_seed_overrides(path, warehouse=None))


def append_new(engine: sa.Engine, rows: list[store.NewDecision]) -> list[int]:
    """Append the overrides among `rows` that the store does not hold yet (same relation,
    period, level, reason and decider), each once; return their ids. Also what
    `python -m orchestration.decisions import-csv` does, so importing a file twice is safe."""
    held = {
        _key(decision)
        for decision in store.history(engine)
        if decision.decision_type == store.OVERRIDE
    }
    new = []
    for row in rows:
        if _key(row) not in held:
            held.add(_key(row))
            new.append(row)
    return store.append(engine, new) if new else []

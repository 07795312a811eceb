"""Decisions people enter, kept in a store of their own (docs/business-rules.md section 8).

Service-level overrides and postponed reactivations are the one thing a refresh cannot
rebuild: they live in `PYRAMID_DECISIONS` (a SQLite file, default data/decisions.sqlite,
or a PostgreSQL database), never in the warehouse, which every refresh replaces.

Modules: `store` (the append-only table, the history and the decisions in force),
`validation` (checks of what a person entered, the old seed format), `__main__` (the CLI),
`seed` (the old seed's rows moved into the store at each refresh), `raw` (the store copied
into the warehouse as raw.decisions).
"""

"""The benchmark's stages, one module each, in pipeline order (`benchmarks.scale`).

A stage module has `run(bench)`, one timed run at one scale, and `rows(bench)`, the
result rows of the runs gathered so far. The scripts beside them (`ingest_tables`,
`limit_duckdb`, `dagster_steps`, `peer_pandas`, `bench_dashboard`, `engine_postgres`)
are what the timed child processes run. This file imports nothing, so that starting one
of those scripts costs no harness imports.
"""

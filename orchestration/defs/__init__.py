"""Everything Dagster: assets, jobs, schedules and resources, gathered by
`orchestration.definitions`. The work itself lives in the plain packages (ingest,
warehouse, privacy), which never import Dagster."""

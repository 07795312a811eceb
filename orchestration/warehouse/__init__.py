"""The warehouse files: building and publishing them, the refresh status the dashboard
shows, and the half-yearly review periods. Plain Python: no Dagster here."""

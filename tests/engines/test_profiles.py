"""The engine targets in profiles.yml agree with the loader (runs in `make test`)."""

from __future__ import annotations

import jinja2
import yaml

from orchestration import engines
from orchestration.settings import DBT_PROJECT_DIR, DEFAULT_MEMORY_LIMIT


def render_profile(env: dict[str, str]) -> dict:
    """profiles.yml as dbt renders it, for the env_var and filters it uses."""
    environment = jinja2.Environment()
    environment.filters["as_number"] = int
    template = environment.from_string(
        (DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8")
    )
    text = template.render(env_var=lambda name, default="": env.get(name, default))
    return yaml.safe_load(text)["customer_pyramid"]["outputs"]


def test_spark_target_uses_the_loaders_session_settings(tmp_path):
    outputs = render_profile({"PYRAMID_SPARK_DIR": str(tmp_path)})
    profile = outputs["spark"]["server_side_parameters"]
    loader = engines.spark_conf(tmp_path)
    # dbt-spark itself turns ANSI mode off in its sessions; the loader says so explicitly.
    assert loader.pop("spark.sql.ansi.enabled") == "false"
    assert profile == loader
    assert outputs["spark"]["method"] == "session"


def test_postgres_target_reads_the_loaders_variables():
    env = {
        "PYRAMID_PG_HOST": "db.example",
        "PYRAMID_PG_PORT": "6543",
        "PYRAMID_PG_USER": "pyramid",
        "PYRAMID_PG_PASSWORD": "secret",
        "PYRAMID_PG_DATABASE": "warehouse",
    }
    profile = render_profile(env)["postgres"]
    settings = engines.PostgresSettings.from_env(env)
    assert (profile["host"], int(profile["port"]), profile["user"], profile["dbname"]) == (
        settings.host,
        settings.port,
        settings.user,
        settings.database,
    )
    assert profile["password"] == settings.password
    defaults = render_profile({})["postgres"]
    default_settings = engines.PostgresSettings.from_env({})
    assert (defaults["host"], int(defaults["port"]), defaults["dbname"]) == (
        default_settings.host,
        default_settings.port,
        default_settings.database,
    )


def test_normalised_values_compare_across_engines():
    import datetime as dt
    from decimal import Decimal

    assert engines.normalise_value(Decimal("15.00")) == engines.normalise_value(15.0) == "15.00"
    assert engines.normalise_value(Decimal("0E-20")) == engines.normalise_value(-0.0) == "0.00"
    assert engines.normalise_value(0.375) == "0.38"
    assert engines.normalise_value(dt.datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02 03:04:05"
    assert engines.normalise_value(dt.date(2026, 1, 2)) == "2026-01-02"
    assert engines.normalise_value(True) is True
    relation = engines.normalise_relation(
        ["b", "A", "dbt_valid_from", "dbt_valid_to"],
        [(2, "y", dt.datetime(2026, 1, 1), None), (1, "x", dt.datetime(2026, 1, 2), 5)],
    )
    assert relation == {
        "columns": ["a", "b", "dbt_valid_to"],
        "rows": [["x", "1.00", "closed"], ["y", "2.00", "current"]],
    }


def test_duckdb_target_defaults_to_the_pipelines_memory_limit():
    """A dbt run without the pipeline's environment (a developer's `dbt build`) gets the
    same DuckDB memory limit as a refresh: the default is written in profiles.yml too."""
    outputs = render_profile({})
    assert outputs["duckdb"]["settings"]["memory_limit"] == DEFAULT_MEMORY_LIMIT
    limited = render_profile({"PYRAMID_DUCKDB_MEMORY_LIMIT": "1GB"})
    assert limited["duckdb"]["settings"]["memory_limit"] == "1GB"

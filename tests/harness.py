"""The one way the tests run dbt, the Dagster pipeline and the dashboard.

Every test that needs one of them goes through here, so a change in how the project runs
(a flag, an environment variable, the dbt of another Python environment) is made once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

from orchestration.dbt_manifest import ensure_manifest
from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, REPO_ROOT

AS_OF = dt.date(2026, 11, 23)
APP_ENTRY = str(REPO_ROOT / "app" / "streamlit_app.py")


# --- dbt ------------------------------------------------------------------------------------


def dbt_command(
    args: list[str],
    *,
    project: Path = DBT_PROJECT_DIR,
    artifacts: Path | None = None,
) -> list[str]:
    """This environment's dbt with `args` on `project` (its own profile). With `artifacts`,
    target and logs go there, so parallel runs never share dbt_project/target."""
    command = [str(DBT_EXECUTABLE), *args, "--project-dir", str(project)]
    command += ["--profiles-dir", str(project)]
    if artifacts is not None:
        command += [
            "--target-path",
            str(artifacts / "target"),
            "--log-path",
            str(artifacts / "logs"),
        ]
    return command


def run_dbt(
    args: list[str],
    *,
    env: Mapping[str, str] | None = None,
    project: Path = DBT_PROJECT_DIR,
    artifacts: Path | None = None,
    check: bool = True,
    timeout: float = 900,
) -> subprocess.CompletedProcess:
    """Run dbt to the end; with `check`, assert it succeeded (its output in the message)."""
    done = subprocess.run(
        dbt_command(args, project=project, artifacts=artifacts),
        cwd=project,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check:
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    return done


# The planning models, rebuilt on a private copy of a built warehouse for another as_of or
# horizon (tests/test_visit_plan.py, tests/test_visit_outputs.py).
PLANNING_MODELS = [
    "int_reactivation_postponements",
    "int_salespeople_working_days",
    "visit_capacity",
    "visit_plan",
]


def rebuild_planning(
    warehouse: Path,
    workdir: Path,
    as_of: dt.date,
    models: list[str] = PLANNING_MODELS,
    **dbt_vars,
) -> None:
    """dbt run of the planning `models` on `warehouse` (a private copy) at `as_of`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYRAMID_", "DBT_"))}
    env |= {
        "PYRAMID_WAREHOUSE": str(warehouse),
        "PYRAMID_BUILD_WAREHOUSE": str(warehouse),
        "PYRAMID_AS_OF": as_of.isoformat(),
    }
    run_dbt(
        [
            "run",
            "--select",
            *models,
            "--vars",
            json.dumps({"as_of": as_of.isoformat(), **dbt_vars}),
        ],
        env=env,
        artifacts=workdir,
    )


def private_copy(built_warehouse: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(built_warehouse, folder / built_warehouse.name))


# --- the Dagster pipeline -------------------------------------------------------------------


def pipeline_env(sources: Path, workdir: Path, as_of: dt.date = AS_OF) -> dict[str, str]:
    """The environment of a pipeline run whose every file lives under `workdir`."""
    return {
        "PYRAMID_SOURCE_DIR": str(sources),
        "PYRAMID_WAREHOUSE": str(workdir / "warehouse.duckdb"),
        "PYRAMID_BUILD_WAREHOUSE": str(workdir / "build" / "warehouse.duckdb"),
        "PYRAMID_AS_OF": as_of.isoformat(),
        # Every refresh reads (and may create) the decisions store: never the repository's.
        "PYRAMID_DECISIONS": str(workdir / "decisions.sqlite"),
        "DAGSTER_HOME": str(workdir / "dagster_home"),
    }


def run_job(env: dict[str, str], job_name: str = "nightly_refresh", run_config=None):
    """Run a Dagster job in this process with `env` applied, restoring the environment."""
    import dagster as dg

    ensure_manifest()
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    Path(env["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    try:
        from orchestration.definitions import defs

        job = defs.resolve_job_def(job_name)
        with dg.DagsterInstance.ephemeral() as instance:
            return job.execute_in_process(
                run_config=run_config or {}, instance=instance, raise_on_error=False
            )
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# --- the dashboard --------------------------------------------------------------------------


def app_test(entry: str = APP_ENTRY, timeout: float = 60):
    """The real Streamlit app (AppTest), not yet run."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(entry, default_timeout=timeout)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def dashboard_server(env: Mapping[str, str], log: Path, timeout: float = 60) -> Iterator[str]:
    """The dashboard as `make app` starts it (`app/launch.py`), on a free port with `env`
    added to this environment; yields its URL once it answers, stops it afterwards."""
    from app import launch

    port = free_port()
    environ = {**os.environ, **env}
    command = [*launch.streamlit_command(port, environ), "--server.fileWatcherType", "none"]
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=environ, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the dashboard did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()

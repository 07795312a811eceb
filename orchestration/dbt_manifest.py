"""The dbt manifest Dagster builds its dbt assets from (`dbt_project/target/manifest.json`):
parsed again when it is missing or older than a file dbt parses, as `make manifest` does.

A manifest that lacks a model or test the project now has makes the refresh fail inside
dagster-dbt with a bare KeyError once dbt runs that node; `python -m orchestration.cli`
therefore checks it before every run (under the writer lock, so two runs never rewrite
it at once), and the tests and benchmarks use the same check.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, REPO_ROOT

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
# What `dbt parse` reads: the paths of dbt_project.yml (seeds live beside the project),
# the project file and the profile.
_PARSED_DIRS = (
    *(DBT_PROJECT_DIR / name for name in ("models", "macros", "snapshots", "tests")),
    REPO_ROOT / "seeds",
)
_PARSED_FILES = (DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml")


def _parsed_files() -> Iterator[Path]:
    yield from _PARSED_FILES
    for folder in _PARSED_DIRS:
        yield from (path for path in folder.rglob("*") if path.is_file())


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def manifest_outdated(manifest: Path = MANIFEST) -> str | None:
    """Why `manifest` must be parsed again (missing, or a dbt file changed after it was
    written), or None when it is up to date."""
    if not manifest.exists():
        return f"{_shown(manifest)} is missing"
    written = manifest.stat().st_mtime
    for path in _parsed_files():
        if path.stat().st_mtime > written:
            return f"{_shown(path)} changed after {_shown(manifest)} was written"
    return None


def ensure_manifest(log: Callable[[str], None] | None = None) -> bool:
    """Run `dbt parse` when the manifest is outdated; True when it did.

    Raises `subprocess.CalledProcessError` when dbt cannot parse the project (dbt has
    printed why).
    """
    reason = manifest_outdated()
    if reason is None:
        return False
    if log is not None:
        log(f"{reason}: dbt parse")
    subprocess.run([str(DBT_EXECUTABLE), "parse", "--quiet"], cwd=DBT_PROJECT_DIR, check=True)
    MANIFEST.touch()  # as `make manifest` does: the next check compares with this time
    return True

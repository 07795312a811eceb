"""The scratch build of a what-if: a copy of the published warehouse, rebuilt by dbt with
the what-if's settings, never the published file itself.

Only the models the figures need are rebuilt, and of those only the ones a changed setting
reaches: a model that reads a changed var (directly or through a macro), or the
service_level_capacities seed (visit norms), and everything between it and the marts the
figures read. Everything else in the copy is what the published build made from the same
raw data, so the rebuilt marts equal those of a full rebuild with the same settings.
Incremental models (the review history) are never rebuilt; snapshots never run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR

# The marts the figures read (orchestration/whatif/figures.py).
FIGURE_MARTS = (
    "customer_abc",
    "customer_pyramid",
    "service_levels",
    "service_level_open_review",
    "visit_capacity",
)
NORMS_SEED = "service_level_capacities"
_MACRO = re.compile(r"{%-?\s*macro\s+(\w+)\s*\(", re.S)


class ScratchBuildError(RuntimeError):
    """dbt could not rebuild the scratch copy (its output's tail is in the message)."""


@dataclass(frozen=True)
class ScratchBuild:
    selection: list[str]
    """dbt's --select arguments; empty when no setting reaches a figure."""
    seconds: float
    models: int


def copy_published(published: Path, scratch: Path) -> None:
    """Copy the published file (and a write-ahead log, if one is there) to `scratch`. A
    publication replaces the file with os.replace: the copy is the old or the new one."""
    shutil.copyfile(published, scratch)
    wal = published.with_name(published.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, scratch.with_name(scratch.name + ".wal"))


def _var_pattern(names: list[str]) -> re.Pattern:
    return re.compile(r"""var\(\s*['"](""" + _alternatives(names) + r""")['"]""")


def _alternatives(names) -> str:
    return "|".join(re.escape(name) for name in sorted(names))


def _calls(macros) -> re.Pattern:
    return re.compile(r"\b(" + _alternatives(macros) + r")\s*\(")


def _macros_using(names: list[str], project: Path) -> set[str]:
    """Macros of the project that read one of the vars, directly or through another macro."""
    bodies: dict[str, str] = {}
    for path in (project / "macros").rglob("*.sql"):
        text = path.read_text(encoding="utf-8")
        starts = list(_MACRO.finditer(text))
        for index, match in enumerate(starts):
            end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
            bodies[match.group(1)] = text[match.start() : end]
    pattern = _var_pattern(names)
    using = {name for name, body in bodies.items() if pattern.search(body)}
    while True:
        calls = _calls(using) if using else None
        more = {
            name
            for name, body in bodies.items()
            if name not in using and calls is not None and calls.search(body)
        }
        if not more:
            return using
        using |= more


def model_path(name: str, project: Path = DBT_PROJECT_DIR) -> str:
    """A model as a dbt `path:` selector: a bare name can be ambiguous (the mart
    customer_pyramid has the project's name, and `+customer_pyramid` is the whole project)."""
    found = sorted((project / "models").rglob(f"{name}.sql"))
    if len(found) != 1:
        raise LookupError(f"model {name}: {len(found)} files named {name}.sql")
    return "path:" + found[0].relative_to(project).as_posix()


def models_reading(names: list[str], project: Path = DBT_PROJECT_DIR) -> set[str]:
    """The models (as `path:` selectors) whose SQL reads one of the vars `names`, directly
    or through a macro."""
    if not names:
        return set()
    patterns = [_var_pattern(names)]
    macros = _macros_using(names, project)
    if macros:
        patterns.append(_calls(macros))
    found = set()
    for path in (project / "models").rglob("*.sql"):
        text = path.read_text(encoding="utf-8")
        if any(pattern.search(text) for pattern in patterns):
            found.add("path:" + path.relative_to(project).as_posix())
    return found


def selection(variables: list[str], norms_changed: bool) -> list[str]:
    """dbt --select arguments: each changed node's descendants that are ancestors of a
    figure mart (`a+,+b` is the intersection of a+ and +b; arguments are a union)."""
    starts = sorted(models_reading(variables))
    if norms_changed:
        starts.append(NORMS_SEED)
    marts = [model_path(mart) for mart in FIGURE_MARTS]
    return [f"{start}+,+{mart}" for start in starts for mart in marts]


def dbt_run_args(select: list[str], dbt_vars: dict, work_dir: Path) -> list[str]:
    """The one dbt invocation of a what-if (a pure function: tests/test_whatif.py)."""
    return [
        "run",
        "--select",
        *select,
        "--exclude",
        "config.materialized:incremental",
        "--vars",
        json.dumps(dbt_vars, sort_keys=True),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
        "--log-level-file",
        "info",
    ]


def run_dbt(scratch: Path, as_of: str, select: list[str], dbt_vars: dict, memory_limit: str) -> int:
    """Rebuild the selected models in `scratch`; the number of models dbt ran."""
    work_dir = scratch.parent
    # Both paths point at the scratch copy: nothing dbt does can reach the published file.
    env = {
        **os.environ,
        "PYRAMID_WAREHOUSE": str(scratch),
        "PYRAMID_BUILD_WAREHOUSE": str(scratch),
        "PYRAMID_AS_OF": as_of,
        "PYRAMID_DUCKDB_MEMORY_LIMIT": memory_limit,
    }
    done = subprocess.run(
        [str(DBT_EXECUTABLE), *dbt_run_args(select, dbt_vars, work_dir)],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise ScratchBuildError(f"dbt could not rebuild the what-if copy:\n{tail}")
    results = work_dir / "target" / "run_results.json"
    if not results.exists():
        return 0
    return len(json.loads(results.read_text(encoding="utf-8"))["results"])

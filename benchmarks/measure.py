"""Timing and memory of one stage run as a child process, plus machine facts.

Every stage of the benchmark runs in its own process, so its peak memory and CPU time
are its own. `run_measured` starts the command, samples the resident set size (RSS) of
the whole process tree (the command and every process it starts: Dagster starts dbt)
every 50 ms with psutil, and reads the CPU time of the finished tree from
`getrusage(RUSAGE_CHILDREN)`. CPU time is the figure to trust on a busy machine: wall
time grows when other processes take the cores, CPU time hardly does.
"""

from __future__ import annotations

import contextlib
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Measurement:
    seconds: float
    """Wall time from start to exit of the process tree's root."""
    cpu_seconds: float
    """User + system CPU time of the process and every descendant it waited for."""
    peak_rss_mb: float
    """Highest sum of RSS over the process tree, sampled every 50 ms."""
    returncode: int
    stdout: str
    stderr: str
    load_average: float
    """1-minute load average when the run started (other work on the machine)."""


class _TreeMemoryPoller(threading.Thread):
    """Samples the summed RSS of a process and its descendants until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_bytes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop_event.is_set():
            total = 0
            try:
                processes = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for process in processes:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    total += process.memory_info().rss
            self.peak_bytes = max(self.peak_bytes, total)
            self._stop_event.wait(_POLL_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(
    command: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
    check: bool = True,
    label: str = "",
) -> Measurement:
    """Run `command` to completion and measure it; raise on a non-zero exit when `check`."""
    full_env = {**os.environ, **(env or {})}
    load = os.getloadavg()[0]
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=full_env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    poller = _TreeMemoryPoller(process.pid)
    poller.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        poller.stop()
        raise RuntimeError(f"{label or command[0]}: timed out after {timeout} s") from None
    seconds = time.perf_counter() - started
    poller.stop()
    measurement = Measurement(
        seconds=seconds,
        cpu_seconds=_children_cpu() - cpu_before,
        peak_rss_mb=poller.peak_bytes / 1e6,
        returncode=process.returncode,
        stdout=stdout,
        stderr=stderr,
        load_average=load,
    )
    if check and process.returncode != 0:
        tail = "\n".join((stderr or stdout).strip().splitlines()[-30:])
        raise RuntimeError(
            f"{label or ' '.join(command)} failed with exit code {process.returncode}:\n{tail}"
        )
    return measurement


def _version(module: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:
        return None


def machine_info() -> dict:
    """What the numbers were measured on: cores, memory, versions, load."""
    memory = psutil.virtual_memory()
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "ram_gb": round(memory.total / 1e9, 1),
        "ram_available_gb_at_start": round(memory.available / 1e9, 1),
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "duckdb": _version("duckdb"),
        "dbt_core": _version("dbt-core"),
        "dbt_duckdb": _version("dbt-duckdb"),
        "dagster": _version("dagster"),
        "dagster_dbt": _version("dagster-dbt"),
        "pandas": _version("pandas"),
        "pyarrow": _version("pyarrow"),
        "numpy": _version("numpy"),
    }


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None

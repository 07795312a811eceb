"""From measured runs to result rows: medians, ratios and the common keys of a row.

Every row of `benchmarks/results/latest.json` has at least `stage`, `scale`, `seconds`,
`ratio_to_limit`, `ratio_to_peer` and `peak_rss_mb` (None where a value does not apply).
A `Stage` gathers the runs of one stage at one scale; `derived_row` is a row computed from
other figures, with no process of its own.
"""

from __future__ import annotations

import statistics

from benchmarks.measure import Measurement


def median(values: list[float | None]) -> float | None:
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 3)


def rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


class Stage:
    """The measurements of one stage at one scale, and the row it becomes."""

    def __init__(self, name: str, scale: str):
        self.name = name
        self.scale = scale
        self.runs: list[Measurement] = []
        self.details: list[dict] = []

    def add(self, measurement: Measurement, detail: dict | None = None) -> None:
        self.runs.append(measurement)
        self.details.append(detail or {})

    @property
    def seconds(self) -> float | None:
        return median([run.seconds for run in self.runs])

    @property
    def median_index(self) -> int:
        """Index of the run whose wall time is the median (lower middle)."""
        order = sorted(range(len(self.runs)), key=lambda i: self.runs[i].seconds)
        return order[(len(order) - 1) // 2]

    def table_seconds(self) -> dict[str, float]:
        """Median seconds per table over the runs, for stages whose runs time each source
        table (`detail["tables"]`: `table`, `seconds`), in the median run's order."""
        names = [table["table"] for table in self.details[self.median_index]["tables"]]
        return {
            name: round(
                median(
                    [
                        next(t["seconds"] for t in detail["tables"] if t["table"] == name)
                        for detail in self.details
                    ]
                ),
                3,
            )
            for name in names
        }

    def row(self, **extra) -> dict:
        return {
            "stage": self.name,
            "scale": self.scale,
            "seconds": rounded(self.seconds),
            "ratio_to_limit": None,
            "ratio_to_peer": None,
            "peak_rss_mb": round(max(run.peak_rss_mb for run in self.runs), 1)
            if self.runs
            else None,
            "cpu_seconds": round(median([run.cpu_seconds for run in self.runs]), 3)
            if self.runs
            else None,
            "n_runs": len(self.runs),
            "runs_seconds": [round(run.seconds, 3) for run in self.runs],
            "load_average": [round(run.load_average, 2) for run in self.runs],
            **extra,
        }


def derived_row(name: str, scale: str, seconds: float | None, **extra) -> dict:
    """A row computed from other rows (no process of its own)."""
    return {
        "stage": name,
        "scale": scale,
        "seconds": rounded(seconds),
        "ratio_to_limit": None,
        "ratio_to_peer": None,
        "peak_rss_mb": None,
        **extra,
    }

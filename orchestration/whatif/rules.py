"""The settings a what-if may change, and the checks on their values.

A setting is a rule var of dbt_project/dbt_project.yml (every one marts.rule_parameters
lists, except as_of: a what-if works at the published warehouse's date) or a visit norm
`visits_per_year.<level>` (seeds/service_level_capacities.csv, the name
marts.rule_parameters gives it). Values are checked here, before any file is touched;
orderings that involve a setting left unchanged are checked against the published build's
values (`check_orderings`).
"""

from __future__ import annotations

import csv
import itertools
import math
from dataclasses import dataclass

import yaml

from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT

CAPACITIES_SEED = REPO_ROOT / "seeds" / "service_level_capacities.csv"
NORM_PREFIX = "visits_per_year."
# Not rules a what-if changes: the date (use a replay for another date) and which review a
# run freezes (a what-if freezes nothing).
NOT_SETTABLE = ("as_of", "review_period")

SHARES = ("abc_a_share", "abc_b_share")
PERCENTS = ("pyramid_top_pct", "pyramid_large_pct", "pyramid_medium_pct")
WHOLE_NUMBERS = (
    "revenue_window_months",
    "inactive_after_months",
    "reactivate_after_months",
    "contact_window_months",
    "planning_horizon_weeks",
    "prospect_follow_up_days",
    "results_before_months",
)
COUNTRIES = ("NL", "BE")
# Settings that must not decrease along each chain (a lower threshold first).
ORDERINGS = (
    ("abc_a_share", "abc_b_share"),
    ("pyramid_top_pct", "pyramid_large_pct", "pyramid_medium_pct"),
    ("potential_medium", "potential_high"),
)


class WhatIfInputError(ValueError):
    """A setting the what-if cannot take: unknown name, bad value, broken ordering."""


@dataclass(frozen=True)
class Changes:
    """The settings of one what-if: rule vars and visit norms per level."""

    variables: dict[str, float | int | str]
    norms: dict[str, int]

    def names(self) -> list[str]:
        return [*self.variables, *(NORM_PREFIX + level for level in self.norms)]


def rule_var_names() -> list[str]:
    """The rule vars of dbt_project.yml, in its order, minus as_of and review_period."""
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return [name for name in project.get("vars", {}) if name not in NOT_SETTABLE]


def service_levels() -> list[str]:
    """The levels of seeds/service_level_capacities.csv (A, B, C)."""
    with CAPACITIES_SEED.open(encoding="utf-8", newline="") as handle:
        return [row["service_level"] for row in csv.DictReader(handle)]


def settable_names() -> list[str]:
    return [*rule_var_names(), *(NORM_PREFIX + level for level in service_levels())]


def parse_assignments(assignments: list[str]) -> Changes:
    """`NAME=VALUE` strings (the CLI's --set) as checked settings."""
    pairs = []
    for assignment in assignments:
        name, equals, value = assignment.partition("=")
        if not equals or not name.strip():
            raise WhatIfInputError(f"--set {assignment!r}: write NAME=VALUE, e.g. abc_a_share=0.7")
        pairs.append((name.strip(), value.strip()))
    return parse_settings(pairs)


def parse_settings(pairs: list[tuple[str, object]] | dict[str, object]) -> Changes:
    """Names and values (text or numbers) as checked settings; raises WhatIfInputError."""
    items = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
    known_vars = rule_var_names()
    levels = service_levels()
    variables: dict[str, float | int | str] = {}
    norms: dict[str, int] = {}
    seen: set[str] = set()
    for name, value in items:
        if name in seen:
            raise WhatIfInputError(f"{name} is set twice")
        seen.add(name)
        if name.startswith(NORM_PREFIX):
            level = name[len(NORM_PREFIX) :]
            if level not in levels:
                raise WhatIfInputError(
                    f"unknown visit norm {name!r}: the levels are {', '.join(levels)} "
                    f"({NORM_PREFIX}A, ...)"
                )
            norms[level] = _whole_number(name, value, minimum=0)
        elif name in known_vars:
            variables[name] = _check_var(name, value)
        elif name in NOT_SETTABLE:
            raise WhatIfInputError(
                f"{name} cannot be set in a what-if: it works at the published warehouse's "
                "date and freezes no review"
            )
        else:
            raise WhatIfInputError(
                f"unknown setting {name!r}; known: {', '.join(settable_names())}"
            )
    return Changes(variables, norms)


def check_orderings(changes: Changes, current: dict[str, str]) -> None:
    """The changed settings with the published build's other values (`current`,
    marts.rule_parameters name -> value) keep each chain of ORDERINGS in order."""
    for chain in ORDERINGS:
        if not any(name in changes.variables for name in chain):
            continue
        values = []
        for name in chain:
            value = changes.variables.get(name, current.get(name))
            if value is None:
                raise WhatIfInputError(f"the published build records no {name}: make refresh")
            values.append((name, float(value)))
        for (low_name, low), (high_name, high) in itertools.pairwise(values):
            if low > high:
                raise WhatIfInputError(
                    f"{low_name}={_show(low)} is above {high_name}={_show(high)}: "
                    f"{low_name} must not exceed {high_name}"
                )


def _check_var(name: str, value: object) -> float | int | str:
    if name == "default_country":
        country = str(value).strip().upper()
        if country not in COUNTRIES:
            raise WhatIfInputError(f"{name}={value!r}: must be one of {', '.join(COUNTRIES)}")
        return country
    if name in WHOLE_NUMBERS:
        return _whole_number(name, value, minimum=1)
    number = _number(name, value)
    if name in SHARES and not 0 <= number <= 1:
        raise WhatIfInputError(f"{name}={value}: a share lies between 0 and 1 (0.8 is 80%)")
    if name in PERCENTS and not 0 <= number <= 100:
        raise WhatIfInputError(f"{name}={value}: a percentage lies between 0 and 100")
    if number < 0:
        raise WhatIfInputError(f"{name}={value}: must not be negative")
    return int(number) if number.is_integer() and name not in SHARES else number


def _number(name: str, value: object) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        raise WhatIfInputError(f"{name}={value!r} is not a number") from None
    if not math.isfinite(number):
        raise WhatIfInputError(f"{name}={value!r} is not a finite number")
    return number


def _whole_number(name: str, value: object, minimum: int) -> int:
    number = _number(name, value)
    if not number.is_integer() or number < minimum:
        raise WhatIfInputError(f"{name}={value}: must be a whole number >= {minimum}")
    return int(number)


def _show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)

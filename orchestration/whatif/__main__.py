"""Try other thresholds on the published warehouse without publishing anything:

    python -m orchestration.whatif --set NAME=VALUE [--set ...] --format json|table

NAME is a rule var of dbt_project/dbt_project.yml (abc_a_share, abc_b_share,
potential_high, potential_medium, pyramid_top_pct, ...) or a visit norm per level
(visits_per_year.A, visits_per_year.B, visits_per_year.C). Prints, for the published
warehouse (PYRAMID_WAREHOUSE) at its as_of, the figures before and after: relations per
effective service level, per ABC class and per pyramid level, the level migration matrix,
and the visits a year the norms ask against the salespeople's capacity. Exit code 2 on an
unknown setting or a bad value, 1 when there is no warehouse or dbt fails.
"""

from __future__ import annotations

import argparse
import json
import sys

from orchestration.whatif import (
    SECTIONS,
    ScratchBuildError,
    WarehouseMissing,
    WhatIf,
    WhatIfInputError,
    parse_assignments,
    run_what_if,
)

PROG = "python -m orchestration.whatif"


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    main.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting to try, e.g. abc_a_share=0.7 or visits_per_year.A=10 (repeatable)",
    )
    main.add_argument("--format", required=True, choices=("json", "table"))
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        changes = parse_assignments(args.assignments)
        answer = run_what_if(changes)
    except WhatIfInputError as error:
        print(f"whatif: {error}", file=sys.stderr)
        return 2
    except (WarehouseMissing, ScratchBuildError) as error:
        print(f"whatif: {error}", file=sys.stderr)
        return 1
    if args.format == "json":
        json.dump({key: answer.result[key] for key in SECTIONS}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_table(answer))
    return 0


def _line(label: str, before: int, after: int) -> str:
    change = after - before
    sign = "+" if change > 0 else ""
    return f"  {label:<22}{before:>10}{after:>10}{sign + str(change) if change else '':>10}\n"


def _block(title: str, before: dict, after: dict) -> str:
    text = f"{title}\n  {'':<22}{'before':>10}{'after':>10}{'change':>10}\n"
    for key in dict.fromkeys([*before, *after]):
        text += _line(key, before.get(key, 0), after.get(key, 0))
    return text


def format_table(answer: WhatIf) -> str:
    result = answer.result
    changed = ", ".join(
        f"{name}: {answer.current.get(name, '?')} -> {value}"
        for name, value in {
            **answer.changes.variables,
            **{f"visits_per_year.{k}": v for k, v in answer.changes.norms.items()},
        }.items()
    )
    text = f"What-if on {answer.warehouse} (as_of {answer.as_of})\n"
    text += f"Settings: {changed or 'none changed'}\n\n"
    levels = result["service_levels"]
    text += _block("Relations per effective service level", levels["before"], levels["after"])
    upcoming = levels["next_review"]
    text += _block(
        f"Relations per level at the next review ({upcoming['period']})",
        upcoming["before"],
        upcoming["after"],
    )
    text += _block("Relations per ABC class", result["abc"]["before"], result["abc"]["after"])
    text += _block(
        "Relations per pyramid level", result["pyramid"]["before"], result["pyramid"]["after"]
    )
    for title, migration in (
        ("Effective level migration (rows: now, columns: what-if)", result["migration"]),
        (
            f"Next review ({upcoming['period']}) migration (rows: now, columns: what-if)",
            result["migration"]["next_review"],
        ),
    ):
        matrix = migration["matrix"]
        columns = list(next(iter(matrix.values())))
        text += f"{title}\n  {'':<8}" + "".join(f"{c:>8}" for c in columns) + "\n"
        for row, cells in matrix.items():
            text += f"  {row:<8}" + "".join(f"{cells[c]:>8}" for c in columns) + "\n"
    for title, demand in (
        ("Visits a year at the effective levels", result["visit_demand"]),
        (
            f"Visits a year at the next review's levels ({upcoming['period']})",
            result["visit_demand"]["next_review"],
        ),
    ):
        rows = {
            "demanded": (demand["before"]["visits_per_year"], demand["after"]["visits_per_year"]),
            "capacity": (
                demand["before"]["capacity_per_year"],
                demand["after"]["capacity_per_year"],
            ),
            "over capacity": (
                demand["before"]["over_capacity"],
                demand["after"]["over_capacity"],
            ),
        }
        text += _block(
            title, {k: v[0] for k, v in rows.items()}, {k: v[1] for k, v in rows.items()}
        )
    text += f"\n({answer.models_rebuilt} models rebuilt in a scratch copy, {answer.seconds} s)\n"
    return text


if __name__ == "__main__":
    sys.exit(main())

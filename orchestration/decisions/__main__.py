"""Record and list decisions: `python -m orchestration.decisions <command>`.

    override RELATION_ID PERIOD LEVEL --reason TEXT --by NAME
    postpone RELATION_ID UNTIL_DATE --reason TEXT --by NAME
    list [--relation ID] [--period P] --format json|csv
    import-csv PATH        (the old seeds/service_level_overrides.csv format)

The store is `PYRAMID_DECISIONS` (default data/decisions.sqlite). Relation ids are
checked against the published warehouse (`PYRAMID_WAREHOUSE`). Exit code 2 on bad input,
with one line on stderr per problem; then nothing is written.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import sqlalchemy as sa

from orchestration.decisions import seed, store, validation
from orchestration.settings import load_settings
from orchestration.warehouse.review import parse_period

PROG = "python -m orchestration.decisions"


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = main.add_subparsers(dest="command", required=True)

    override = commands.add_parser("override", help="assign a level in a review period")
    override.add_argument("relation_id")
    override.add_argument("period", help="review period, e.g. 2027-H1")
    override.add_argument("level", help="A, B or C")
    _add_who_and_why(override)

    postpone = commands.add_parser("postpone", help="postpone a relation's reactivation")
    postpone.add_argument("relation_id")
    postpone.add_argument("until_date", help="ISO date, e.g. 2027-03-01")
    _add_who_and_why(postpone)

    listing = commands.add_parser("list", help="every decision, oldest first")
    listing.add_argument("--relation", help="only this relation_id")
    listing.add_argument("--period", help="only overrides of this review period")
    listing.add_argument("--format", required=True, choices=("json", "csv"))

    seed = commands.add_parser("import-csv", help="import a file of the old overrides seed")
    seed.add_argument("path", type=Path)
    return main


def _add_who_and_why(command: argparse.ArgumentParser) -> None:
    command.add_argument("--reason", required=True)
    command.add_argument("--by", required=True, help="who decided")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return _run(args, load_settings())
    except ValueError as error:  # InvalidDecision, or parse_period's
        print(f"decisions: {error}".replace("\n", "\ndecisions: "), file=sys.stderr)
        return 2
    except sa.exc.SQLAlchemyError as error:
        # Not the input's fault (exit 1, not 2): the store is unreachable or refused.
        print(f"decisions: the store cannot be used: {error.orig or error}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, settings) -> int:
    if args.command == "list":
        period = parse_period(args.period) if args.period is not None else None
        with store.open_store(settings.decisions) as engine:
            rows = store.history(engine, args.relation, period)
        write_records([row.as_record() for row in rows], args.format, sys.stdout)
        return 0
    if args.command == "import-csv":
        new = validation.read_seed_overrides(args.path, settings.warehouse)
    else:
        if args.command == "override":
            decision = validation.override(
                args.relation_id, args.period, args.level, args.reason, args.by
            )
        else:
            decision = validation.postponement(
                args.relation_id, args.until_date, args.reason, args.by
            )
        validation.check_relation(settings.warehouse, decision.relation_id)
        new = [decision]
    # Validated before the store is opened: bad input never creates or touches it.
    with store.open_store(settings.decisions) as engine:
        ids = (
            seed.append_new(engine, new)
            if args.command == "import-csv"
            else store.append(engine, new)
        )
    if args.command == "import-csv":
        held = len(new) - len(ids)
        print(f"imported {len(ids)} overrides from {args.path} ({held} already in the store)")
    else:
        print(f"recorded decision {ids[0]}: {_describe(new[0])}")
    return 0


def _describe(decision: store.NewDecision) -> str:
    if decision.decision_type == store.OVERRIDE:
        return (
            f"{decision.relation_id} at level {decision.level} in review {decision.review_period}"
        )
    return f"no reactivation of {decision.relation_id} until {decision.until_date}"


def write_records(records: list[dict], output_format: str, out) -> None:
    """Records as a JSON list of objects or CSV with a header; dates and times as ISO text."""
    columns = [column.name for column in store.decisions.columns]
    if output_format == "json":
        json.dump(records, out, default=_iso, indent=2)
        out.write("\n")
        return
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({key: _iso(value) for key, value in record.items()})


def _iso(value):
    # Dates and timestamps; any other value passes as it is.
    return value.isoformat() if hasattr(value, "isoformat") else value


if __name__ == "__main__":
    sys.exit(main())

"""Campaign audiences from the command line: `python -m orchestration.audiences <command>`.

    list --format json|table
    export AUDIENCE --by NAME --format csv|xlsx --out PATH [--filter NAME=VALUE ...]
    log --format json

`list` shows every audience (seeds/campaign_audiences.csv) with its size with and without
marketing consent. `export` writes the audience's mailing list (contacts with consent
only; `--filter region=Noord`, repeatable, narrows it, a text filter may list values as
`a|b`) and records the export in the decisions store: audience, who (--by), when, how
many contacts, which relations. `log` lists every recorded export.

Reads the published warehouse (`PYRAMID_WAREHOUSE`); the log is in the decisions store
(`PYRAMID_DECISIONS`). Exit code 2 on bad input (an unknown audience, a bad filter), with
the reason on stderr: then no file is written and nothing is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import sqlalchemy as sa

from orchestration.audiences import exports, mailing
from orchestration.settings import load_settings

PROG = "python -m orchestration.audiences"
TABLE_COLUMNS = [
    ("audience", "audience"),
    ("relation_count", "relations"),
    ("contact_count", "contacts"),
    ("consenting_contact_count", "with consent"),
    ("contacts_without_consent_count", "without consent"),
]


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = main.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="every audience and its size")
    listing.add_argument("--format", required=True, choices=("json", "table"))
    export = commands.add_parser("export", help="write an audience's mailing list, recorded")
    export.add_argument("audience")
    export.add_argument("--by", required=True, help="who exports (recorded in the log)")
    export.add_argument("--format", required=True, choices=exports.FORMATS)
    export.add_argument("--out", required=True, type=Path, help="the file to write")
    export.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="narrow the audience by a segment column (repeatable)",
    )
    log = commands.add_parser("log", help="every recorded export, oldest first")
    log.add_argument("--format", required=True, choices=("json",))
    return main


def parse_filters(items: list[str]) -> dict:
    """`NAME=VALUE` items as Selection filters; booleans as true/false, lists as a|b."""
    filters: dict = {}
    for item in items:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise mailing.InvalidFilter(f"--filter {item!r}: expected NAME=VALUE")
        if name in mailing.BOOLEAN_FILTERS:
            if value.lower() not in ("true", "false"):
                raise mailing.InvalidFilter(f"--filter {item!r}: {name} takes true or false")
            filters[name] = value.lower() == "true"
        else:
            filters[name] = tuple(v.strip() for v in value.split("|") if v.strip())
    return filters


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = load_settings()
    read = mailing.warehouse_reader(settings.warehouse)
    try:
        if args.command == "list":
            _list(read, args.format)
        elif args.command == "log":
            with exports.open_log(settings.decisions) as engine:
                records = [export.as_record() for export in exports.log(engine)]
            json.dump(records, sys.stdout, default=_iso, indent=2)
            sys.stdout.write("\n")
        else:
            _export(read, settings.decisions, args)
    except (mailing.UnknownAudience, mailing.InvalidFilter, ValueError) as error:
        print(f"audiences: {error}", file=sys.stderr)
        return 2
    except FileNotFoundError as error:
        print(f"audiences: {error}", file=sys.stderr)
        return 1
    except sa.exc.SQLAlchemyError as error:
        reason = error.orig or error
        print(f"audiences: the decisions store cannot be used: {reason}", file=sys.stderr)
        return 1
    return 0


def _list(read: mailing.Reader, output_format: str) -> None:
    frame = mailing.audiences(read)
    if output_format == "json":
        records = frame.to_dict("records")
        json.dump(records, sys.stdout, default=_iso, indent=2)
        sys.stdout.write("\n")
        return
    rows = [[header for _, header in TABLE_COLUMNS]]
    for record in frame.to_dict("records"):
        rows.append([str(record[name]) for name, _ in TABLE_COLUMNS])
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
    for row in rows:
        numbers = [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        cells = [row[0].ljust(widths[0]), *numbers]
        print("  ".join(cells).rstrip())


def _export(read: mailing.Reader, store_url: str, args: argparse.Namespace) -> None:
    if not args.by.strip():
        raise ValueError("--by: who exports is required")
    selection = mailing.Selection(args.audience, parse_filters(args.filter))
    prepared = mailing.prepare(read, selection, args.format)
    # Written beside the target first: the file appears only once the export is recorded,
    # and a failed record leaves no unaccounted mailing list behind.
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_bytes(prepared.content)
        with exports.open_log(store_url) as engine:
            export_id = mailing.record(engine, prepared, args.by)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    print(
        f"export {export_id}: {prepared.contact_count} contacts of "
        f"{len(prepared.relations)} relations in audience {selection.audience} to {out}"
    )


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


if __name__ == "__main__":
    sys.exit(main())

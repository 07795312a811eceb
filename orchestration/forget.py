"""Erase a contact person's personal data: `python -m orchestration.forget --contact <id>`.

Also `make forget CONTACT=<id>`. Removes the contact's name, e-mail, phone, job title
and marketing consent from the working and the published warehouse (every layer and
the history), publishes the result atomically, records the erasure in `audit.erasures`
and keeps it applied at every following refresh (see orchestration/privacy/erasure.py).
The contact's name, e-mail or phone inside a decision's reason (the decisions store and
its copies) becomes "[erased]"; the decisions themselves stay in force.

`--decided-by NAME` (`make forget DECIDER=NAME`) erases the name of someone who took
decisions (an account manager who left) from the decisions store and its copies.
Refuses to run while a refresh is running (exit code 3); try again afterwards.

Erase the person in the CRM as well: as long as the export carries them, each refresh
loads and then erases them again.
"""

from __future__ import annotations

import argparse
import sys

from orchestration.privacy.erasure import NothingToErase, WarehouseBusy, forget, forget_decider
from orchestration.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.forget", description=__doc__)
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--contact", help="contact_id of the person (crm/contacts)")
    who.add_argument("--decided-by", help="the name a person's decisions were recorded under")
    args = parser.parse_args(argv)
    try:
        if args.decided_by is not None:
            for place, rows in forget_decider(load_settings(), args.decided_by).items():
                print(f"{place}: {rows} rows changed")
            return 0
        result = forget(load_settings(), args.contact)
    except WarehouseBusy as error:
        print(f"forget: {error}", file=sys.stderr)
        return 3
    except (NothingToErase, ValueError) as error:
        print(f"forget: {error}", file=sys.stderr)
        return 2
    print(f"decisions store: {result.decisions_changed} reasons changed")
    for path, erasure in result.files.items():
        changed = ", ".join(f"{table} ({rows})" for table, rows in erasure.rows.items())
        print(f"{path}: {erasure.rows_changed} rows changed{': ' + changed if changed else ''}")
        if result.remaining[path]:
            # Not erased on purpose: columns of other data (a company named after the person).
            print("  the contact's name, e-mail or phone also appears in (not changed):")
            for table, column, rows in result.remaining[path]:
                print(f"    {table}.{column}: {rows} rows")
    if not any(erasure.rows_changed for erasure in result.files.values()):
        print(
            f"contact {result.contact_id} has no personal data in the warehouse; "
            "registered anyway, so it stays erased if a later export brings it in"
        )
    print(
        f"erasure {result.erasure_id} recorded in audit.erasures "
        f"at {result.erased_at:%Y-%m-%d %H:%M} UTC"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

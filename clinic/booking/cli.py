"""Staff tool for consultation booking requests: ``python -m clinic.booking.cli``.

    list [--status new|contacted|closed|all]            requests to answer (new)
    show REFERENCE                                      every detail of one request
    mark REFERENCE new|contacted|closed [--note TEXT]   record what staff did
    export [--status ...] [--out FILE]                  CSV for a spreadsheet (all)

Works on DATABASE_URL (SQLite by default) unless --database-url is given.
Contact details are printed to the staff member's own terminal, which is the
point of the tool, and never logged.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

from sqlalchemy.engine import Engine

from clinic.staff_cli import (
    ALL,
    EXIT_NOT_FOUND,
    RecordCommands,
    database_url_option,
    print_table,
    run,
    unless_all,
)
from clinic.store.booking_requests import (
    BOOKINGS,
    STATUSES,
    export_booking_requests_csv,
    list_booking_requests,
)
from clinic.store.models import booking_requests

HOPES_WIDTH = 40

LIST_COLUMNS = (
    ("REFERENCE", "reference"),
    ("CREATED", "created_at"),
    ("STATUS", "status"),
    ("FIRST NAME", "first_name"),
    ("CONTACT", "contact"),
    ("DAYS", "preferred_days"),
    ("TIME", "preferred_time"),
    ("HOPES", "hopes"),
)
SHOW_FIELDS = (
    ("Reference", "reference"),
    ("Status", "status"),
    ("Status changed", "status_changed_at"),
    ("Staff note", "staff_note"),
    ("Created", "created_at"),
    ("First name", "first_name"),
    ("Contact by", "contact_kind"),
    ("Contact", "contact"),
    ("Preferred days", "preferred_days"),
    ("Preferred time", "preferred_time"),
    ("Hopes", "hopes"),
    ("Consent given", "consent_at"),
    ("Conversation", "conversation_id"),
    ("Staff notified", "notified_at"),
    ("Notify error", "notify_error"),
)
COMMANDS = RecordCommands("booking request", BOOKINGS, SHOW_FIELDS)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run(args, booking_requests, "booking requests")


def build_parser() -> argparse.ArgumentParser:
    common = database_url_option()
    parser = argparse.ArgumentParser(
        prog="python -m clinic.booking.cli",
        description="Consultation booking requests, for clinic staff.",
        parents=[common],
    )
    commands = parser.add_subparsers(metavar="COMMAND", required=True)

    listing = commands.add_parser("list", parents=[common], help="list requests")
    _add_status_option(listing, default="new")
    listing.set_defaults(command=list_command)

    COMMANDS.add_to(commands, common)

    export = commands.add_parser("export", parents=[common], help="write CSV")
    _add_status_option(export, default=ALL)
    export.add_argument("--out", type=Path, help="file to write (default: stdout)")
    export.set_defaults(command=export_command)
    return parser


def _add_status_option(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--status",
        choices=(*STATUSES, ALL),
        default=default,
        help=f"which requests (default: {default})",
    )


def list_command(engine: Engine, args: argparse.Namespace) -> int:
    rows = list_booking_requests(engine, unless_all(args.status))
    which = "" if args.status == ALL else f" with status {args.status}"
    if not rows:
        print(f"No booking requests{which}.")
        return 0
    print_table(rows, LIST_COLUMNS, {"hopes": HOPES_WIDTH})
    noun = "request" if len(rows) == 1 else "requests"
    print(f"\n{len(rows)} booking {noun}{which}.")
    return 0


def export_command(engine: Engine, args: argparse.Namespace) -> int:
    # Read everything first so a database error leaves an existing file untouched.
    buffer = io.StringIO(newline="")
    count = export_booking_requests_csv(engine, buffer, unless_all(args.status))
    if args.out is None:
        sys.stdout.write(buffer.getvalue())
        sys.stdout.flush()
        target = "standard output"
    else:
        try:
            _write_private(args.out, buffer.getvalue())
        except OSError as error:
            print(f"Cannot write {args.out}: {error.strerror}", file=sys.stderr)
            return EXIT_NOT_FOUND
        target = str(args.out)
    noun = "request" if count == 1 else "requests"
    print(
        f"Exported {count} booking {noun} (status {args.status}) to {target}.",
        file=sys.stderr,
    )
    return 0


def _write_private(path: Path, text: str) -> None:
    # The file holds visitors' contact details: readable by its owner only.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "w", encoding="utf-8", newline="") as file:
        file.write(text)


if __name__ == "__main__":
    sys.exit(main())

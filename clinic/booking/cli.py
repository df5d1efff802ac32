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
import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from clinic.store.booking_requests import (
    STATUSES,
    canonical_reference,
    export_booking_requests_csv,
    get_booking_request,
    list_booking_requests,
    set_booking_status,
)
from clinic.store.db import database_url, default_engine, make_engine
from clinic.store.models import booking_requests

EXIT_NOT_FOUND = 1
EXIT_DATABASE = 2
ALL = "all"
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

Command = Callable[[Engine, argparse.Namespace], int]


class MissingSchema(Exception):
    """The database has no booking_requests table: its migrations were not run."""


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    given_url: str | None = getattr(args, "database_url", None)
    url = given_url or database_url()
    try:
        engine = make_engine(url) if given_url else default_engine()
    except SQLAlchemyError as error:
        return _database_error(error)
    try:
        _require_schema(url, engine)
        command: Command = args.command
        return command(engine, args)
    except MissingSchema as error:
        print(f"{error} Run `make migrate` first.", file=sys.stderr)
        return EXIT_DATABASE
    except SQLAlchemyError as error:
        return _database_error(error)
    finally:
        if given_url:
            engine.dispose()


def build_parser() -> argparse.ArgumentParser:
    # --database-url is accepted before or after the command. Its default stays
    # SUPPRESS: the action is shared with the subcommands, whose default would
    # otherwise overwrite a URL given before the command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="database to use instead of DATABASE_URL",
    )
    parser = argparse.ArgumentParser(
        prog="python -m clinic.booking.cli",
        description="Consultation booking requests, for clinic staff.",
        parents=[common],
    )
    commands = parser.add_subparsers(metavar="COMMAND", required=True)

    listing = commands.add_parser("list", parents=[common], help="list requests")
    _add_status_option(listing, default="new")
    listing.set_defaults(command=list_command)

    show = commands.add_parser("show", parents=[common], help="one request in full")
    show.add_argument("reference", metavar="REFERENCE")
    show.set_defaults(command=show_command)

    mark = commands.add_parser("mark", parents=[common], help="set a status")
    mark.add_argument("reference", metavar="REFERENCE")
    mark.add_argument("status", choices=STATUSES)
    mark.add_argument("--note", help="staff note; replaces the previous one")
    mark.set_defaults(command=mark_command)

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


def _require_schema(url: str, engine: Engine) -> None:
    where = make_url(url).render_as_string(hide_password=True)
    # Connecting would create an empty SQLite file, e.g. when run from the wrong
    # directory; say where the tool looked instead.
    sqlite_file = _sqlite_file(url)
    if sqlite_file is not None and not sqlite_file.exists():
        raise MissingSchema(f"There is no database at {where}.")
    if not inspect(engine).has_table(booking_requests.name):
        raise MissingSchema(f"The database at {where} has no booking requests table.")


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    name = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or name in ("", ":memory:"):
        return None
    return None if name.startswith("file:") else Path(name)


def _database_error(error: SQLAlchemyError) -> int:
    # The driver's own message, first line only: SQLAlchemy's adds the statement
    # and its parameters.
    original = getattr(error, "orig", None)
    detail = str(original if original is not None else error).strip()
    first_line = detail.splitlines()[0] if detail else type(error).__name__
    print(f"Database error: {first_line}", file=sys.stderr)
    return EXIT_DATABASE


def list_command(engine: Engine, args: argparse.Namespace) -> int:
    rows = list_booking_requests(engine, _status_filter(args.status))
    which = "" if args.status == ALL else f" with status {args.status}"
    if not rows:
        print(f"No booking requests{which}.")
        return 0
    table = [[header for header, _ in LIST_COLUMNS]]
    table.extend(
        [_list_cell(row, column) for _, column in LIST_COLUMNS] for row in rows
    )
    for line in _aligned(table):
        print(line)
    noun = "request" if len(rows) == 1 else "requests"
    print(f"\n{len(rows)} booking {noun}{which}.")
    return 0


def _list_cell(row: dict[str, Any], column: str) -> str:
    value = row[column]
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    text = _printable(value, keep_newlines=False)
    return _shortened(text, HOPES_WIDTH) if column == "hopes" else text


def _aligned(table: list[list[str]]) -> list[str]:
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    return [
        "  ".join(
            cell.ljust(width) for cell, width in zip(line, widths, strict=True)
        ).rstrip()
        for line in table
    ]


def _shortened(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def show_command(engine: Engine, args: argparse.Namespace) -> int:
    row = get_booking_request(engine, args.reference)
    if row is None:
        return _not_found(args.reference)
    label_width = max(len(label) for label, _ in SHOW_FIELDS) + 1
    for label, column in SHOW_FIELDS:
        value = _shown(row[column])
        continuation = "\n" + " " * (label_width + 1)
        print(f"{label + ':':<{label_width}} {value.replace(chr(10), continuation)}")
    return 0


def _shown(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.astimezone().isoformat(sep=" ", timespec="seconds")
    return _printable(value, keep_newlines=True) or "-"


def mark_command(engine: Engine, args: argparse.Namespace) -> int:
    before = get_booking_request(engine, args.reference)
    if before is None or not set_booking_status(
        engine, before["reference"], args.status, args.note
    ):
        return _not_found(args.reference)
    reference = before["reference"]
    if before["status"] == args.status:
        print(f"{reference}: status stays {args.status}.")
    else:
        print(f"{reference}: status {before['status']} -> {args.status}.")
    if args.note is not None:
        previous = _printable(before["staff_note"] or "", keep_newlines=False)
        was = f" (was: {previous})" if previous else ""
        note = _printable(args.note, keep_newlines=False)
        print(f"{reference}: staff note set to: {note}{was}")
    return 0


def export_command(engine: Engine, args: argparse.Namespace) -> int:
    # Read everything first so a database error leaves an existing file untouched.
    buffer = io.StringIO(newline="")
    count = export_booking_requests_csv(engine, buffer, _status_filter(args.status))
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


def _status_filter(status: str) -> str | None:
    return None if status == ALL else status


def _not_found(reference: str) -> int:
    print(
        f"No booking request with reference {canonical_reference(reference)}.",
        file=sys.stderr,
    )
    return EXIT_NOT_FOUND


def _printable(text: str | None, keep_newlines: bool) -> str:
    """Visitors typed this text: control characters (a terminal would act on
    escape sequences) are shown as spaces or replacement marks instead."""
    kept = "\n" if keep_newlines else ""
    return "".join(
        char
        if char in kept or unicodedata.category(char) != "Cc"
        else (" " if char.isspace() else "\N{REPLACEMENT CHARACTER}")
        for char in (text or "")
    )


if __name__ == "__main__":
    sys.exit(main())

"""What the staff command-line tools share: choosing the database, reporting a
missing schema or a database error in one line, and printing visitors' text as
a readable table or field list that cannot drive the terminal."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from clinic.store.db import database_url, default_engine, make_engine, sqlite_file
from clinic.store.staff_records import RecordTable

EXIT_NOT_FOUND = 1
EXIT_DATABASE = 2
ALL = "all"

Command = Callable[[Engine, argparse.Namespace], int]


class MissingSchema(Exception):
    """The database has no table for the tool: its migrations were not run."""


def database_url_option() -> argparse.ArgumentParser:
    """A parent parser with --database-url, to pass to the main parser and to
    every subcommand so the option is accepted before or after the command."""
    # Its default stays SUPPRESS: the action is shared with the subcommands,
    # whose default would otherwise overwrite a URL given before the command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="database to use instead of DATABASE_URL",
    )
    return common


def run(args: argparse.Namespace, table: Table, records: str) -> int:
    """Runs ``args.command`` on the chosen database once ``table`` is there.

    ``records`` names the table's rows in messages, e.g. "booking requests".
    """
    given_url: str | None = getattr(args, "database_url", None)
    url = given_url or database_url()
    try:
        engine = make_engine(url) if given_url else default_engine()
    except SQLAlchemyError as error:
        return database_error(error)
    try:
        _require_schema(url, engine, table, records)
        command: Command = args.command
        return command(engine, args)
    except MissingSchema as error:
        print(f"{error} Run `make migrate` first.", file=sys.stderr)
        return EXIT_DATABASE
    except SQLAlchemyError as error:
        return database_error(error)
    finally:
        if given_url:
            engine.dispose()


def _require_schema(url: str, engine: Engine, table: Table, records: str) -> None:
    where = make_url(url).render_as_string(hide_password=True)
    # Connecting would create an empty SQLite file, e.g. when run from the wrong
    # directory; say where the tool looked instead.
    database_file = sqlite_file(url)
    if database_file is not None and not database_file.exists():
        raise MissingSchema(f"There is no database at {where}.")
    if not inspect(engine).has_table(table.name):
        raise MissingSchema(f"The database at {where} has no {records} table.")


def database_error(error: SQLAlchemyError) -> int:
    # The driver's own message, first line only: SQLAlchemy's adds the statement
    # and its parameters.
    original = getattr(error, "orig", None)
    detail = str(original if original is not None else error).strip()
    first_line = detail.splitlines()[0] if detail else type(error).__name__
    print(f"Database error: {first_line}", file=sys.stderr)
    return EXIT_DATABASE


def unless_all(choice: str) -> str | None:
    """A --status or --kind choice as a filter: None for "all"."""
    return None if choice == ALL else choice


def cell(value: Any, width: int | None = None) -> str:
    """One table cell: local time to the minute, or text on one line, cut to
    ``width`` when one is given."""
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    text = printable(value, keep_newlines=False)
    return text if width is None else shortened(text, width)


def aligned(table: list[list[str]]) -> list[str]:
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    return [
        "  ".join(
            text.ljust(width) for text, width in zip(line, widths, strict=True)
        ).rstrip()
        for line in table
    ]


def print_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    widths: dict[str, int] | None = None,
) -> None:
    """Prints `rows` as aligned columns (header, column key); `widths` cuts text."""
    widths = widths or {}
    table = [[header for header, _ in columns]]
    table.extend(
        [cell(row[key], widths.get(key)) for _, key in columns] for row in rows
    )
    for line in aligned(table):
        print(line)


def shortened(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def print_fields(row: dict[str, Any], fields: Sequence[tuple[str, str]]) -> None:
    """Every field of one record, a label per line; continuation lines of
    multi-line text are indented under the value."""
    label_width = max(len(label) for label, _ in fields) + 1
    continuation = "\n" + " " * (label_width + 1)
    for label, column in fields:
        value = _shown(row[column])
        print(f"{label + ':':<{label_width}} {value.replace(chr(10), continuation)}")


def print_status_change(before: dict[str, Any], status: str, note: str | None) -> None:
    """What ``mark`` did to a record, given the record as it was before."""
    reference = before["reference"]
    if before["status"] == status:
        print(f"{reference}: status stays {status}.")
    else:
        print(f"{reference}: status {before['status']} -> {status}.")
    if note is not None:
        previous = printable(before["staff_note"] or "", keep_newlines=False)
        was = f" (was: {previous})" if previous else ""
        shown = printable(note, keep_newlines=False)
        print(f"{reference}: staff note set to: {shown}{was}")


def _shown(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.astimezone().isoformat(sep=" ", timespec="seconds")
    return printable(value, keep_newlines=True) or "-"


def printable(text: str | None, keep_newlines: bool) -> str:
    """Visitors typed this text: control characters (a terminal would act on
    escape sequences) are shown as spaces or replacement marks instead."""
    kept = "\n" if keep_newlines else ""
    return "".join(
        char
        if char in kept or unicodedata.category(char) != "Cc"
        else (" " if char.isspace() else "\N{REPLACEMENT CHARACTER}")
        for char in (text or "")
    )


@dataclass(frozen=True)
class RecordCommands:
    """``show`` and ``mark``, as every tool for records staff work through has them
    (booking requests, handoff tickets)."""

    noun: str  # "booking request"
    records: RecordTable
    show_fields: Sequence[tuple[str, str]]

    def add_to(self, commands: Any, common: argparse.ArgumentParser) -> None:
        show = commands.add_parser(
            "show", parents=[common], help=f"one {self.noun} in full"
        )
        show.add_argument("reference", metavar="REFERENCE")
        show.set_defaults(command=self.show)

        mark = commands.add_parser("mark", parents=[common], help="set a status")
        mark.add_argument("reference", metavar="REFERENCE")
        mark.add_argument("status", choices=self.records.statuses)
        mark.add_argument("--note", help="staff note; replaces the previous one")
        mark.set_defaults(command=self.mark)

    def show(self, engine: Engine, args: argparse.Namespace) -> int:
        row = self.records.get(engine, args.reference)
        if row is None:
            return self.not_found(args.reference)
        print_fields(row, self.show_fields)
        return 0

    def mark(self, engine: Engine, args: argparse.Namespace) -> int:
        before = self.records.get(engine, args.reference)
        if before is None or not self.records.set_status(
            engine, before["reference"], args.status, args.note
        ):
            return self.not_found(args.reference)
        print_status_change(before, args.status, args.note)
        return 0

    def not_found(self, reference: str) -> int:
        print(
            f"No {self.noun} with reference {self.records.canonical(reference)}.",
            file=sys.stderr,
        )
        return EXIT_NOT_FOUND

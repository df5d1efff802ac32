"""Staff tool for handoff tickets: ``python -m clinic.handoff.cli``.

    list [--status new|assigned|contacted|closed|all] [--kind callback|live|all]
                                                   tickets to answer (new, any kind)
    show REFERENCE                                 every detail of one ticket
    mark REFERENCE STATUS [--note TEXT]            record what staff did

Works on DATABASE_URL (SQLite by default) unless --database-url is given.
Contact details are printed to the staff member's own terminal, which is the
point of the tool, and never logged.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.engine import Engine

from clinic.staff_cli import (
    ALL,
    RecordCommands,
    database_url_option,
    print_table,
    run,
    unless_all,
)
from clinic.store.handoff_tickets import (
    KINDS,
    STATUSES,
    TICKETS,
    list_handoff_tickets,
)
from clinic.store.models import handoff_tickets

MESSAGE_WIDTH = 40

LIST_COLUMNS = (
    ("REFERENCE", "reference"),
    ("CREATED", "created_at"),
    ("KIND", "kind"),
    ("REASON", "reason"),
    ("STATUS", "status"),
    ("ASSIGNED", "assigned_to"),
    ("FIRST NAME", "first_name"),
    ("CONTACT", "contact"),
    ("MESSAGE", "message"),
)
SHOW_FIELDS = (
    ("Reference", "reference"),
    ("Kind", "kind"),
    ("Reason", "reason"),
    ("Status", "status"),
    ("Status changed", "status_changed_at"),
    ("Assigned to", "assigned_to"),
    ("Staff note", "staff_note"),
    ("Created", "created_at"),
    ("First name", "first_name"),
    ("Contact by", "contact_kind"),
    ("Contact", "contact"),
    ("Message", "message"),
    ("Conversation", "conversation_id"),
    ("Staff notified", "notified_at"),
    ("Notify error", "notify_error"),
)
COMMANDS = RecordCommands("handoff ticket", TICKETS, SHOW_FIELDS)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run(args, handoff_tickets, "handoff tickets")


def build_parser() -> argparse.ArgumentParser:
    common = database_url_option()
    parser = argparse.ArgumentParser(
        prog="python -m clinic.handoff.cli",
        description="Visitors who asked for a person, for clinic staff.",
        parents=[common],
    )
    commands = parser.add_subparsers(metavar="COMMAND", required=True)

    listing = commands.add_parser("list", parents=[common], help="list tickets")
    listing.add_argument(
        "--status",
        choices=(*STATUSES, ALL),
        default="new",
        help="which tickets (default: new)",
    )
    listing.add_argument(
        "--kind",
        choices=(*KINDS, ALL),
        default=ALL,
        help="call-back requests or live chats (default: all)",
    )
    listing.set_defaults(command=list_command)

    COMMANDS.add_to(commands, common)
    return parser


def list_command(engine: Engine, args: argparse.Namespace) -> int:
    rows = list_handoff_tickets(engine, unless_all(args.status), unless_all(args.kind))
    kind = "" if args.kind == ALL else f"{args.kind} "
    which = "" if args.status == ALL else f" with status {args.status}"
    if not rows:
        print(f"No {kind}handoff tickets{which}.")
        return 0
    print_table(rows, LIST_COLUMNS, {"message": MESSAGE_WIDTH})
    noun = "ticket" if len(rows) == 1 else "tickets"
    print(f"\n{len(rows)} {kind}handoff {noun}{which}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

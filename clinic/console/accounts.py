"""Staff accounts of the console: ``python -m clinic.console.accounts``
(``make staff ARGS="..."``).

    create USERNAME --name "Dana Reyes" [--role staff|admin] [--password-stdin]
    disable USERNAME        signs them out everywhere; they cannot sign in
    enable USERNAME
    password USERNAME [--password-stdin]
    list

Passwords are asked for twice at the terminal (never on the command line, where
the shell history and the process list would keep them), or read from the
first line of standard input with --password-stdin, for provisioning scripts.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy.engine import Engine

from clinic.staff_cli import database_url_option, print_table, run
from clinic.store.models import staff_accounts
from clinic.store.staff_accounts import (
    ROLES,
    AccountError,
    create_account,
    list_accounts,
    set_disabled,
    set_password,
)

EXIT_REFUSED = 1
LIST_COLUMNS = (
    ("USERNAME", "username"),
    ("NAME", "display_name"),
    ("ROLE", "role"),
    ("CREATED", "created_at"),
    ("DISABLED", "disabled_at"),
    ("LAST SEEN", "last_seen_at"),
)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run(args, staff_accounts, "staff accounts")


def build_parser() -> argparse.ArgumentParser:
    common = database_url_option()
    parser = argparse.ArgumentParser(
        prog="python -m clinic.console.accounts",
        description="Staff accounts of the staff console.",
        parents=[common],
    )
    commands = parser.add_subparsers(metavar="COMMAND", required=True)

    create = commands.add_parser("create", parents=[common], help="a new account")
    create.add_argument("username")
    create.add_argument("--name", required=True, help="shown to visitors in chats")
    create.add_argument("--role", choices=ROLES, default="staff")
    create.add_argument("--password-stdin", action="store_true")
    create.set_defaults(command=create_command)

    for name, command, help_text in (
        ("disable", disable_command, "stop an account signing in"),
        ("enable", enable_command, "let a disabled account sign in again"),
    ):
        sub = commands.add_parser(name, parents=[common], help=help_text)
        sub.add_argument("username")
        sub.set_defaults(command=command)

    password = commands.add_parser("password", parents=[common], help="new password")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true")
    password.set_defaults(command=password_command)

    listing = commands.add_parser("list", parents=[common], help="every account")
    listing.set_defaults(command=list_command)
    return parser


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (12 characters or more): ")
    if getpass.getpass("Again: ") != first:
        raise AccountError("the two passwords differ")
    return first


def refused(error: AccountError) -> int:
    print(f"Not done: {error}.", file=sys.stderr)
    return EXIT_REFUSED


def create_command(engine: Engine, args: argparse.Namespace) -> int:
    try:
        password = read_password(args.password_stdin)
        account = create_account(engine, args.username, args.name, password, args.role)
    except AccountError as error:
        return refused(error)
    print(
        f"Created {account.role} account {account.username} ({account.display_name})."
    )
    return 0


def disable_command(engine: Engine, args: argparse.Namespace) -> int:
    return switch_account(engine, args.username, disabled=True)


def enable_command(engine: Engine, args: argparse.Namespace) -> int:
    return switch_account(engine, args.username, disabled=False)


def switch_account(engine: Engine, username: str, disabled: bool) -> int:
    try:
        set_disabled(engine, username, disabled=disabled)
    except AccountError as error:
        return refused(error)
    if disabled:
        print(f"{username} is disabled and signed out everywhere.")
    else:
        print(f"{username} can sign in again.")
    return 0


def password_command(engine: Engine, args: argparse.Namespace) -> int:
    try:
        set_password(engine, args.username, read_password(args.password_stdin))
    except AccountError as error:
        return refused(error)
    print(f"Password of {args.username} changed.")
    return 0


def list_command(engine: Engine, args: argparse.Namespace) -> int:
    rows = list_accounts(engine)
    if not rows:
        print("No staff accounts yet. Create one with: create USERNAME --name NAME")
        return 0
    print_table(rows, LIST_COLUMNS)
    return 0


if __name__ == "__main__":
    sys.exit(main())

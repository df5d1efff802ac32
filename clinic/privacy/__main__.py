"""Privacy commands for the clinic's operator (docs/privacy.md).

    python -m clinic.privacy purge [--dry-run]     delete what is past its period
    python -m clinic.privacy export KEY --by NAME  everything about one visitor (JSON)
    python -m clinic.privacy erase KEY --by NAME   delete everything about one visitor

KEY is a booking, call-back or crisis-flag reference, or a conversation id.
DATABASE_URL and CLINIC_CONFIG are read as the servers read them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from clinic.privacy.conversations import (
    UnknownVisitor,
    erase_visitor,
    export_visitor,
    find_visitor,
)
from clinic.privacy.retention import RetentionError, load_retention, purge
from clinic.settings import DEFAULT_CLINIC_CONFIG
from clinic.store.db import default_engine
from clinic.store.models import crisis_flags


def parser() -> argparse.ArgumentParser:
    commands = argparse.ArgumentParser(prog="python -m clinic.privacy")
    sub = commands.add_subparsers(dest="command", required=True)
    purging = sub.add_parser("purge", help="delete records past their period")
    purging.add_argument("--dry-run", action="store_true", help="only count")
    purging.add_argument("--by", default="system", help="who runs it (audit trail)")
    for name in ("export", "erase"):
        command = sub.add_parser(name, help=f"{name} one visitor's data")
        command.add_argument("key", help="BK-/CB-/CF- reference or conversation id")
        command.add_argument("--by", required=True, help="who asks (audit trail)")
    return commands


EXIT_DATABASE = 3


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        engine = default_engine()
        if not inspect(engine).has_table(crisis_flags.name):
            print("privacy: no clinic tables here; run `make migrate` first.")
            return EXIT_DATABASE
        return run(args, engine)
    except SQLAlchemyError as error:
        print(f"privacy: the database failed: {type(error).__name__}", file=sys.stderr)
        return EXIT_DATABASE


def run(args: argparse.Namespace, engine: Engine) -> int:
    if args.command == "purge":
        config = Path(os.environ.get("CLINIC_CONFIG", DEFAULT_CLINIC_CONFIG))
        try:
            periods = load_retention(config)
        except RetentionError as error:
            print(f"privacy: {error}", file=sys.stderr)
            return 2
        counts = purge(engine, periods, args.by, dry_run=args.dry_run)
        verb = "would delete" if args.dry_run else "deleted"
        for kind, count in counts.items():
            print(f"{verb} {count:>6}  {kind}")
        return 0
    try:
        visitor = find_visitor(engine, args.key)
    except UnknownVisitor:
        print(f"privacy: nothing is stored under {args.key!r}", file=sys.stderr)
        return 1
    if args.command == "export":
        json.dump(export_visitor(engine, visitor, args.by), sys.stdout, indent=2)
        print()
        return 0
    for table, count in erase_visitor(engine, visitor, args.by).items():
        print(f"erased {count:>6}  {table}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

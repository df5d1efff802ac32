"""``rasa``'s command line with the clinic's fixes to Rasa 3.6 applied first.

``scripts/rasa`` runs this instead of the ``rasa`` executable, so the server, the
conversation tests, the action server and training all run with the same
fixes. The fixes are in clinic/rasa_patches/ (table.py lists them); each is
checked against the installed Rasa before any is applied (guard.py).
"""

from __future__ import annotations

import os
import sys

from clinic.cpu import one_blas_thread
from clinic.limits import (
    MAX_ACTION_REQUEST_BYTES,
    MAX_REQUEST_BYTES,
)
from clinic.rasa_patches.table import announce, apply_checked, stock_rasa
from clinic.training.live_model import with_the_live_model

DEFAULT_ACTIONS_PACKAGE = "actions"  # Rasa's default for ``rasa run actions``


def command_of(arguments: list[str]) -> str:
    if arguments[:2] == ["run", "actions"]:
        return "actions"
    if arguments[:1] == ["run"]:
        return "server"
    return "other"


def limit_request_bodies(arguments: list[str]) -> None:
    """Sanic reads SANIC_* settings from the environment when Rasa creates its
    app: bodies over the limit get 413 before they are read. The action server
    takes whole trackers from the Rasa server, the Rasa server single messages."""
    action_server = command_of(arguments) == "actions"
    limit = MAX_ACTION_REQUEST_BYTES if action_server else MAX_REQUEST_BYTES
    os.environ.setdefault("SANIC_REQUEST_MAX_SIZE", str(limit))


# Sanic closes a connection whose request has not begun after its keep-alive
# timeout (5 s by default), counted from the connection's accept. Under uvloop
# timers run before reading sockets, so when the action server's loop was busy
# for longer than that (a burst of calls, each with a whole tracker, on a busy
# machine) it closed connections whose requests had arrived meanwhile: Rasa saw
# "Cannot write to closing transport" and the action's events were lost (the
# fuzz run of 2026-12-07). Rasa opens a connection per call and closes it after,
# so nothing idles on the action server for long; the request timeout stays 60 s.
ACTION_SERVER_KEEP_ALIVE_SECONDS = 60


def wait_for_late_requests() -> None:
    os.environ.setdefault(
        "SANIC_KEEP_ALIVE_TIMEOUT", str(ACTION_SERVER_KEEP_ALIVE_SECONDS)
    )


def run_the_action_server(arguments: list[str]) -> None:
    """``rasa run actions`` as Rasa runs it (rasa/cli/run.py), through
    rasa-sdk alone: importing Rasa's command line loaded Rasa, spaCy and
    TensorFlow into a server that needs none of them (656 MB at start)."""
    from rasa_sdk.__main__ import main_from_args
    from rasa_sdk.endpoint import create_argument_parser

    args = create_argument_parser().parse_args(arguments)
    args.actions = args.actions or DEFAULT_ACTIONS_PACKAGE
    main_from_args(args)


def main() -> None:
    arguments = sys.argv[1:]
    command = command_of(arguments)
    limit_request_bodies(arguments)
    if command == "actions":
        wait_for_late_requests()
    if command == "server":
        one_blas_thread()
    stock = stock_rasa()
    patches = apply_checked(command, stock)
    announce(patches, stock)
    if command == "actions":
        run_the_action_server(arguments[2:])
        return
    from rasa.__main__ import main as rasa_main

    if command == "server":
        sys.argv[1:] = with_the_live_model(arguments)
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()

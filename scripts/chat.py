"""Chat with a running assistant in the terminal (start it first with make run).

Usage: python scripts/chat.py [--url http://127.0.0.1:5005]
Buttons are shown as numbered choices; type the number to press one.
"""

from __future__ import annotations

import argparse
import uuid

import requests


def show(replies: list[dict]) -> list[dict]:
    buttons: list[dict] = []
    for reply in replies:
        if reply.get("text"):
            print(f"\nassistant> {reply['text']}")
        for button in reply.get("buttons") or []:
            buttons.append(button)
            print(f"  [{len(buttons)}] {button['title']}")
    return buttons


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    args = parser.parse_args()
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    buttons: list[dict] = []
    print("Type a message (Ctrl-D to quit).")
    while True:
        try:
            text = input("\nyou> ")
        except EOFError:
            return
        if text.strip().isdigit() and 0 < int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        response = requests.post(
            f"{args.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )
        buttons = show(response.json())


if __name__ == "__main__":
    main()

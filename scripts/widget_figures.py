"""Measures the widget and writes its figures into docs/widget.md (make widget-figures).

- Bundle size: web/widget/dist/clinic-chat.js, raw and gzipped (level 9, the
  copy the site serves to browsers that accept gzip).
- Time from page load to the first answer on localhost: a fresh browser
  context per run (empty cache and storage), the page is opened, the chat
  opened and a question sent at once; times are read in the page
  (performance.now(), from navigation start) at the frame where each thing
  appears. Servers are started by the script (fresh SQLite database) and warmed
  up with one question first.

Usage: python scripts/widget_figures.py [--runs 10]
"""

from __future__ import annotations

import argparse
import gzip
import platform
import statistics
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from clinic.site.config import BUNDLE_NAME, DEFAULT_DIST
from harness.chat import Chat
from harness.web import DemoSite, chromium_executable, launch_chromium, web_stack

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "widget.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"
QUESTION = "how much does ketamine cost?"

# Notes, at every animation frame, when the question left and when the first
# answer was drawn (performance.now(): ms from navigation start).
RECORDER = """
window.figures = {};
const tick = () => {
  const root = document.getElementById('clinic-chat')?.shadowRoot;
  const seen = window.figures;
  if (root) {
    const left = root.querySelector('.row.user:not([data-status=queued])');
    if (seen.sent === undefined && left) seen.sent = performance.now();
    if (seen.answered === undefined && root.querySelector('.msg.bot')) {
      seen.answered = performance.now();
    }
  }
  if (seen.answered === undefined) requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
"""
LOADED = "() => performance.getEntriesByType('navigation')[0].loadEventEnd"


@dataclass
class Run:
    loaded: float
    sent: float
    answered: float


def bundle_sizes() -> tuple[int, int]:
    bundle = (DEFAULT_DIST / BUNDLE_NAME).read_bytes()
    return len(bundle), len(gzip.compress(bundle, compresslevel=9))


def one_run(browser: Browser, site: DemoSite) -> Run:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(RECORDER)
        chat = Chat(page, site)
        page.goto(site.url)
        chat.launcher.click()
        chat.say(QUESTION)
        page.wait_for_function("() => window.figures.answered", timeout=60_000)
        seen = page.evaluate("window.figures")
        return Run(float(page.evaluate(LOADED)), seen["sent"], seen["answered"])
    finally:
        context.close()


def warm_up(browser: Browser, site: DemoSite) -> float:
    """The first question after the server started: models load lazily."""
    return one_run(browser, site).answered


def row(name: str, values: list[float]) -> str:
    median, worst = statistics.median(values), max(values)
    return f"| {name} | {median:.0f} ms | {worst:.0f} ms |"


def chromium_version(executable: Path) -> str:
    output = subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, check=False
    ).stdout
    return output.strip() or "Chromium"


def report(raw: int, gzipped: int, runs: list[Run], first: float, browser: str) -> str:
    return "\n".join(
        [
            START,
            f"Measured by `make widget-figures` on {date.today().isoformat()}"
            f" ({platform.machine()}, {len(runs)} runs, {browser}, headless).",
            "",
            "| bundle | size |",
            "|---|---|",
            f"| `clinic-chat.js`, minified | {raw / 1024:.1f} KB ({raw:,} bytes) |",
            f"| gzipped (as served) | {gzipped / 1024:.1f} KB ({gzipped:,} bytes);"
            " budget 60 KB |",
            "",
            "From navigation start, each run in a fresh browser context (empty cache"
            " and storage); Playwright opens the chat and types the question as soon"
            " as the page has loaded (its clicks and typing are included):",
            "",
            "| page load → | median | max |",
            "|---|---|---|",
            row("page loaded (`load` event)", [r.loaded for r in runs]),
            row("question sent (socket.io session confirmed)", [r.sent for r in runs]),
            row("**first answer shown**", [r.answered for r in runs]),
            row(
                "from sent to answered (Rasa's work)",
                [r.answered - r.sent for r in runs],
            ),
            "",
            f"The very first question after the Rasa server started took {first:.0f} ms"
            " (not counted above). Localhost, on the two shared cores of the"
            " development machine: a real network adds its round trips.",
            END,
        ]
    )


def write_report(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    if START not in doc or END not in doc:
        raise SystemExit(f"{DOC} has no {START} ... {END} block")
    before, rest = doc.split(START, 1)
    after = rest.split(END, 1)[1]
    DOC.write_text(before + text + after, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    executable = chromium_executable()
    if executable is None:
        print("Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)")
        return 1
    raw, gzipped = bundle_sizes()
    with web_stack() as site, sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable)
        first = warm_up(browser, site)
        runs = [one_run(browser, site) for _ in range(args.runs)]
        browser.close()
    text = report(raw, gzipped, runs, first, chromium_version(executable))
    write_report(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

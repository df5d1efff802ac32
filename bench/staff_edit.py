"""How long a staff member waits for an edit to be checked and saved.

Run: ``.venv/bin/python -m bench.staff_edit`` (about a minute). On a copy of
the project's content and a fresh SQLite database, through the same
``ContentEditor`` the console calls: the first edit after start (imports
included), then examples added and removed and an answer changed, each timed.
Figures go in docs/performance.md by hand.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from clinic.content.editor import ContentEditor
from clinic.store.db import make_engine
from clinic.store.migrate import upgrade
from harness.workspace import project_copy

ROUNDS = 5
ANSWER_TOPIC = "faq/cost.price"


def timed(edit: Callable[[], object]) -> float:
    started = time.perf_counter()
    edit()
    return time.perf_counter() - started


def measure(editor: ContentEditor) -> dict[str, list[float]]:
    answer = editor.repository.topic(ANSWER_TOPIC).answer
    assert answer is not None
    times: dict[str, list[float]] = {"first edit": [], "example": [], "answer": []}
    times["first edit"].append(
        timed(lambda: editor.add_example("greet", "hiya there folks", "bench"))
    )
    for round_ in range(ROUNDS):
        example = f"hello again number {round_} from the bench"
        text = f"{answer.text} (edit {round_})"
        times["example"].append(
            timed(lambda e=example: editor.add_example("greet", e, "bench"))
        )
        times["example"].append(
            timed(lambda e=example: editor.remove_example("greet", e, "bench"))
        )
        times["answer"].append(
            timed(lambda t=text: editor.set_answer(ANSWER_TOPIC, t, "bench"))
        )
    return times


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-staff-edit-") as directory:
        root = project_copy(Path(directory) / "project")
        url = f"sqlite:///{Path(directory) / 'clinic.db'}"
        upgrade(url)
        editor = ContentEditor(root, make_engine(url), git_commit=False)
        for kind, seconds in measure(editor).items():
            print(
                f"{kind}: n={len(seconds)} median {statistics.median(seconds):.2f} s"
                f" max {max(seconds):.2f} s"
            )


if __name__ == "__main__":
    main()

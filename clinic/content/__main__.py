"""Checks the training data and answers: ``python -m clinic.content validate``.

``python -m clinic.content grades [--write]`` lists every answer's reading grade
(and with ``--write`` puts the list in docs/content.md).

Exits 0 and prints a summary when every rule passes; lists the problems and
exits 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from clinic.content.project_content import Problem
from clinic.content.readability import grade_of, grades_table, with_grades
from clinic.content.topics import ContentRepository
from clinic.content.validation import summary, validate_project

CONTENT_DOC = Path("docs") / "content.md"


def describe(problem: Problem) -> str:
    shown = problem.detail and problem.detail not in problem.message
    detail = f"\n    ({problem.detail})" if shown else ""
    return f"- {problem.message}{detail}"


def validate(root: Path) -> int:
    problems = validate_project(root)
    topics, examples = summary(root)
    if not problems:
        print(f"content: {topics} topics, {examples} examples, no problems")
        return 0
    print(f"content: {topics} topics, {examples} examples, {len(problems)} problems")
    print("\n".join(describe(problem) for problem in problems))
    return 1


def answer_grades(root: Path) -> str:
    _, responses = ContentRepository(root).load()
    return grades_table(
        [
            grade_of(response.name, answer.variant, answer.text)
            for response in responses.values()
            for answer in response.variants
        ]
    )


def grades(root: Path, write: bool) -> int:
    table = answer_grades(root)
    if not write:
        print(table)
        return 0
    document = root / CONTENT_DOC
    document.write_text(with_grades(document.read_text(encoding="utf-8"), table))
    print(f"content: grades written to {document}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clinic.content")
    parser.add_argument("command", choices=["validate", "grades"])
    parser.add_argument(
        "--write", action="store_true", help="grades: update docs/content.md"
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="project root")
    args = parser.parse_args(argv)
    # Rasa's dependencies warn about their own deprecations on import: not ours.
    warnings.simplefilter("ignore", DeprecationWarning)
    if args.command == "grades":
        return grades(args.root, args.write)
    return validate(args.root)


if __name__ == "__main__":
    sys.exit(main())

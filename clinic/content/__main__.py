"""Checks the training data and answers: ``python -m clinic.content validate``.

Exits 0 and prints a summary when every rule passes; lists the problems and
exits 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from clinic.content.validation import Problem, summary, validate_project


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clinic.content")
    parser.add_argument("command", choices=["validate"])
    parser.add_argument("--root", type=Path, default=Path("."), help="project root")
    args = parser.parse_args(argv)
    # Rasa's dependencies warn about their own deprecations on import: not ours.
    warnings.simplefilter("ignore", DeprecationWarning)
    return validate(args.root)


if __name__ == "__main__":
    sys.exit(main())

"""The Rasa the patches were written for, checked before they are applied.

``clinic/rasa_patches/`` replaces, wraps or copies some of Rasa's private
functions, and the tracker store and graph runner subclass Rasa's classes
and use their private parts. Each was written against one Rasa release: a
different one could change a function they copy, and the patch would then
quietly undo Rasa's fix or break a conversation. So before any patch is
applied the installed versions and the source of every function a patch
touches are compared with what they were written for, and the server refuses
to start, naming what changed.

The source is read from the installed files, not imported: importing
``rasa.server`` here would load TensorFlow before the patches can defer it.

After a Rasa upgrade: read each named function's new source against its
patch, then ``python -m clinic.rasa_patches.guard`` prints the new digests to paste.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import importlib.util
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

EXPECTED_VERSIONS: Mapping[str, str] = {"rasa": "3.6.21", "rasa-sdk": "3.6.2"}


@dataclass(frozen=True)
class Touched:
    """A Rasa function or class a patch replaces, wraps, copies or subclasses."""

    module: str
    qualname: str
    sha256: str

    @property
    def name(self) -> str:
        return f"{self.module}.{self.qualname}"


class RasaNotAsPatched(SystemExit):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            "The installed Rasa is not the one the clinic's patches were written "
            "for, so the server does not start:\n  - "
            + "\n  - ".join(problems)
            + "\nCLINIC_STOCK_RASA=1 runs Rasa without the speed patches; "
            "clinic/rasa_patches/guard.py says how to review an upgrade."
        )


def definition_source(source: str, qualname: str) -> str | None:
    """The text of the last definition of ``qualname`` (``Class.method``) in a
    module's source, decorators included; None when it is not there."""
    body: list[ast.stmt] = ast.parse(source).body
    found: ast.stmt | None = None
    for part in qualname.split("."):
        found = None
        for node in body:
            defines = isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
            )
            if defines and node.name == part:  # type: ignore[union-attr]
                found = node
        if found is None:
            return None
        body = getattr(found, "body", [])
    assert found is not None
    decorators = getattr(found, "decorator_list", [])
    first = min([found.lineno, *(each.lineno for each in decorators)])
    lines = source.splitlines()[first - 1 : found.end_lineno]
    return "\n".join(lines)


def module_source(module: str) -> str | None:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).read_text(encoding="utf-8")


def digest_of(touched: Touched) -> str | None:
    source = module_source(touched.module)
    text = definition_source(source, touched.qualname) if source else None
    return hashlib.sha256(text.encode()).hexdigest() if text is not None else None


def version_problems(expected: Mapping[str, str]) -> list[str]:
    problems = []
    for distribution, version in expected.items():
        try:
            installed = importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            installed = "not installed"
        if installed != version:
            problems.append(f"{distribution} {installed}, written for {version}")
    return problems


def source_problems(touched: Iterable[Touched]) -> list[str]:
    problems = []
    for each in touched:
        found = digest_of(each)
        if found is None:
            problems.append(f"{each.name} is no longer there")
        elif found != each.sha256:
            problems.append(f"{each.name} has changed (sha256 {found[:12]}...)")
    return problems


def check(
    touched: Iterable[Touched], expected: Mapping[str, str] = EXPECTED_VERSIONS
) -> None:
    """Raises ``RasaNotAsPatched`` naming every difference."""
    problems = version_problems(expected) + source_problems(touched)
    if problems:
        raise RasaNotAsPatched(problems)


def main() -> None:
    """Prints the installed digests of what the patches touch (after review)."""
    from clinic.rasa_patches.table import every_patch

    for patch in every_patch():
        for each in patch.touches:
            print(f"{patch.name}: {each.name} {digest_of(each)}")


if __name__ == "__main__":
    main()

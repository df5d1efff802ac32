"""A deferred module runs its code on the first use of one of its names, once."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic.rasa_patches.deferred_imports import DeferredImports, top_level_names

HEAVY = """\
import json
import os.path as joined
from collections import OrderedDict as Ordered
RUNS.append("ran")
LIMIT: int = 3
if LIMIT:
    CHOSEN = "yes"
try:
    import json as fallback
except ImportError:
    fallback = None
for index in range(2):
    pass


def helper():
    inner = 1
    return inner


class Thing:
    attribute = 2
"""


@pytest.fixture
def deferred_package(tmp_path: Path) -> Iterator[list[str]]:
    """A package ``deferred_pkg`` whose module ``heavy`` records each run."""
    package = tmp_path / "deferred_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "heavy.py").write_text("from builtins import RUNS\n" + HEAVY)
    (package / "starred.py").write_text("from os.path import *\nRUNS.append('star')\n")
    runs: list[str] = []
    import builtins

    builtins.RUNS = runs  # type: ignore[attr-defined]
    finder = DeferredImports(frozenset({"deferred_pkg.heavy", "deferred_pkg.starred"}))
    sys.path.insert(0, str(tmp_path))
    sys.meta_path.insert(0, finder)
    try:
        yield runs
    finally:
        sys.meta_path.remove(finder)
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.startswith("deferred_pkg")]:
            del sys.modules[name]
        del builtins.RUNS  # type: ignore[attr-defined]


def test_importing_does_not_run_the_module(deferred_package: list[str]) -> None:
    module = importlib.import_module("deferred_pkg.heavy")
    assert deferred_package == []
    assert module.__name__ == "deferred_pkg.heavy"
    assert module.__spec__ is not None


def test_a_second_import_keeps_it_deferred(deferred_package: list[str]) -> None:
    importlib.import_module("deferred_pkg.heavy")
    import deferred_pkg.heavy  # noqa: F401
    from deferred_pkg import heavy  # noqa: F401

    assert deferred_package == []


def test_asking_for_a_name_it_does_not_define_does_not_run_it(
    deferred_package: list[str],
) -> None:
    module = importlib.import_module("deferred_pkg.heavy")
    with pytest.raises(AttributeError):
        _ = module.sqrt
    assert not hasattr(module, "__wrapped__")
    assert deferred_package == []


def test_using_a_name_runs_it_once_with_its_real_values(
    deferred_package: list[str],
) -> None:
    module = importlib.import_module("deferred_pkg.heavy")
    assert module.helper() == 1
    assert module.Thing.attribute == 2
    assert module.LIMIT == 3
    assert module.CHOSEN == "yes"
    assert deferred_package == ["ran"]
    assert type(module).__name__ == "module"


def test_from_import_of_a_name_runs_it(deferred_package: list[str]) -> None:
    from deferred_pkg.heavy import Thing

    assert Thing.attribute == 2
    assert deferred_package == ["ran"]


def test_a_star_importing_module_runs_at_once(deferred_package: list[str]) -> None:
    module = importlib.import_module("deferred_pkg.starred")
    assert deferred_package == ["star"]
    assert module.join("a", "b") == "a/b"


def test_modules_not_named_import_as_usual(deferred_package: list[str]) -> None:
    plain = Path(sys.path[0]) / "deferred_pkg" / "plain.py"
    plain.write_text("RUNS.append('plain')\n")
    importlib.import_module("deferred_pkg.plain")
    assert deferred_package == ["plain"]


def test_top_level_names_are_every_name_the_module_binds() -> None:
    names = top_level_names(HEAVY)
    expected = {"json", "joined", "Ordered", "LIMIT", "CHOSEN", "fallback"}
    assert expected | {"index", "helper", "Thing"} <= names
    assert "inner" not in names
    assert "attribute" not in names

"""Modules imported now whose code runs when one of their names is first used.

The Rasa server uses this for Rasa modules that import TensorFlow at their top
but that only training calls (speed.py: defer_tensorflow).
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import types
from collections.abc import Sequence
from importlib.abc import Loader, SourceLoader
from importlib.machinery import ModuleSpec
from typing import Any


class DeferredModule(types.ModuleType):
    """A module whose code has not run yet: using one of its names runs it.

    Unlike ``importlib.util.LazyLoader``, reading ``__spec__`` and the other
    attributes the import system sets does not run it, so a second ``import``
    of the module keeps it deferred; neither does asking for a name the module
    does not define, as libraries do that search ``sys.modules`` for an object
    (skops' ``whichmodule``, when it is imported).
    """

    def __getattr__(self, attribute: str) -> Any:
        if attribute not in self.__dict__["_deferred_names"]:
            raise AttributeError(f"module {self.__name__!r} has no {attribute!r}")
        loader = self.__dict__.pop("_deferred_loader")
        del self.__dict__["_deferred_names"]
        self.__class__ = types.ModuleType
        loader.exec_module(self)
        return getattr(self, attribute)


def top_level_names(source: str) -> frozenset[str]:
    """The names a module's code binds outside its functions and classes.

    May name a few more (comprehension variables), never fewer; ``*`` is among
    them when the module star-imports, and then any name may be defined.
    """
    names: set[str] = set()
    pending: list[ast.AST] = [ast.parse(source)]
    while pending:
        for child in ast.iter_child_nodes(pending.pop()):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(child.name)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                names.update(imported_name(alias) for alias in child.names)
            elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                names.add(child.id)
            else:
                pending.append(child)
    return frozenset(names)


def imported_name(alias: ast.alias) -> str:
    """``import a.b`` binds ``a``; ``import a.b as c`` and ``from a import b as c``
    bind ``c``."""
    return alias.asname or alias.name.split(".")[0]


class DeferringLoader(Loader):
    """Runs a module's code on the first use of a name it defines."""

    def __init__(self, loader: SourceLoader) -> None:
        self.loader = loader

    def create_module(self, spec: ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        names = top_level_names(self.loader.get_source(module.__name__) or "")
        if "*" in names:
            self.loader.exec_module(module)
            return
        module.__dict__["_deferred_names"] = names
        module.__dict__["_deferred_loader"] = self.loader
        module.__class__ = DeferredModule


class DeferredImports:
    """Import finder that defers running the named modules until first use."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: Any = None
    ) -> ModuleSpec | None:
        if name not in self.names:
            return None
        spec = self.spec_without_me(name)
        if spec is None or not isinstance(spec.loader, SourceLoader):
            return spec
        spec.loader = DeferringLoader(spec.loader)
        return spec

    def spec_without_me(self, name: str) -> ModuleSpec | None:
        sys.meta_path.remove(self)
        try:
            return importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)

"""A module imported on first use, for heavy libraries a module needs in a few functions only.

Why: ``scipy.stats`` takes ~0.5 s to import; the report's likelihood model and the competing hypotheses
call it, but the command line, the claim check and the web app import those modules for their types and
constants too.  ``stats = lazy_module("scipy.stats")`` keeps ``stats.beta(...)`` as written.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any


class lazy_module:  # noqa: N801 - stands for a module name
    """Imports ``name`` on the first attribute looked up, then behaves as the module for attributes."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy_attributes(module: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """A module's ``__getattr__`` that imports each name of ``where`` from its module (name → module) on
    first use: a package keeps its public names without importing what defines them."""

    def __getattr__(name: str) -> Any:  # noqa: N807 - installed as a module's __getattr__
        if name in where:
            return getattr(importlib.import_module(where[name]), name)
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__


def function_over_submodule(package: str, name: str) -> None:
    """Keep ``package.name`` the function of that name (lazily imported from its submodule of the same name)
    when that submodule is imported: Python then sets the package's attribute to the module."""

    class _Package(ModuleType):
        def __setattr__(self, attr: str, value: Any) -> None:
            if attr == name and isinstance(value, ModuleType):
                value = getattr(value, name)
            super().__setattr__(attr, value)

    sys.modules[package].__class__ = _Package

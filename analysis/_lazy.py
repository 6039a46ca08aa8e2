"""Lazy package exports: a station's public names are imported on first use.

``import analysis`` and the ``goalscope`` command then start without loading scipy.stats,
statsmodels and scikit-learn for commands that do not need them (start-up fell from about 2.4 s to
well under a second).

Several stations have submodules named like the functions they export (``analysis.models.mediation``
holds ``mediation``). Importing such a submodule makes Python set the package attribute to the
module; the package's module class below refuses that for exported names, so
``from analysis.models import mediation`` is always the function, as with eager imports.
"""

from __future__ import annotations

import importlib
import sys
import types


class _LazyPackage(types.ModuleType):
    def __setattr__(self, name, value):
        exports = self.__dict__.get("_lazy_exports", {})
        if name in exports and isinstance(value, types.ModuleType) and value.__name__.endswith("." + name):
            return  # a submodule import must not shadow the exported function of the same name
        super().__setattr__(name, value)


def lazy_exports(package: str, table: dict[str, list[str]]) -> list[str]:
    """Make ``package`` import ``{submodule: [names]}`` on first attribute access; returns ``__all__``.

    Call at the bottom of a package's ``__init__``::

        __all__ = lazy_exports(__name__, {".cfa": ["cfa", "CFAResult"], ...})
    """
    module = sys.modules[package]
    where = {name: sub for sub, names in table.items() for name in names}

    def __getattr__(name):
        sub = where.get(name)
        if sub is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(sub, package), name)
        module.__dict__[name] = value            # bypasses the guard: the export itself
        return value

    def __dir__():
        return sorted(set(module.__dict__) | set(where))

    module.__dict__.update(__getattr__=__getattr__, __dir__=__dir__, _lazy_exports=where)
    module.__class__ = _LazyPackage
    return list(where)

"""Lazy package exports: a station's public names are imported on first use.

``import analysis`` and the ``goalscope`` command then start without loading scipy.stats,
statsmodels and scikit-learn for commands that do not need them (start-up fell from about 2.4 s to
well under a second).

No submodule is named like a function its package exports (``mediation`` lives in
``models/indirect_effects.py``), so importing a submodule never replaces an exported function on
the package; ``tests/test_imports.py`` keeps it so.
"""

from __future__ import annotations

import importlib
import sys


def lazy_exports(package: str, table: dict[str, list[str]]) -> list[str]:
    """Make ``package`` import ``{submodule: [names]}`` on first attribute access; returns ``__all__``.

    Call at the bottom of a package's ``__init__``::

        __all__ = lazy_exports(__name__, {".confirmatory": ["cfa", "CFAResult"], ...})

    Examples
    --------
    >>> import analysis.models as m
    >>> m.mediation.__module__
    'analysis.models.indirect_effects'
    """
    module = sys.modules[package]
    where = {name: sub for sub, names in table.items() for name in names}
    clash = sorted(name for name, sub in where.items() if sub.rsplit(".", 1)[-1] == name)
    if clash:  # a submodule import would overwrite the exported function of the same name
        raise ImportError(f"{package}: submodule(s) named like an exported name: {', '.join(clash)}")

    def __getattr__(name):
        sub = where.get(name)
        if sub is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(sub, package), name)
        module.__dict__[name] = value
        return value

    def __dir__():
        return sorted(set(module.__dict__) | set(where))

    module.__dict__.update(__getattr__=__getattr__, __dir__=__dir__)
    return list(where)

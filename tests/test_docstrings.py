"""Every ``>>>`` example in ``analysis/`` runs, from an empty folder (one runner for the whole package)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import analysis

MODULES = sorted(m.name for m in pkgutil.walk_packages(analysis.__path__, "analysis.") if m.name != "analysis.__main__")


def _examples(name: str) -> int:
    finder = doctest.DocTestFinder()
    return sum(len(t.examples) for t in finder.find(importlib.import_module(name)))


@pytest.mark.parametrize("name", [m for m in MODULES if _examples(m)])
def test_examples(name, monkeypatch, tmp_path):
    # from an empty folder, as in a user's notebook: examples read shipped data (analysis.datasets)
    # or build their own, never paths into the repository
    monkeypatch.chdir(tmp_path)
    res = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0 and res.attempted > 0


def test_every_public_name_has_an_example():
    import inspect

    lacking = [n for n in analysis.__all__ if ">>>" not in (inspect.getdoc(getattr(analysis, n)) or "")]
    assert lacking == []

"""Every ``>>>`` example in ``analysis/`` runs (one runner for the whole package, not one per station)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import analysis
from tests.conftest import ROOT

MODULES = sorted(m.name for m in pkgutil.walk_packages(analysis.__path__, "analysis.") if m.name != "analysis.__main__")


def _examples(name: str) -> int:
    finder = doctest.DocTestFinder()
    return sum(len(t.examples) for t in finder.find(importlib.import_module(name)))


@pytest.mark.parametrize("name", [m for m in MODULES if _examples(m)])
def test_examples(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    res = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0 and res.attempted > 0

"""Every docstring example in analysis/teams runs and prints what it says."""

import doctest
import importlib

import pytest

from tests.conftest import ROOT

MODULES = ["agreement", "icc", "aggregate", "privacy", "multilevel", "report", "formats", "waves"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # examples read the committed demo and reference files
    mod = importlib.import_module(f"analysis.teams.{name}")
    res = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0 and res.attempted > 0

"""Every docstring example of the readers, the item preparation and the error helpers runs."""

import doctest
import importlib

import pytest

from conftest import ROOT

MODULES = ["analysis.io.readers", "analysis.scoring.mapping", "analysis.errors"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # examples read the committed demo export
    res = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0 and res.attempted > 0

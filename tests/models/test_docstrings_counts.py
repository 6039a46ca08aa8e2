"""The docstring examples of the count-model and Satterthwaite additions run and print what they say."""

import doctest
import importlib

import pytest

from tests.conftest import ROOT

MODULES = ["counts", "mixed", "regression", "satterthwaite"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # examples read the committed reference files
    mod = importlib.import_module(f"analysis.models.{name}")
    res = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0 and res.attempted > 0

"""Every docstring example in analysis/goals runs and prints what it says."""

import doctest
import importlib

import pytest

MODULES = ["lexicon", "coder", "agreement", "sheet", "shares"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    mod = importlib.import_module(f"analysis.goals.{name}")
    res = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0 and res.attempted > 0

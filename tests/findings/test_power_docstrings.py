"""Every docstring example in the power and simulation modules runs and prints what it says."""

import doctest
import importlib

import pytest

MODULES = ["power", "power_montecarlo", "simulation", "power_commands"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    mod = importlib.import_module(f"analysis.findings.{name}")
    res = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0 and res.attempted > 0

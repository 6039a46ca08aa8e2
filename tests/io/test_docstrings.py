"""The docstring examples of the output, YAML and option-check modules run and print what they say."""

import doctest
import importlib

import pytest

from conftest import ROOT

MODULES = ["analysis.checks", "analysis.io.writers", "analysis.io.yamlfile", "analysis.report.basic"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    res = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0 and res.attempted > 0

"""The docstring examples of the pipeline and report modules run (and pass) in the suite."""

import doctest
import importlib

import pytest

MODULES = ["analysis.pipeline.analyses", "analysis.pipeline.measurement", "analysis.pipeline.check",
           "analysis.report.labels", "analysis.report.study_report", "analysis.report.model_figures",
           "analysis.report.apa", "analysis.io.pseudonyms"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name, monkeypatch):
    from conftest import ROOT
    monkeypatch.chdir(ROOT)
    res = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0

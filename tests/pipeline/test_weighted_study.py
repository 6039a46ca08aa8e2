"""A study file with ``weights:`` and ``plausible_values:`` (data/raw/pisa_demo/study.yaml): its declared
correlations and regressions run weighted, equal to R (tests/reference/weights/weights.R), and the
methods paragraph says how the standard errors were computed, one row of methods.py's table each."""

from __future__ import annotations

import html
import re
import shutil
from types import SimpleNamespace as NS

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.datasets import read_dataset
from analysis.errors import StudyError
from analysis.models import weighted_correlations, weighted_regression
from analysis.pipeline.methods import analysis_sentence
from analysis.study import load_study, run_study
from tests.conftest import REFERENCE, ROOT
from tests.messages import assert_says, flat

STUDY = ROOT / "data" / "raw" / "pisa_demo"
FAY = {"weight": "W_FSTUWT", "replicate_weights": "W_FSTURWT{n}", "method": "fay", "fay_k": 0.5}


def _text(path) -> str:
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return flat(html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("pisa")
    res = run_study(STUDY / "study.yaml", processed_dir=out / "p", reports_dir=out / "r")
    return res, out


def test_weighted_tables_equal_r(run):
    res, out = run
    ref = pd.read_csv(REFERENCE / "weights" / "weights_pisa_demo.csv")
    ref = ref[ref["design"] == "fay"]
    cols = ["estimate", "se", "ci_low", "ci_high", "statistic", "df", "p_val"]
    for table, model in [("maths", "MATH ~ MASTGOAL + GFOFAIL + COMPETE + ESCS"),
                         ("university", "EXPECT_UNI ~ ESCS + MASTGOAL + female")]:
        ours = pd.read_csv(out / "r" / "tables" / f"{table}.csv")
        r = ref[ref["outcome"] == model]
        assert ours["term"].tolist() == r["term"].tolist()
        for c in cols:
            np.testing.assert_allclose(ours[c], r[c], rtol=1e-10, atol=1e-10, equal_nan=True, err_msg=f"{table} {c}")
    ours = pd.read_csv(out / "r" / "tables" / "goal_links.csv")
    pairs = ref[ref["analysis"] == "correlations"]
    got = ours.merge(pairs, left_on=["x", "y"], right_on=["outcome", "term"])
    assert len(got) == 6          # the six pairs of the four PISA columns; the AGQ-R scale is ours alone
    for a, b in [("r", "estimate"), ("se_x", "se_y"), ("ci_low_x", "ci_low_y"), ("p_val_x", "p_val_y"),
                 ("df_x", "df_y"), ("n_x", "n_y")]:
        np.testing.assert_allclose(got[a], got[b], rtol=1e-10, atol=1e-10, equal_nan=True, err_msg=a)
    # the scored scale goes through the same code: equal to calling the library on the analysed rows
    lib = weighted_correlations(res.analysed, ["goals_mastery_approach", "MASTGOAL"], design=FAY)
    np.testing.assert_allclose(ours.loc[0, ["r", "se", "p_val"]].to_numpy(float),
                               lib.table().loc[0, ["estimate", "se", "p_val"]].to_numpy(float), rtol=1e-12)


def test_methods_say_how_standard_errors_were_computed(run):
    _, out = run
    text = _text(out / "r" / "index.html")
    fay = "standard errors from 80 Fay replicate weights (k = 0.5)"
    pv = "10 plausible values of MATH analysed one at a time and combined by Rubin's rules"
    assert_says(text,
                "The study declares survey weights (final weight W_FSTUWT); they enter the declared analyses below. "
                "The sample description, the measurement models and the table of scale descriptives and "
                "correlations describe the analysed respondents unweighted.",
                f"goal_links: weighted Pearson correlations (final weight W_FSTUWT) with {fay}; {pv}; t tests and 95% "
                "confidence intervals on Rubin's degrees of freedom for pairs with MATH, z tests with normal-based "
                "intervals for the others, pairwise deletion, p values not adjusted for multiple tests.",
                f"maths: weighted least-squares regression of MATH on 4 predictor(s) (final weight W_FSTUWT) with "
                f"{fay}; {pv}; t tests and 95% confidence intervals on Rubin's degrees of freedom, listwise deletion.",
                f"university: weighted logistic regression of EXPECT_UNI on 3 predictor(s) (final weight W_FSTUWT) "
                f"with {fay}; t tests and 95% confidence intervals on 76 degrees of freedom (the design's 79 + 1 − 4 "
                "coefficients, as survey::svyglm), listwise deletion.")


@pytest.mark.parametrize("columns, pv, tests", [
    (["MASTGOAL", "COMPETE"], None, "z tests with normal-based 95% confidence intervals"),
    (["MASTGOAL", "MATH"], {"MATH": "PV{n}MATH"}, "t tests and 95% confidence intervals on Rubin's degrees of freedom"),
])
def test_correlation_sentence_rows(columns, pv, tests):
    res = weighted_correlations(read_dataset("pisa_demo"), columns, design={**FAY, "method": "jk2", "fay_k": None,
                                                                            "replicate_weights": "W_FSTURWT{n}"},
                                plausible_values=pv)
    spec = NS(level=0.95, method="pearson", covar=[], padjust=None, nan_policy="pairwise")
    said = analysis_sentence(NS(id="links", type="correlations", spec=spec, result=res, long=res.table()))
    assert said == (f"links: weighted Pearson correlations (final weight W_FSTUWT) with standard errors from 80 JK2 "
                    f"jackknife replicate weights{'; 10 plausible values of MATH analysed one at a time and combined by Rubin' + chr(39) + 's rules' if pv else ''}; "
                    f"{tests}, pairwise deletion, p values not adjusted for multiple tests.")


def test_weighted_regression_sentence_without_pv():
    res = weighted_regression(read_dataset("pisa_demo"), "MASTGOAL", ["COMPETE"], level=0.9,
                              design={**FAY, "method": "brr", "fay_k": None})
    spec = NS(level=0.9, family="gaussian", outcome="MASTGOAL", steps=[], hc3=False)
    said = analysis_sentence(NS(id="m", type="regression", spec=spec, result=res, long=res.table()))
    assert said == ("m: weighted least-squares regression of MASTGOAL on 1 predictor(s) (final weight W_FSTUWT) with "
                    "standard errors from 80 BRR replicate weights; t tests and 90% confidence intervals on 78 degrees "
                    "of freedom (the design's 79 + 1 − 2 coefficients, as survey::svyglm), listwise deletion.")


# --- what a weighted study refuses (never an unweighted estimate beside the weighted ones) ---------
def _study(tmp_path, **change):
    spec = yaml.safe_load((STUDY / "study.yaml").read_text(encoding="utf-8"))
    spec.update(change)
    shutil.copy(STUDY / "responses.csv", tmp_path / "responses.csv")
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, phrase", [
    ({"weights": None}, "field 'plausible_values' needs 'weights:'"),
    ({"replicate": True, "constructs": {"mastery_approach": "goals_mastery_approach", "performance_approach": "goals_performance_approach"}},
     None),
])
def test_refused_when_loading(tmp_path, change, phrase):
    path = _study(tmp_path, **change)
    with pytest.raises(StudyError) as err:
        load_study(path)
    assert_says(err.value, phrase or "'replicate: true' compares registered findings with unweighted correlations")


@pytest.mark.parametrize("analysis, phrase", [
    ({"id": "path", "type": "mediation", "x": "MASTGOAL", "m": ["GFOFAIL"], "y": "MATH"},
     "field 'analyses[1].type': analysis 'path' (type mediation) has no weighted version: its standard errors would "
     "ignore the study's 'weights:'; with weights, declare correlations or regression analyses"),
    ({"id": "links", "type": "correlations", "columns": ["MASTGOAL", "MATH"], "method": "spearman", "padjust": "holm"},
     "field 'analyses[1]': 'method: spearman', 'padjust: holm' have no weighted version and the study declares "
     "'weights:'; remove it (weighted correlations are Pearson, pairwise, without adjustment; regression is gaussian "
     "or logistic, one block)"),
    ({"id": "m", "type": "regression", "outcome": "MATH", "predictors": ["ESCS"], "hc3": True},
     "field 'analyses[1]': 'hc3: True' has no weighted version"),
])
def test_refused_when_running(tmp_path, analysis, phrase):
    path = _study(tmp_path, analyses=[analysis])
    with pytest.raises(StudyError) as err:
        run_study(path, processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    assert_says(err.value, phrase)


def test_weight_columns_must_exist(tmp_path):
    path = _study(tmp_path, weights={"final": "W_FSTUWT", "replicates": "W_REP{n}"})
    with pytest.raises(StudyError) as err:
        run_study(path, processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    assert_says(err.value, f"file '{path}', field 'weights.replicates', value 'W_REP{{n}}' matches no column of the "
                           "data (e.g. 'W_REP1'); give the pattern of the columns or a list of them")

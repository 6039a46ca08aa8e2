"""setback_recovery / wide_to_long against lme4::lmer (tests/reference/models/longitudinal.R) on
nlme's Orthodont (real growth data, wide → long) and the demo study's exams around a setback."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from analysis.errors import DataError
from analysis.formatting.apa import apa
from analysis.models import setback_recovery, wide_to_long

from .conftest import load_csv, load_json

REF = load_json("longitudinal.json")
ORTHO = load_csv("orthodont_wide.csv")
DEMO = load_csv("demo_exams.csv")
EXAMS = ["exam1", "exam2", "exam3"]


def _cmp(res, ref, rename, atol_se=1e-6):
    r = pd.DataFrame(ref["fixed"])
    r["term"] = [rename.get(t, t) for t in r.term]
    r = r.set_index("term").loc[list(res.fixed_effects.term)]
    fe = res.fixed_effects
    assert_allclose(fe.estimate, r.estimate, atol=1e-8)
    assert_allclose(fe.se, r.se, atol=atol_se)
    assert_allclose(fe.z, r.t, atol=1e-5)
    # Wald CI and p from lme4's own estimate, SE and t (lme4 prints no p; confint(method = "Wald"))
    q = stats.norm.ppf(0.975)
    assert_allclose(fe.ci_low, r.estimate - q * r.se, atol=1e-6)
    assert_allclose(fe.ci_high, r.estimate + q * r.se, atol=1e-6)
    assert_allclose(fe.p_val, 2 * stats.norm.sf(np.abs(r.t)), rtol=1e-4, atol=1e-12)
    assert res.mixed.n == ref["nobs"]


@pytest.mark.parametrize("key, slopes", [("ortho_int", False), ("ortho_slope", True)])
def test_orthodont_linear_growth_matches_lmer(key, slopes):
    res = setback_recovery(ORTHO, ["distance8", "distance10", "distance12", "distance14"], "female",
                           id_column="Subject", coding="linear", times=[8, 10, 12, 14], random_slopes=slopes,
                           center=False)
    _cmp(res, REF[key], {"(Intercept)": "Intercept", "age": "time", "age:female": "time:female"})
    # variance components: lme4's optimum is not tighter than ~1e-5 relative
    assert_allclose(res.mixed.random_effects.vcov, REF[key]["vcov"], rtol=1e-5, atol=1e-6)
    assert list(res.interactions.term) == ["time:female"]


def test_demo_piecewise_setback_matches_lmer():
    res = setback_recovery(DEMO, EXAMS, ["mastery_approach", "performance_avoidance"], id_column="id")
    _cmp(res, REF["demo"], {"(Intercept)": "Intercept"})
    assert_allclose(res.mixed.random_effects.vcov, REF["demo"]["vcov"], rtol=1e-5)
    assert list(res.interactions.term) == ["drop:mastery_approach", "drop:performance_avoidance",
                                           "recovery:mastery_approach", "recovery:performance_avoidance"]
    n_missing = int(DEMO[EXAMS].isna().sum().sum()) + 3 * int(DEMO[["mastery_approach", "performance_avoidance"]]
                                                               .isna().any(axis=1).sum())
    assert res.mixed.n + len(res.excluded) == 3 * len(DEMO)
    assert len(res.excluded) <= n_missing
    a = apa(res)
    assert a.full_result.startswith("Mixed model of 3 occasions (piecewise time coding; ")
    assert list(a.table.columns) == ["Term", "b", "SE", "95% CI", "z", "p"]


def test_demo_linear_matches_lmer():
    res = setback_recovery(DEMO, EXAMS, "mastery_approach", id_column="id", coding="linear")
    _cmp(res, REF["demo_linear"], {"(Intercept)": "Intercept", "I(occasion - 1)": "time",
                                   "I(occasion - 1):mastery_approach": "time:mastery_approach"})


def test_wide_to_long_rows_and_order():
    long = wide_to_long(DEMO, EXAMS, id_column="id", keep=["mastery_approach"])
    assert len(long) == 3 * len(DEMO)
    first = long[long.id == "P0001"]
    assert first.score.tolist() == [58.0, 44.0, 42.0] and first.time.tolist() == [0.0, 1.0, 2.0]
    assert (first.mastery_approach == DEMO.mastery_approach[0]).all()
    assert np.isnan(long.score).sum() == DEMO[EXAMS].isna().sum().sum()


def test_non_identifier_names_survive():
    d = DEMO.rename(columns={"mastery_approach": "goals.mastery approach"})
    res = setback_recovery(d, EXAMS, "goals.mastery approach", id_column="id")
    assert "drop:goals.mastery approach" in res.fixed_effects.term.tolist()


@pytest.mark.parametrize("kwargs, msg", [
    (dict(exams=["exam1"], predictors="mastery_approach"), "at least two"),
    (dict(exams=EXAMS, predictors=[]), "at least one predictor"),
    (dict(exams=EXAMS, predictors="mastery_approach", setback=4), "setback=4"),
    (dict(exams=EXAMS, predictors="mastery_approach", coding="quadratic"), "coding="),
    (dict(exams=EXAMS, predictors="nope"), "'nope' are not in the data"),
])
def test_bad_input(kwargs, msg):
    with pytest.raises(DataError, match=msg):
        setback_recovery(DEMO, id_column="id", **kwargs)


def test_duplicate_ids():
    d = pd.concat([DEMO.head(3), DEMO.head(1)])
    with pytest.raises(DataError, match="repeats value 'P0001'"):
        wide_to_long(d, EXAMS, id_column="id")


@pytest.mark.parametrize("level, label", [(0.95, "95% CI"), (0.90, "90% CI")])
def test_apa_names_the_confidence_level_that_ran(level, label):
    res = setback_recovery(ORTHO, ["distance8", "distance10", "distance12", "distance14"], "female",
                           id_column="Subject", coding="linear", times=[8, 10, 12, 14], center=False, level=level)
    a = apa(res)
    assert list(a.table.columns) == ["Term", "b", "SE", label, "z", "p"]
    assert a.estimate.startswith("b = ") and f", {label} [" in a.estimate
    assert f", {label} [" in a.full_result

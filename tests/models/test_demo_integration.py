"""The issue's analyses as one call each on the demo study (scored: demo_exams.csv), checked against
psych corr.test, lm, glm and lavaan (tests/reference/models/demo.R)."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import analysis
from analysis.formatting.apa import apa

from .conftest import load_csv, load_json

D = load_csv("demo_exams.csv")
REF = load_json("demo_models.json")
GOALS = ["mastery_approach", "performance_approach", "mastery_avoidance", "performance_avoidance"]


def test_correlation_table():
    ct = analysis.correlations(D, GOALS + ["disorganization", "procrastination", "phq9"], padjust="holm")
    ref = pd.DataFrame(REF["correlations"])
    long = ct.long
    assert list(long.x) == list(ref.x) and list(long.y) == list(ref.y) and list(long.n) == list(ref.n)
    for c in ["r", "ci_low", "ci_high"]:
        assert_allclose(long[c], ref[c], atol=1e-10)
    assert_allclose(long.p_val, ref.p_val, rtol=1e-7)
    assert_allclose(long.p_adj, ref.p_adj, rtol=1e-7)


def test_regression_of_procrastination_on_goals():
    res = analysis.regression(D, "procrastination", GOALS)
    ref = REF["regression"]
    co = pd.DataFrame(ref["coef"])
    for c in ["estimate", "se", "t"]:
        assert_allclose(res.coefficients[c], co[c], atol=1e-10)
    assert_allclose(res.coefficients.p_val, co.p_val, rtol=1e-7)
    assert_allclose(res.coefficients.beta[1:], ref["beta"], atol=1e-10)
    assert res.r2 == pytest.approx(ref["r2"], abs=1e-12) and res.n == ref["n"]


def test_logistic_phq9_caseness():
    res = analysis.logistic_regression(D, "phq9", GOALS, threshold=10)
    ref = pd.DataFrame(REF["logistic"])
    for c in ["estimate", "se", "z"]:
        assert_allclose(res.coefficients[c], ref[c], atol=1e-8)
    assert_allclose(res.coefficients.p_val, ref.p_val, rtol=1e-6)


def test_mediation_through_disorganisation():
    res = analysis.mediation(D, x="mastery_avoidance", m="disorganization", y="procrastination",
                                 covar="mastery_approach", n_boot=2000, seed=2026)
    assert res.n == REF["n_med"]
    lav = pd.DataFrame(REF["mediation"]).set_index("label")
    nt = res.normal_theory.set_index("path")
    names = {"disorganization ~ mastery_avoidance": "a", "direct": "cp",
             "procrastination ~ disorganization": "b", "indirect disorganization": "ind", "total": "total"}
    for ours, lab in names.items():
        for c in ["estimate", "se", "z"]:
            assert nt.loc[ours, c] == pytest.approx(lav.loc[lab, c], abs=1e-8), (ours, c)
    p = res.paths.set_index("path")
    assert p.loc["indirect disorganization", "estimate"] == pytest.approx(lav.loc["ind", "estimate"], abs=1e-12)
    # the bootstrap SD of the indirect effect is close to the delta-method SE (large-sample agreement)
    assert p.loc["indirect disorganization", "se"] == pytest.approx(lav.loc["ind", "se"], rel=0.15)
    assert "indirect disorganization" in apa(res).full_result


def test_persistence_count_negative_binomial():
    """The demo's persistence count on the goals (the study's persistence_count analysis) equals
    MASS::glm.nb run to convergence (demo.R)."""
    res = analysis.count_regression(D, "extra_tasks", GOALS, family="negative_binomial")
    ref = REF["persistence_nb"]
    rc = pd.DataFrame(ref["coefficients"])
    t = res.table()
    assert ["(Intercept)"] + list(t.term[1:]) == list(rc.term)
    for ours, theirs in [("estimate", "estimate"), ("se", "se"), ("statistic", "z"), ("p_val", "p_val"),
                         ("ci_low", "ci_low"), ("ci_high", "ci_high")]:
        assert_allclose(t[ours], rc[theirs], atol=1e-8, rtol=0, err_msg=ours)
    assert_allclose(t.rate_ratio, np.exp(rc.estimate), rtol=1e-8)
    assert res.n == ref["nobs"] == 396                                   # 4 rows lack a goal score
    assert res.theta == pytest.approx(ref["theta"], abs=1e-8)
    assert res.theta_se == pytest.approx(ref["theta_se"], abs=1e-6)   # MASS: SE at its last-but-one θ step
    assert res.deviance == pytest.approx(ref["deviance"], abs=1e-8)
    assert res.null_deviance == pytest.approx(ref["null_deviance"], abs=1e-8)
    assert res.loglik == pytest.approx(ref["loglik"], abs=1e-9)
    assert res.aic == pytest.approx(ref["aic"], abs=1e-9)
    # exp(0.135249706713114) from the R fit: 14 % more extra tasks per scale point of mastery-approach
    assert t.loc[t.term == "mastery_approach", "rate_ratio"].item() == pytest.approx(1.1448226185556476, abs=1e-8)

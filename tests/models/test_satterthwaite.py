"""Satterthwaite df, t and p of mixed_model's fixed effects against lmerTest
(tests/reference/models/mixed_satterthwaite.R → mixed_satterthwaite.json; data: lme4::sleepstudy,
nlme::Orthodont, nlme::MathAchieve)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from analysis.errors import DataError
from analysis.models import mixed_model

from .conftest import load_csv, load_json

R = load_json("mixed_satterthwaite.json")
SLEEP, ORTH, MATH = (load_csv("sleepstudy.csv"), load_csv("satterthwaite_orthodont.csv"),
                     load_csv("satterthwaite_mathachieve.csv"))
BOUNDARY = load_csv("satterthwaite_boundary.csv")
CASES = {
    "sleep_slopes_reml": (SLEEP, "Reaction ~ Days", "Subject", "~Days", True),
    "sleep_intercept_reml": (SLEEP, "Reaction ~ Days", "Subject", None, True),
    "orthodont_slopes_reml": (ORTH, "distance ~ age * female", "Subject", "~age", True),
    "orthodont_intercept_reml": (ORTH, "distance ~ age + female", "Subject", None, True),
    # the group variance is estimated at zero: lmerTest's df are then n - p (46), as OLS
    "boundary_intercept_reml": (BOUNDARY, "y ~ x", "g", None, True),
    "math_slopes_reml": (MATH, "MathAch ~ SES + minority + female + MEANSES", "School", "~SES", True),
    "sleep_slopes_ml": (SLEEP, "Reaction ~ Days", "Subject", "~Days", False),
    "orthodont_slopes_ml": (ORTH, "distance ~ age * female", "Subject", "~age", False),
}


@pytest.fixture(scope="module", params=list(CASES), ids=list(CASES))
def case(request):
    d, f, g, re, reml = CASES[request.param]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")       # the boundary fit warns that the optimiser stopped at 0
        return mixed_model(d, f, group=g, re_formula=re, reml=reml), R[request.param]


def test_satterthwaite_matches_lmertest(case):
    res, ref = case
    r = pd.DataFrame(ref["fixed"])
    s = res.satterthwaite
    assert list(s.columns) == ["term", "estimate", "se", "statistic", "df", "p_val", "ci_low", "ci_high"]
    assert ["(Intercept)"] + list(s.term[1:]) == list(r.term)
    # measured over the 7 fits: max |Δdf|/df = 6.8e-7 (lmerTest's numDeriv Hessian and Jacobian; our
    # df are closed-form, e.g. exactly 17 where lmerTest prints 16.999998), max |Δp| = 1.3e-8
    assert_allclose(s.df, r.df, rtol=1e-6, atol=0)
    assert_allclose(s.p_val, r.p_val, atol=1e-6, rtol=0)
    # max |Δt| = 1.9e-6 at t = 36.8 (relative 5e-8): the REML criterion is flat to 1e-13 over the
    # variance components' last digits, where two R optimisers (bobyqa, nloptwrap) differ by 1.5e-4
    assert_allclose(s.statistic, r.t, rtol=1e-7, atol=1e-6)
    assert_allclose(s.se, r.se, atol=1e-6, rtol=0)     # measured max 3.5e-7 (sleepstudy slopes)
    q = stats.t.ppf(0.975, s.df)
    assert_allclose(s.ci_high, s.estimate + q * s.se, rtol=1e-12)
    # beside the Wald z of the same fit
    assert_allclose(s.statistic, res.fixed_effects.z, rtol=1e-12)


def test_balanced_designs_give_exact_integer_df():
    # random slopes in sleepstudy: df = number of subjects - 1 for both effects (lmerTest: 16.999998)
    res = mixed_model(SLEEP, "Reaction ~ Days", group="Subject", re_formula="~Days")
    # (the exact df hold at the exact optimum; our optimum gives them to 2e-8)
    assert_allclose(res.satterthwaite.df, [17, 17], atol=1e-7)
    # random intercepts: the within-subject slope has the residual df of the ANOVA, 180 - 18 - 1
    ri = mixed_model(SLEEP, "Reaction ~ Days", group="Subject")
    assert ri.satterthwaite.df.iloc[1] == pytest.approx(161, abs=1e-7)


def test_ddf_none_and_bad_value():
    res = mixed_model(SLEEP, "Reaction ~ Days", group="Subject", ddf=None)
    assert res.satterthwaite is None
    with pytest.raises(DataError, match="ddf must be 'satterthwaite' or None"):
        mixed_model(SLEEP, "Reaction ~ Days", group="Subject", ddf="kenward-roger")

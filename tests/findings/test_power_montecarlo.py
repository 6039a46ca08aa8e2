"""Monte Carlo power for mediation and moderation.

References: plain per-replication R loops (tests/reference/findings/power_montecarlo.R → .csv); the
powers are compared within 3 combined Monte Carlo SEs (the two runs use different random numbers).
The batched pieces are checked against straightforward computations on the same inputs.
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.errors import GoalscopeError
from analysis.findings.power import power_regression
from analysis.findings.mediation_power import _boot_ci, _mediation_ols, _type7, power_mediation
from analysis.findings.power_montecarlo import _moderation_ols, power_moderation
from messages import says

REF = pd.read_csv(Path(__file__).resolve().parents[1] / "reference" / "findings" / "power_montecarlo.csv")


def _ref(case):
    row = REF[REF.case == case].iloc[0]
    return row.power, row.se


def _within(res, p_ref, se_ref, k=3.0):
    return abs(res.power - p_ref) <= k * math.sqrt(res.se ** 2 + se_ref ** 2)


# --- the batched pieces ---------------------------------------------------------------------
def test_batched_mediation_ols_equals_statsmodels():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 60))
    m = 0.4 * x + rng.standard_normal((4, 60))
    y = 0.2 * x + 0.3 * m + rng.standard_normal((4, 60))
    est = _mediation_ols(x, m, y)
    for i in range(4):
        f1 = sm.OLS(m[i], sm.add_constant(x[i])).fit()
        f2 = sm.OLS(y[i], sm.add_constant(np.column_stack([x[i], m[i]]))).fit()
        np.testing.assert_allclose([est["a"][i], est["se_a"][i]], [f1.params[1], f1.bse[1]], rtol=0, atol=1e-12)
        np.testing.assert_allclose([est["c_prime"][i], est["b"][i], est["se_b"][i]],
                                   [f2.params[1], f2.params[2], f2.bse[2]], rtol=0, atol=1e-12)


def test_batched_moderation_ols_equals_statsmodels():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((3, 80))
    w = rng.standard_normal((3, 80))
    y = 0.3 * x + 0.2 * w + 0.25 * x * w + rng.standard_normal((3, 80))
    b, se = _moderation_ols(x, w, y)
    for i in range(3):
        fit = sm.OLS(y[i], sm.add_constant(np.column_stack([x[i], w[i], x[i] * w[i]]))).fit()
        assert b[i] == pytest.approx(fit.params[3], abs=1e-12)
        assert se[i] == pytest.approx(fit.bse[3], abs=1e-12)


@pytest.mark.parametrize("p", [0.025, 0.975, 0.05, 0.5, 0.1234])
def test_selection_quantile_equals_type7(p):
    v = np.random.default_rng(1).standard_normal((5, 1001))
    np.testing.assert_allclose(_type7(v, p), np.quantile(v, p, axis=1), rtol=0, atol=1e-15)
    np.testing.assert_allclose(-_type7(-v, 1 - p), np.quantile(v, p, axis=1), rtol=0, atol=1e-15)


def test_type7_against_r_quantile():
    # R: quantile(c(3, 1, 4, 1, 5, 9, 2, 6), c(.025, .975)) -> 1.000 8.475
    v = np.array([[3, 1, 4, 1, 5, 9, 2, 6]], float)
    assert _type7(v, 0.025)[0] == pytest.approx(1.0, abs=1e-12)
    assert -_type7(-v, 0.025)[0] == pytest.approx(8.475, abs=1e-12)


@pytest.mark.parametrize("n_draws", [200, 1000])
def test_sign_count_decisions_equal_the_ci_limits(n_draws):
    # few draws make the boundary case (exactly k + 1 negative products) frequent
    fast = power_mediation(0.2, 0.2, n=120, n_rep=600, n_draws=n_draws, seed=11, progress=False)
    full = power_mediation(0.2, 0.2, n=120, n_rep=600, n_draws=n_draws, seed=11, progress=False, ci_limits=True)
    r = full.replications
    assert (r.reject == ((r.ci_low > 0) | (r.ci_high < 0))).all()
    assert (fast.replications.reject == r.reject).all()
    assert fast.replications.ci_low.notna().sum() > 0        # boundary cases occurred and were computed


def test_bootstrap_ci_equals_a_plain_resampling_loop():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((1, 40))
    m = 0.5 * x + rng.standard_normal((1, 40))
    y = 0.4 * m + rng.standard_normal((1, 40))
    low, high = _boot_ci(np.random.default_rng(99), x, m, y, 300, 0.95)
    idx = np.random.default_rng(99).integers(0, 40, size=(300, 40), dtype=np.int16)
    ab = []
    for i in idx:
        a = np.polyfit(x[0, i], m[0, i], 1)[0]
        X = np.column_stack([np.ones(40), x[0, i], m[0, i]])
        b = np.linalg.lstsq(X, y[0, i], rcond=None)[0][2]
        ab.append(a * b)
    np.testing.assert_allclose([low[0], high[0]], np.quantile(ab, [0.025, 0.975]), rtol=0, atol=1e-10)


# --- powers against the R loops -------------------------------------------------------------
@pytest.mark.parametrize("a,b,cp,n,seed", [(0.2, 0.2, 0.0, 200, 1), (0.3, 0.15, 0.1, 150, 2)])
def test_mediation_power_equals_r_loop_within_mc_error(a, b, cp, n, seed):
    res = power_mediation(a, b, c_prime=cp, n=n, n_rep=2000, seed=seed, progress=False)
    p_ref, se_ref = _ref(f"a={a:g};b={b:g};c_prime={cp:g};n={n}")
    assert _within(res, p_ref, se_ref)
    assert res.se == pytest.approx(math.sqrt(res.power * (1 - res.power) / 2000), abs=1e-15)


def test_percentile_bootstrap_power_agrees_with_monte_carlo_ci():
    boot = power_mediation(0.3, 0.3, n=80, n_rep=300, n_draws=500, ci_method="percentile", seed=4, progress=False)
    mc = power_mediation(0.3, 0.3, n=80, n_rep=3000, n_draws=2000, seed=5, progress=False)
    assert abs(boot.power - mc.power) <= 3 * math.sqrt(boot.se ** 2 + mc.se ** 2)
    assert boot.replications.ci_low.notna().all()


@pytest.mark.parametrize("bxw,bx,bw,rxw,n,seed", [(0.15, 0.3, 0.2, 0.3, 300, 1), (0.1, 0.0, 0.0, 0.0, 400, 2)])
def test_moderation_power_equals_r_loop_and_pwr_within_mc_error(bxw, bx, bw, rxw, n, seed):
    res = power_moderation(bxw, n, b_x=bx, b_w=bw, r_xw=rxw, n_rep=4000, seed=seed, progress=False)
    p_ref, se_ref = _ref(f"b_xw={bxw:g};b_x={bx:g};b_w={bw:g};r_xw={rxw:g};n={n}")
    assert _within(res, p_ref, se_ref)
    if rxw == 0:
        # the fixed-predictor F power (pwr.f2.test) fits random normal x, w only while x·w is not
        # skewed by a correlation of x and w; with r_xw = .3 the R loop and we both sit ~.02 below it
        r2 = bx ** 2 + bw ** 2 + bxw ** 2
        analytic = power_regression(f2=bxw ** 2 / (1 - r2), u=1, n=n).power
        assert abs(res.power - analytic) <= 3 * res.se


# --- protocol, seeds, errors ----------------------------------------------------------------
def test_same_seed_same_numbers_and_protocol():
    r1 = power_mediation(0.25, 0.25, n=100, n_rep=120, n_draws=1000, seed=7, progress=False)
    r2 = power_mediation(0.25, 0.25, n=100, n_rep=120, n_draws=1000, seed=7, progress=False)
    pd.testing.assert_frame_equal(r1.replications, r2.replications)
    t = r1.table()
    assert list(t.columns[:7]) == ["test", "estimate", "se", "ci_low", "ci_high", "n", "n_rep"]
    assert t.estimate.iloc[0] == r1.power and r1.seed == 7 and r1.options["n_draws"] == 1000
    assert "MASS::mvrnorm(1000" in r1.r_call
    assert f"power to detect the indirect effect" in r1.apa().full_result
    assert len(r1.replications) == 120 and r1.n == 100
    fresh = power_mediation(0.25, 0.25, n=50, n_rep=20, n_draws=200, progress=False)   # seed=None: stated
    again = power_mediation(0.25, 0.25, n=50, n_rep=20, n_draws=200, progress=False, seed=fresh.seed)
    assert isinstance(fresh.seed, int) and again.power == fresh.power
    pd.testing.assert_frame_equal(again.replications, fresh.replications)


@pytest.mark.parametrize("kwargs,text", [
    ({"a": 1.2, "b": 0.2}, "strictly between -1 and 1"),
    ({"a": 0.2, "b": 0.9, "c_prime": 0.5}, "explain"),
    ({"a": 0.2, "b": 0.2, "ci_method": "bca"}, "ci_method"),
    ({"a": 0.2, "b": 0.2, "n": 3}, "at least 4"),
    ({"a": 0.2, "b": 0.2, "level": 95}, "confidence level"),
    ({"a": 0.2, "b": 0.2, "n_draws": 10}, "n_draws"),
    ({"a": 0.2, "b": 0.2, "seed": 1.5}, "seed"),
])
def test_bad_arguments_are_clear_errors(kwargs, text):
    with pytest.raises(GoalscopeError, match=text):
        power_mediation(**kwargs)


def test_moderation_bad_arguments():
    with pytest.raises(GoalscopeError, match="explain"):
        power_moderation(0.9, 100, b_x=0.5)
    with pytest.raises(GoalscopeError, match="significance level"):
        power_moderation(0.1, 100, alpha=5)


def test_progress_bar_only_when_asked_or_on_a_terminal(capsys):
    power_mediation(0.2, 0.2, n=50, n_rep=40, n_draws=200, seed=1, progress=True)
    assert says(capsys.readouterr().err, "power_mediation (monte_carlo)")
    power_mediation(0.2, 0.2, n=50, n_rep=40, n_draws=200, seed=1)          # stderr is not a terminal here
    power_moderation(0.2, 50, n_rep=40, seed=1, progress=False)
    assert capsys.readouterr().err == ""

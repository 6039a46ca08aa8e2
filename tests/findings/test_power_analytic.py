"""Analytic power: the result protocol, clear errors, and agreement with simulation."""

import math

import numpy as np
import pytest
from scipy import stats

from analysis.errors import GoalscopeError
from analysis.findings.power import (power_correlation, power_correlation_difference, power_regression,
                                     sample_size_table)


@pytest.mark.parametrize("r,n", [(0.18, 240), (0.3, 80), (-0.25, 120)])
def test_monte_carlo_power_of_a_correlation_agrees_with_the_analytic_value(r, n):
    # 4000 studies of n pairs with correlation r (elementwise draws), two-sided t test of r at .05
    rng = np.random.default_rng(2026)
    n_rep = 4000
    x = rng.standard_normal((n_rep, n))
    y = r * x + math.sqrt(1 - r * r) * rng.standard_normal((n_rep, n))
    xc = x - x.mean(1, keepdims=True)
    yc = y - y.mean(1, keepdims=True)
    rr = (xc * yc).sum(1) / np.sqrt((xc ** 2).sum(1) * (yc ** 2).sum(1))
    t = rr * np.sqrt((n - 2) / (1 - rr ** 2))
    mc = np.mean(2 * stats.t.sf(np.abs(t), n - 2) < 0.05)
    analytic = power_correlation(r=r, n=n).power
    se = math.sqrt(analytic * (1 - analytic) / n_rep)
    assert abs(mc - analytic) <= 3 * se


def test_solving_round_trips():
    n = power_correlation(r=0.2, power=0.85).n_exact
    assert power_correlation(r=0.2, n=n).power == pytest.approx(0.85, abs=1e-10)
    r = power_correlation(n=150, power=0.8, alternative="greater").estimate
    assert power_correlation(r=r, n=150, alternative="greater").power == pytest.approx(0.8, abs=1e-10)
    f2 = power_regression(u=2, n=120, power=0.9).estimate
    assert power_regression(f2=f2, u=2, n=120).power == pytest.approx(0.9, abs=1e-10)


def test_two_sided_uses_the_size_of_r_and_less_mirrors_greater():
    assert power_correlation(r=-0.2, n=100).power == pytest.approx(power_correlation(r=0.2, n=100).power, abs=1e-15)
    assert power_correlation(r=-0.2, n=100, alternative="less").power == pytest.approx(
        power_correlation(r=0.2, n=100, alternative="greater").power, abs=1e-15)


def test_protocol():
    res = power_correlation(r=-0.18, power=0.8)
    assert res.n_required == 240 and res.solved_for == "n" and res.seed is None
    t = res.table()
    assert t.loc[0, ["test", "effect", "solved_for", "alternative"]].tolist() == ["correlation", "r", "n", "two-sided"]
    assert t.loc[0, "n"] == res.n_exact and res.n == res.n_required and t.loc[0, "estimate"] == -0.18
    assert res.summary().equals(t)
    assert res.apa().full_result == ("To detect r = −.18 with power .80 in a two-tailed test at α = .05, "
                                     "N = 240 respondents are needed.")
    assert res.r_call == 'pwr::pwr.r.test(r = -0.18, sig.level = 0.05, power = 0.8, alternative = "two.sided")'
    assert res.options == {"r": -0.18, "n": None, "power": 0.8, "alpha": 0.05, "alternative": "two-sided"}
    reg = power_regression(f2=0.02, u=1, n=400)
    assert reg.r_call == "pwr::pwr.f2.test(u = 1, v = 398, f2 = 0.02, sig.level = 0.05)  # n = v + u + 1"
    assert "With N = 400" in reg.apa().full_result
    diff = power_correlation_difference(0.3, 0.1, power=0.8)
    assert "per group" in diff.apa().full_result and diff.table().loc[0, "n1"] == diff.n_exact


def test_sample_size_table():
    t = sample_size_table(-0.18, label="map-depression")
    assert t["n_required"].tolist() == [240, 320, 395]
    assert t["power"].tolist() == [0.8, 0.9, 0.95]
    # pwr.r.test(r = -.18, power = .8 / .9 / .95): 239.1141, 319.3755, 394.4706
    np.testing.assert_allclose(t["n"], [239.114114135313, 319.375445632423, 394.470606785599], rtol=0, atol=1e-6)


@pytest.mark.parametrize("call,text", [
    (lambda: power_correlation(r=0.2), "exactly one of r, n, power"),
    (lambda: power_correlation(r=0.2, n=100, power=0.8), "exactly one"),
    (lambda: power_correlation(r=1.2, n=100), "strictly between -1 and 1"),
    (lambda: power_correlation(r=0.2, n=3), "at least 4"),
    (lambda: power_correlation(r=0.2, power=1.5), "between 0 and 1"),
    (lambda: power_correlation(r=0.2, n=50, alpha=5), "significance level"),
    (lambda: power_correlation(r=0.2, n=50, alternative="two.sided"), "two-sided, greater, less"),
    (lambda: power_correlation(n=10, power=0.01), "no r in"),
    (lambda: power_regression(f2=-0.1, n=50), "cannot be negative"),
    (lambda: power_regression(f2=0.1, u=0, n=50), "u=0: the number of tested predictors"),
    (lambda: power_regression(f2=0.1, u=3, n=4), "at least 5"),
    (lambda: power_correlation_difference(0.3, 0.1), "either n1"),
    (lambda: power_correlation_difference(0.3, 0.1, n1=2), "at least 4"),
    (lambda: power_correlation_difference(0.3, 0.1, n2=50, power=0.8), "leave n1 and n2"),
])
def test_bad_arguments_are_clear_errors(call, text):
    with pytest.raises(GoalscopeError, match=text):
        call()


@pytest.mark.parametrize("res", [power_correlation(r=0.25, power=0.8), power_regression(f2=0.05, u=2, n=150),
                                 power_correlation_difference(0.4, 0.1, n1=80, n2=120),
                                 power_correlation_difference(0.4, 0.1, power=0.9)])
def test_power_curve_figure(res, tmp_path):
    x_now = res.extra["n1"] if res.test == "correlation difference" else res.n_exact
    assert res.power_at(x_now)[0] == pytest.approx(res.power, abs=1e-12)
    fig = res.figure()
    assert fig.axes[0].get_xlabel() in ("N", "N per group")
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    res.figure(a)
    res.figure(b)
    assert a.read_bytes() == b.read_bytes()


def test_correlation_power_is_pingouins_where_pingouin_answers():
    """Issue 20 asked whether pingouin's power_corr follows pwr: it does for n > 4 (to 1e-15); at n = 4,
    which pwr.r.test accepts, pingouin gives NaN, so goalscope keeps pwr's formula in one place."""
    import warnings

    import pingouin

    from analysis.findings.power import _r_power

    for alternative in ("two-sided", "greater", "less"):
        for n in (5, 10, 37, 240, 5000):
            for r in (-0.5, -0.18, 0.05, 0.3, 0.8):
                ours = _r_power(n, r, 0.05, alternative)
                assert abs(ours - pingouin.power_corr(r=r, n=n, alpha=0.05, alternative=alternative)) <= 1e-15
    with warnings.catch_warnings(record=True):
        assert np.isnan(pingouin.power_corr(r=0.5, n=4))
    # and pwr's value at n = 4 (tests/reference/findings/power_pwr.csv, checked by test_power_reference)
    assert abs(_r_power(4, 0.5, 0.05, "two-sided") - 0.122098248892593) <= 1e-12

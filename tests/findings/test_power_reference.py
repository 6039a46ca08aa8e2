"""Analytic power against pwr 1.3 (tests/reference/findings/power_pwr.R → power_pwr.csv).

Powers are pwr's own values, asserted to 1e-9: the correlation and normal powers agree to ~1e-16, the
noncentral F powers to ~2e-10 (R's pnbeta promises errmax 1e-9; scipy uses Boost's algorithm). For solved quantities the file stores pwr's printed
answer (uniroot at its default tolerance, good to ~1e-4) and ``converged``, the root of pwr's own
power function to 1e-12: goalscope must equal the converged root to 1e-6 (observed ≤ 4e-7, the F case; 1e-9 for r) and pwr's printed answer
within pwr's root-finder tolerance (1.3e-4, R's uniroot default .Machine$double.eps^0.25 = 1.22e-4).
"""

from pathlib import Path

import pandas as pd
import pytest

from analysis.findings.power import power_correlation, power_correlation_difference, power_regression

REF = pd.read_csv(Path(__file__).resolve().parents[1] / "reference" / "findings" / "power_pwr.csv",
                  dtype={"value": float, "converged": float})
ALT = {"two.sided": "two-sided", "greater": "greater", "less": "less"}


def _args(text):
    out = {}
    for part in text.split(";"):
        k, v = part.split("=")
        out[k] = ALT[v] if k == "alternative" else float(v)
    return out


def _cases(fun):
    sub = REF[REF.fun == fun]
    return [pytest.param(row, id=row.case) for row in sub.itertuples()]


def _check(got, row):
    if row.solve == "power":
        assert got == pytest.approx(row.value, abs=1e-9)
    else:
        assert got == pytest.approx(row.converged, abs=1e-6)
        assert abs(got - row.value) <= 1.3e-4


def test_reference_file_complete():
    assert len(REF) == 71
    assert set(REF.fun) == {"pwr.r.test", "pwr.f2.test", "q.hand", "q.norm"}


@pytest.mark.parametrize("row", _cases("pwr.r.test"))
def test_correlation_equals_pwr_r_test(row):
    a = _args(row.args)
    kw = {"alpha": a["alpha"], "alternative": a["alternative"]}
    if row.solve == "power":
        res = power_correlation(r=a["r"], n=a["n"], **kw)
        got = res.power
    elif row.solve == "n":
        res = power_correlation(r=a["r"], power=a["power"], **kw)
        got = res.n_exact
    else:
        res = power_correlation(n=a["n"], power=a["power"], **kw)
        got = res.estimate
    assert res.solved_for == row.solve
    _check(got, row)


@pytest.mark.parametrize("row", _cases("pwr.f2.test"))
def test_regression_equals_pwr_f2_test(row):
    a = _args(row.args)
    u = int(a["u"])
    if row.solve == "power":
        got = power_regression(f2=a["f2"], u=u, n=a["v"] + u + 1, alpha=a["alpha"]).power
    elif row.solve == "v":
        res = power_regression(f2=a["f2"], u=u, power=a["power"], alpha=a["alpha"])
        assert res.n_exact == pytest.approx(res.extra["v"] + u + 1, abs=1e-12)
        got = res.extra["v"]
    else:
        got = power_regression(u=u, n=a["v"] + u + 1, power=a["power"], alpha=a["alpha"]).estimate
    _check(got, row)


@pytest.mark.parametrize("row", _cases("q.hand"))
def test_difference_power_equals_hand_formula_and_pwr_norm_test(row):
    a = _args(row.args)
    res = power_correlation_difference(a["r1"], a["r2"], n1=a["n1"], n2=a["n2"], alpha=a["alpha"],
                                       alternative=a["alternative"])
    assert res.power == pytest.approx(row.value, abs=1e-10)       # hand formula in R
    assert res.power == pytest.approx(row.converged, abs=1e-10)   # pwr.norm.test
    assert res.n_exact == a["n1"] + a["n2"]


@pytest.mark.parametrize("row", _cases("q.norm"))
def test_difference_n_per_group_equals_pwr_norm_test(row):
    a = _args(row.args)
    res = power_correlation_difference(a["r1"], a["r2"], power=a["power"], alpha=a["alpha"],
                                       alternative=a["alternative"])
    _check(res.n_exact, row)
    assert res.extra["n1"] == res.extra["n2"] == res.n_exact

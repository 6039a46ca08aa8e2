"""regression / hierarchical_regression / logistic_regression against lm, anova, sandwich HC3,
car::vif and glm (tests/reference/models/regression.R) on psychTools bfi scale scores."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.errors import DataError
from analysis.formatting.apa import apa
from analysis.models import hierarchical_regression, logistic_regression, regression

from .conftest import load_csv, load_json

REF = load_json("regression_bfi.json")
BFI = load_csv("bfi_scales.csv")
D = BFI.dropna(subset=["N", "A", "C", "E", "O", "age", "gender", "education"])
X = ["age", "gender", "A", "C", "E", "O"]


def _cmp(ours, ref, stat="t"):
    ref = pd.DataFrame(ref)
    ref["term"] = ref.term.str.replace("(Intercept)", "Intercept")
    ref = ref.set_index("term").loc[list(ours.term)]          # same terms (R may order them differently)
    assert len(ref) == len(ours)
    for c in ["estimate", "se", "ci_low", "ci_high"]:
        assert_allclose(ours[c], ref[c], atol=1e-9, rtol=0, err_msg=c)
    assert_allclose(ours[stat], ref[stat], atol=1e-8, rtol=0)
    assert_allclose(ours.p_val, ref.p_val, rtol=1e-7, atol=1e-300)


def test_ols_matches_lm():
    res = regression(D, "N", X)
    o = REF["ols"]
    _cmp(res.coefficients, o["coef"])
    assert_allclose(res.coefficients.beta.iloc[1:], o["beta"], atol=1e-9)
    assert res.n == o["n"] == 2577
    for ours, ref in [(res.r2, "r2"), (res.adj_r2, "adj_r2"), (res.f, "f"), (res.f_p_val, "f_p")]:
        assert ours == pytest.approx(o[ref], abs=1e-10, rel=1e-9), ref
    assert (res.df_model, res.df_resid) == (o["df1"], o["df2"])
    assert_allclose(res.vif.vif, [o["vif"][t] for t in res.vif.term], atol=1e-9)


def test_hc3_matches_sandwich():
    res = regression(D, "N", X, hc3=True)
    _cmp(res.coefficients, REF["ols"]["hc3"])


def test_formula_with_interaction():
    res = regression(D, formula="N ~ E * C + age")
    _cmp(res.coefficients, REF["interaction"]["coef"])
    assert res.r2 == pytest.approx(REF["interaction"]["r2"], abs=1e-12)


def test_hierarchical_matches_anova():
    h = hierarchical_regression(BFI.dropna(subset=["education"]), "N", [["age", "gender"], ["A", "C", "E", "O"]])
    r = REF["ols"]["hier"]
    s = h.steps
    assert list(s.columns) == ["step", "predictors", "r2", "adj_r2", "delta_r2", "f_change", "df1", "df2", "p_val"]
    assert s.r2.tolist() == pytest.approx([r["r2_1"], r["r2_2"]], abs=1e-12)
    assert s.delta_r2.iloc[1] == pytest.approx(r["delta_r2"], abs=1e-12)
    assert s.f_change.iloc[1] == pytest.approx(r["f_change"], abs=1e-8)
    assert (s.df1.iloc[1], s.df2.iloc[1]) == (r["df1"], r["df2"])
    assert s.p_val.iloc[1] == pytest.approx(r["p_change"], rel=1e-7)
    assert s.f_change.iloc[0] == pytest.approx(r["f_1"], abs=1e-8)     # step 1: ΔR² vs the empty model
    assert s.p_val.iloc[0] == pytest.approx(r["p_1"], rel=1e-7)
    assert "ΔR² = " in apa(h).full_result


def test_logistic_matches_glm():
    d = D.assign(high_n=(D.N >= 4).astype(int))
    g = REF["logistic"]
    for res in (logistic_regression(d, "high_n", ["E", "C", "age", "gender"]),
                logistic_regression(D, "N", ["E", "C", "age", "gender"], threshold=4)):
        _cmp(res.coefficients, g["coef"], stat="z")
        assert res.n == g["n"]
        assert res.lr_chi2 == pytest.approx(g["lr_chi2"], abs=1e-8)
        assert res.lr_p_val == pytest.approx(g["lr_p"], rel=1e-7)
        assert res.aic == pytest.approx(g["aic"], abs=1e-8)
        assert res.mcfadden_r2 == pytest.approx(g["mcfadden"], abs=1e-10)
        assert res.nagelkerke_r2 == pytest.approx(g["nagelkerke"], abs=1e-10)
        assert_allclose(res.coefficients.odds_ratio, np.exp(pd.DataFrame(g["coef"]).estimate), rtol=1e-9)


def test_apa_text_and_table():
    res = regression(D, "N", X)
    a = apa(res)
    assert a.statistic.startswith("F(6, 2570) = ")
    assert list(a.table.columns) == ["Predictor", "b", "SE", "95% CI", "β", "t", "p"]
    assert a.table.loc[3, "β"] == f"{res.coefficients.beta[3]:.2f}".replace("-0.", "−.")
    assert "HC3" in regression(D, "N", X, hc3=True).apa().full_result


def test_missing_rows_listed():
    res = regression(BFI, "N", ["A", "education"])
    assert res.n + len(res.excluded) == len(BFI)
    assert res.excluded.reason.str.contains("education").all()


@pytest.mark.parametrize("kwargs, msg", [
    (dict(y="N", x=["A", "zz"]), "'zz' are not in the data"),
    (dict(y="N", x=["N"]), "holds 'N', which is the outcome too"),
    (dict(y="N"), "either as x"),
    (dict(y="N", x=["A", "A2"]), "perfectly collinear"),
])
def test_bad_input(kwargs, msg):
    d = BFI.assign(A2=BFI.A * 2)
    with pytest.raises(DataError, match=msg):
        regression(d, **kwargs)


def test_logistic_needs_two_values():
    with pytest.raises(DataError, match="exactly two values"):
        logistic_regression(BFI, "N", ["A"])

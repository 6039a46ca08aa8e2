"""correlations / partial_correlation against base R cor.test, psych corr.test / partial.r / corr.p
and lm t values (tests/reference/models/correlations.R) on psych sat.act and psychTools bfi."""

import pytest
from numpy.testing import assert_allclose

from analysis.errors import DataError
from analysis.formatting.apa import apa
from analysis.models import correlations, partial_correlation

from .conftest import load_csv

SAT = load_csv("sat_act.csv")
BFI = load_csv("bfi_scales.csv")
ZO = load_csv("correlations_zero_order.csv")
PC = load_csv("correlations_partial.csv")
DESC = load_csv("correlations_descriptives.csv")
SETS = {"sat": (SAT, ["age", "ACT", "SATV", "SATQ"]), "bfi": (BFI, ["A", "C", "E", "N", "O"])}


@pytest.mark.parametrize("set_", ["sat", "bfi"])
@pytest.mark.parametrize("method", ["pearson", "spearman"])
@pytest.mark.parametrize("padjust, col", [("holm", "p_holm"), ("bonferroni", "p_bonferroni"), ("fdr_bh", "p_bh")])
def test_zero_order_matches_r(set_, method, padjust, col):
    data, cols = SETS[set_]
    ref = ZO[(ZO.set == set_) & (ZO.method == method)].reset_index(drop=True)
    long = correlations(data, cols, method=method, padjust=padjust).long
    assert list(long.x) == list(ref.x) and list(long.y) == list(ref.y)
    assert list(long.n) == list(ref.n) and list(long.df) == list(ref.df)
    for c in ["r", "ci_low", "ci_high", "p_val"]:
        assert_allclose(long[c], ref[c], atol=1e-9, rtol=0, err_msg=c)
    assert_allclose(long.p_val, ref.p_val, rtol=1e-7, atol=0)   # tiny p values too
    assert_allclose(long.p_adj, ref[col], rtol=1e-7, atol=1e-300)


@pytest.mark.parametrize("i", range(6))
def test_partial_matches_r(i):
    ref = PC.iloc[i]
    data = SAT if ref.set == "sat" else BFI
    covar = ref.covar.split("+")
    out = partial_correlation(data, ref.x, ref.y, covar=covar, method=ref.method).table().iloc[0]
    assert out.n == ref.n and out.k == ref.k == len(covar)
    assert out.df == ref.df == ref.n - 2 - len(covar)          # pingouin #171 cannot happen
    for ours, c in [("estimate", "r"), ("ci_low", "ci_low"), ("ci_high", "ci_high"), ("statistic", "t")]:
        assert out[ours] == pytest.approx(ref[c], abs=1e-9), c
    assert out.statistic == pytest.approx(ref.t_lm, abs=1e-8)           # = lm t value of x in y ~ x + covar
    assert out.p_val == pytest.approx(ref.p_val, rel=1e-7)


def test_partial_table_uses_df_with_covariates():
    ref = PC[(PC.set == "bfi") & (PC.x == "N") & (PC.y == "E")].iloc[0]
    ct = correlations(BFI, ["E", "N"], covar=["age", "gender"])
    row = ct.long.iloc[0]
    assert row.df == 2796 and row.k == 2
    assert row.r == pytest.approx(ref.r, abs=1e-9)
    assert row.p_val == pytest.approx(ref.p_val, rel=1e-7)
    assert "df = n − 2 − 2" in ct.note


def test_descriptives_and_apa_table():
    alphas = dict(zip(DESC.variable, DESC.alpha))
    ct = correlations(BFI, ["A", "C", "E", "N", "O"], reliabilities=alphas)
    d = ct.descriptives
    assert_allclose(d["mean"], DESC["mean"], atol=1e-9)
    assert_allclose(d["sd"], DESC["sd"], atol=1e-9)
    assert list(d.n) == list(DESC.n)
    t = ct.apa_table()
    assert list(t.columns) == ["Variable", "M", "SD", "1", "2", "3", "4", "5"]
    assert ct.apa().table.equals(t)
    assert t.loc[0, "1"] == "(.70)" and t.loc[4, "5"] == "(.60)"
    r_ac = ct.long.query("x == 'A' and y == 'C'").r.iloc[0]
    assert t.loc[1, "1"] == f"{r_ac:.2f}".replace("0.", ".") + "***"
    assert t.loc[0, "2"] == ""
    md = ct.to_markdown(show_ci=True)
    assert md.startswith("| Variable | M | SD | 1 |") and "Cronbach's α" in md
    assert "<table" in ct.to_html()
    a = apa(ct)
    assert a.full_result.startswith("A–C: r(2798) = ")


def test_html_written_atomically(tmp_path):
    ct = correlations(SAT, ["ACT", "SATQ"])
    p = tmp_path / "corr.html"
    text = ct.to_html(p)
    assert p.read_text() == text


def test_listwise_uses_one_sample():
    ct = correlations(SAT, ["age", "ACT", "SATQ"], nan_policy="listwise")
    assert set(ct.long.n) == {687}


@pytest.mark.parametrize("kwargs, msg", [
    (dict(columns=["ACT"]), "at least two"),
    (dict(columns=["ACT", "nope"]), "'nope' are not in the data"),
    (dict(columns=["ACT", "SATQ"], method="kendall"), "not supported"),
    (dict(columns=["ACT", "SATQ"], padjust="sidak"), "padjust"),
    (dict(columns=["ACT", "SATQ"], covar="ACT"), "both a variable and a covariate"),
    (dict(columns=["ACT", "SATQ"], reliabilities={"SATV": .8}), "gives a reliability for 'SATV'"),
])
def test_bad_input(kwargs, msg):
    with pytest.raises(DataError, match=msg):
        correlations(SAT, **kwargs)


def test_collinear_covariate_raises():
    d = SAT.assign(act2=SAT.ACT * 2 + 1)
    with pytest.raises(DataError, match="linear function of the covariates"):
        partial_correlation(d, "ACT", "SATQ", covar=["act2"])


def test_too_few_rows():
    with pytest.raises(DataError, match="too few"):
        partial_correlation(SAT.head(5), "ACT", "SATQ", covar=["age", "education"])

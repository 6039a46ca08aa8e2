"""Weighted statistics with replicate weights and plausible values (analysis/models/survey_weights.py).

References: tests/reference/weights/weights.R (R survey::svrepdesign + svymean/svyvar/withReplicates/
svyglm, mitools::MIcombine) on the shipped PISA-shaped demo (Fay k = 0.5 with its 80 replicate
weights; JK2 with jackknife weights made from its variance zones), and api_fay.R on survey's own
apistrat data with Fay replicate weights survey made. Every reported number equals R's to 1e-10
(relative; absolute for numbers below 1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import read_responses
from analysis.datasets import read_dataset
from analysis.errors import DataError
from analysis.models import (replicate_design, weighted_correlations, weighted_descriptives,
                             weighted_regression)
from analysis.models.survey_variance import rubin
from tests.conftest import REFERENCE
from tests.messages import assert_says
from tests.protocol import assert_protocol

REF = REFERENCE / "weights"
PV = {"MATH": "PV{n}MATH"}
COLUMNS = ["estimate", "se", "ci_low", "ci_high", "statistic", "df", "p_val", "n"]
MODELS = [("MASTGOAL", ["GFOFAIL", "COMPETE", "female"], "gaussian"),
          ("MATH", ["MASTGOAL", "GFOFAIL", "COMPETE", "ESCS"], "gaussian"),
          ("EXPECT_UNI", ["ESCS", "MASTGOAL", "female"], "logistic"),
          ("EXPECT_UNI", ["MATH", "ESCS", "MASTGOAL"], "logistic")]


def same(ours: pd.DataFrame, ref: pd.DataFrame, columns) -> None:
    """Equal to 1e-10 (relative, absolute below 1), NaN where R has NA."""
    assert len(ours) == len(ref)
    for c in columns:
        a, b = ours[c].to_numpy(float), ref[c].to_numpy(float)
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10, equal_nan=True, err_msg=c)


@pytest.fixture(scope="module")
def pisa():
    d = read_dataset("pisa_demo")
    # JK2 weights as tests/reference/weights/weights.R makes them: in replicate h the first school of
    # zone h counts twice, the second not at all (exact in floating point: × 2, × 0, × 1)
    first = (d["CNTSCHID"].str[3:].astype(int) % 2 == 1).to_numpy()
    jk2 = {f"JK2W{h}": d["W_FSTUWT"] * np.where(d["ZONE"] == h, np.where(first, 2.0, 0.0), 1.0)
           for h in range(1, 81)}
    out = pd.concat([d, pd.DataFrame(jk2)], axis=1)
    out.attrs.update(d.attrs)        # the file and its first row, for the messages
    return out


@pytest.fixture(scope="module")
def ref():
    return pd.read_csv(REF / "weights_pisa_demo.csv")


DESIGNS = {"fay": {"weight": "W_FSTUWT", "replicate_weights": "W_FSTURWT{n}", "method": "fay", "fay_k": 0.5},
           "jk2": {"weight": "W_FSTUWT", "replicate_weights": "JK2W{n}", "method": "jk2"}}


@pytest.mark.parametrize("design", ["fay", "jk2"])
def test_descriptives_equal_r(pisa, ref, design):
    res = weighted_descriptives(pisa, ["MASTGOAL", "GFOFAIL", "COMPETE", "ESCS", "MATH"], design=DESIGNS[design],
                                proportions=["EXPECT_UNI", "female"], plausible_values=PV)
    r = ref[(ref["design"] == design) & (ref["analysis"] == "descriptives")]
    t = res.table()
    assert t["variable"].tolist() == r["term"].tolist() and t["quantity"].tolist() == r["outcome"].tolist()
    same(t, r, ["estimate", "se", "ci_low", "ci_high", "df", "n"])
    assert t["plausible_values"].tolist() == [0] * 8 + [10, 10, 0, 0]


@pytest.mark.parametrize("design", ["fay", "jk2"])
def test_correlations_equal_r(pisa, ref, design):
    res = weighted_correlations(pisa, ["MASTGOAL", "GFOFAIL", "COMPETE", "MATH"], design=DESIGNS[design],
                                plausible_values=PV)
    r = ref[(ref["design"] == design) & (ref["analysis"] == "correlations")]
    t = res.table()
    assert list(zip(t["x"], t["y"])) == list(zip(r["outcome"], r["term"]))
    same(t, r, COLUMNS)
    # df is NaN (z test, normal interval) without plausible values, Rubin's df with them
    assert t["df"].isna().tolist() == [True, True, False, True, False, False]


@pytest.mark.parametrize("design", ["fay", "jk2"])
@pytest.mark.parametrize("y, x, family", MODELS)
def test_regression_equal_r(pisa, ref, design, y, x, family):
    res = weighted_regression(pisa, y, x, design=DESIGNS[design], family=family, plausible_values=PV)
    r = ref[(ref["design"] == design) & (ref["outcome"] == f"{y} ~ {' + '.join(x)}")]
    t = res.table()
    assert t["term"].tolist() == r["term"].tolist()
    same(t, r, COLUMNS)
    uses_pv = "MATH" in [y, *x]
    assert res.draws == (10 if uses_pv else 0)
    if not uses_pv:   # svyglm's df: degf(design) + 1 - p = 79 + 1 - 4
        assert t["df"].tolist() == [76.0] * 4
    if family == "logistic":
        np.testing.assert_allclose(t["odds_ratio"], np.exp(r["estimate"]), rtol=1e-10)


def test_public_apistrat_equal_r():
    """survey's apistrat with Fay replicate weights made by survey::as.svrepdesign."""
    api = read_responses(REF / "api_fay.csv")
    ref = pd.read_csv(REF / "api_fay_reference.csv")
    design = replicate_design(api, weight="pw", replicate_weights="repw{n}", method="fay", fay_k=0.5)
    assert (design.replicates, design.degf) == (104, int(ref["design_df"].iloc[0]))
    t = pd.concat([weighted_descriptives(api, ["api00"], design=design, proportions=["awards"]).table(),
                   weighted_correlations(api, ["api00", "meals"], design=design).table(),
                   weighted_regression(api, "api00", ["ell", "meals"], design=design).table(),
                   weighted_regression(api, "awards", ["ell", "meals"], design=design, family="logistic").table()],
                  ignore_index=True)
    same(t, ref, COLUMNS)


# --- the design: one sentence and one scale per method (every row of the table) ------------------
@pytest.mark.parametrize("method, fay_k, text, scale, r_type", [
    ("fay", None, "80 Fay replicate weights (k = 0.5)", 1 / (80 * 0.25), 'type = "Fay", rho = 0.5, mse = TRUE'),
    ("fay", 0.3, "80 Fay replicate weights (k = 0.3)", 1 / (80 * 0.49), 'type = "Fay", rho = 0.3, mse = TRUE'),
    ("brr", None, "80 BRR replicate weights", 1 / 80, 'type = "BRR", mse = TRUE'),
    ("jk2", None, "80 JK2 jackknife replicate weights", 1.0, 'type = "JK2", mse = TRUE'),
])
def test_design_says_what_it_computes(pisa, method, fay_k, text, scale, r_type):
    d = replicate_design(pisa, "W_FSTUWT", "W_FSTURWT{n}", method=method, fay_k=fay_k)
    assert d.describe() == text
    assert d.scale == pytest.approx(scale, rel=1e-15)
    assert d.degf == 79 and d.replicate_weights[:2] == ("W_FSTURWT1", "W_FSTURWT2")
    assert d.r_call() == ('svrepdesign(data = d, weights = ~W_FSTUWT, repweights = "W_FSTURWT[0-9]+", '
                          + r_type + ")")
    listed = replicate_design(pisa, "W_FSTUWT", [f"W_FSTURWT{i}" for i in (1, 2, 3)], method=method, fay_k=fay_k)
    assert listed.r_call().startswith('svrepdesign(data = d, weights = ~W_FSTUWT, repweights = '
                                      'd[, c(\'W_FSTURWT1\', \'W_FSTURWT2\', \'W_FSTURWT3\')]')


def test_rubin_by_hand():
    # three draws 1, 2, 3 with sampling variance 1: between = 1, total = 1 + (4/3)·1,
    # r = 4/3, df = 2 (1 + 3/4)² = 6.125
    est, se, df = rubin(np.array([[1.0], [2.0], [3.0]]), np.array([[1.0], [1.0], [1.0]]))
    assert est.tolist() == [2.0] and se[0] == pytest.approx(np.sqrt(7 / 3), rel=1e-15)
    assert df[0] == pytest.approx(6.125, rel=1e-15)
    # draws that agree: no between variance, infinite df (reported as NaN, normal interval)
    est, se, df = rubin(np.array([[2.0], [2.0]]), np.array([[4.0], [4.0]]))
    assert (est[0], se[0], df[0]) == (2.0, 2.0, np.inf)


# --- what it says --------------------------------------------------------------------------------
def test_apa_and_standard_errors_sentence(pisa):
    cor = weighted_correlations(pisa, ["MASTGOAL", "COMPETE"], design=DESIGNS["fay"])
    assert cor.standard_errors == "standard errors from 80 Fay replicate weights (k = 0.5)"
    assert str(cor.apa()) == ("Weighted correlations (N = 600; standard errors from 80 Fay replicate weights "
                              "(k = 0.5)): MASTGOAL with COMPETE: r = .37, SE = .04, 95% CI [.29, .45], "
                              "z = 9.38, p < .001.")
    reg = weighted_regression(pisa, "MATH", ["MASTGOAL"], design=DESIGNS["jk2"], plausible_values=PV)
    assert reg.standard_errors == ("standard errors from 80 JK2 jackknife replicate weights; 10 plausible values "
                                   "of MATH analysed one at a time and combined by Rubin's rules")
    t = reg.table().iloc[1]
    assert str(reg.apa()).endswith(f"MASTGOAL: b = {t.estimate:.2f}, SE = {t.se:.2f}, 95% CI [{t.ci_low:.2f}, "
                                   f"{t.ci_high:.2f}], t({t.df:.1f}) = {t.statistic:.2f}, p < .001.")
    assert reg.r_call == ('des <- svrepdesign(data = imputationList(one data frame per plausible value), '
                          'weights = ~W_FSTUWT, repweights = "JK2W[0-9]+", type = "JK2", mse = TRUE); '
                          'MIcombine(with(des, svyglm(MATH ~ MASTGOAL)))')


def test_listwise_rows_are_listed(pisa):
    res = weighted_regression(pisa, "MASTGOAL", ["GFOFAIL"], design=DESIGNS["fay"])
    blank = pisa.index[pisa["GFOFAIL"].isna()]
    assert res.n == 585 and res.n_excluded == 15
    assert res.excluded["row"].tolist() == blank.tolist()
    assert set(res.excluded["reason"]) == {"missing GFOFAIL"}
    desc = weighted_descriptives(pisa, ["MASTGOAL", "GFOFAIL"], design=DESIGNS["fay"])
    assert desc.table()["n"].tolist() == [600, 600, 585, 585]
    assert desc.missing_rows["row"].tolist() == blank.tolist()


@pytest.mark.parametrize("make", [
    lambda d: weighted_descriptives(d, ["MASTGOAL", "MATH"], design=DESIGNS["fay"], proportions=["female"],
                                    plausible_values=PV),
    lambda d: weighted_correlations(d, ["MASTGOAL", "MATH"], design=DESIGNS["fay"], plausible_values=PV),
    lambda d: weighted_regression(d, "EXPECT_UNI", ["ESCS"], design=DESIGNS["jk2"], family="logistic"),
], ids=["descriptives", "correlations", "logistic"])
def test_protocol(pisa, make, tmp_path):
    assert_protocol(make(pisa), figure=True, tmp_path=tmp_path)


# --- refusals: file, row, column, value, and what to do ------------------------------------------
def _raises(call, *phrases):
    with pytest.raises(DataError) as err:
        call()
    assert_says(err.value, *phrases)


def test_bad_weights_are_refused(pisa):
    d = pisa.copy()
    d.attrs = dict(pisa.attrs)
    d.loc[4, "W_FSTURWT7"] = np.nan
    _raises(lambda: replicate_design(d), "replicate_design: file", "row 6, column 'W_FSTURWT7', a blank value: the weight is missing;",
            "every respondent needs a final weight and replicate weights ≥ 0")
    d.loc[4, "W_FSTURWT7"] = -1.5
    _raises(lambda: replicate_design(d), "row 6, column 'W_FSTURWT7', value '-1.5' is not a weight;")
    d["W_FSTUWT"] = d["W_FSTUWT"].astype(object)
    d.loc[2, "W_FSTUWT"] = "n/a"
    _raises(lambda: replicate_design(d), "row 4, column 'W_FSTUWT', value 'n/a' is not a number; a weight must be a number")
    _raises(lambda: replicate_design(pisa, replicate_weights="W_REP{n}"),
            "replicate_weights='W_REP{n}' matches no column of the data (e.g. 'W_REP1')")
    _raises(lambda: replicate_design(pisa, method="jk2", fay_k=0.5),
            "fay_k=0.5 applies to method='fay' only; leave it out with method='jk2'")
    _raises(lambda: replicate_design(pisa, fay_k=1), "fay_k=1 is not Fay's factor; give a number 0 ≤ k < 1")
    _raises(lambda: replicate_design(pisa, method="jk1"), "method='jk1' is not a choice; give 'fay', 'brr' or 'jk2'")


def test_bad_analysis_input_is_refused(pisa):
    fay = DESIGNS["fay"]
    _raises(lambda: weighted_descriptives(pisa, ["MASTGOAL"], design=fay, plausible_values={"ESCS": "PV{n}MATH"}),
            "names 'ESCS', which is already a column of the data")
    _raises(lambda: weighted_descriptives(pisa, ["A"], design=fay,
                                          plausible_values={"A": "PV{n}MATH", "B": ["PV1MATH", "PV2MATH"]}),
            "has A: 10, B: 2 plausible values; plausible values need the same number (at least 2) for every score")
    _raises(lambda: weighted_descriptives(pisa, [], design=fay, proportions=["ESCS"]),
            "row 2, column 'ESCS', value", "is not 0 or 1; a proportion needs a 0/1 column; recode it first")
    _raises(lambda: weighted_regression(pisa, "ESCS", ["MASTGOAL"], design=fay, family="logistic"),
            "row 2, column 'ESCS', value", "is not 0 or 1; logistic regression needs a 0/1 outcome")
    _raises(lambda: weighted_regression(pisa, "MATH", ["MATH"], design=fay, plausible_values=PV),
            "holds 'MATH', which is the outcome too")
    _raises(lambda: weighted_regression(pisa, "MATH", ["ESCS"], design={"final": "W_FSTUWT"}),
            "design={'final': 'W_FSTUWT'} has 'final', which replicate_design does not take; give 'weight', 'replicate_weights', "
            "'method' and 'fay_k'")
    _raises(lambda: weighted_regression(pisa, "MATH", ["ESCS"], design="fay"),
            "design='fay' is not a design; give replicate_design(data, ...) or its keywords as a dict")

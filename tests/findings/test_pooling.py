"""pool_effects against metafor::rma(measure = "ZCOR") (tests/reference/findings/findings.R), to 1e-6."""

import numpy as np
import pandas as pd
import pytest

from analysis import pool_effects
from analysis.errors import DataError

from .conftest import load_csv, load_json

REF = load_json("pooling.json")
DATA = {"molloy2014": load_csv("molloy2014.csv"), "mcdaniel1994": load_csv("mcdaniel1994.csv"),
        "hand": pd.DataFrame({"study": ["A", "B", "C", "ours"], "ri": [-0.25, -0.10, -0.31, -0.05],
                              "ni": [120, 340, 85, 383]})}
NUMBERS = ["estimate", "se", "statistic", "p_val", "ci_low", "ci_high", "tau2", "i2", "h2", "q", "q_p_val",
           "estimate_r", "ci_low_r", "ci_high_r"]


@pytest.mark.parametrize("case", sorted(REF))
def test_pooling_equals_metafor(case):
    ref = REF[case]
    data = DATA[case.split("_")[0]]
    res = pool_effects("ri", "ni", labels="study", data=data, method=ref["method"], level=ref["level"])
    row = res.table().iloc[0]
    for name in NUMBERS:
        assert row[name] == pytest.approx(ref[name], abs=1e-6), name
    assert row["k"] == ref["k"] and row["q_df"] == ref["q_df"]
    assert row["tau"] == pytest.approx(np.sqrt(ref["tau2"]), abs=1e-6)
    if ref["method"] == "FE":
        assert np.isnan(row["se_tau2"]) and np.isnan(row["pi_low_r"]) and ref["pi_low_r"] == []
    else:
        assert row["se_tau2"] == pytest.approx(ref["se_tau2"], abs=1e-6)
        assert row["pi_low_r"] == pytest.approx(ref["pi_low_r"], abs=1e-6)
        assert row["pi_high_r"] == pytest.approx(ref["pi_high_r"], abs=1e-6)
    s = res.summary()
    np.testing.assert_allclose(s["yi"], ref["yi"], atol=1e-12)
    np.testing.assert_allclose(s["vi"], ref["vi"], atol=1e-12)
    np.testing.assert_allclose(s["weight"], ref["weights"], atol=1e-6)
    assert res.n == int(data["ni"].sum())


def test_molloy_reml_values_spelled_out():
    # metafor 3.8-1: rma(yi, vi, data = escalc("ZCOR", ri, ni, data = dat.molloy2014))
    res = pool_effects("ri", "ni", data=DATA["molloy2014"])
    row = res.table().iloc[0]
    assert row["estimate"] == pytest.approx(0.149917148523981, abs=1e-6)
    assert row["tau2"] == pytest.approx(0.00810956083157913, abs=1e-6)
    assert row["i2"] == pytest.approx(61.7296547104327, abs=1e-6)
    assert "metafor::rma" in res.r_call and 'method = "REML"' in res.r_call


def test_sequences_and_apa():
    res = pool_effects([-0.25, -0.10, -0.31, -0.05], [120, 340, 85, 383], method="dl")
    assert res.method == "DL"
    text = res.apa().full_result
    assert text.startswith("A random-effects (DerSimonian–Laird) meta-analysis of k = 4 correlations (N = 928)")
    assert "I² = 59.6%" in text and "Q(3) = 7.43" in text


@pytest.mark.parametrize("kwargs,message", [
    (dict(r=[0.1, 0.2], n=[50]), "gives 1 sample sizes for 2 correlations"),
    (dict(r=[0.1], n=[50]), "at least two correlations"),
    (dict(r=[0.1, 1.0], n=[50, 60]), "correlation 1 of '2' must lie strictly between -1 and 1"),
    (dict(r=[0.1, 0.2], n=[50, 3]), "n = 3 of '2' must be a whole number of at least 4"),
    (dict(r=[0.1, 0.2], n=[50, 60], method="PM"), "method='PM' is not one of REML, DL, FE"),
    (dict(r=[0.1, 0.2], n=[50, 60], level=95), "level must lie between 0 and 1"),
    (dict(r="r", n="n", data=pd.DataFrame({"r": [0.1, 0.2]})), "column 'n' \\(n\\) is not in the data"),
])
def test_errors(kwargs, message):
    with pytest.raises(DataError, match=message):
        pool_effects(**kwargs)

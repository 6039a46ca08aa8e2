"""α, item statistics and ω against psych 2.2.9 on psychTools bfi (tests/reference/psychometrics/reliability.R)."""

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from analysis.psychometrics import item_statistics, reliability
from analysis.errors import DataError
from analysis.psychometrics.reliability import feldt_ci  # noqa: F401

from .conftest import REF

SCALE_COLS = ["n", "alpha", "alpha_std", "g6", "average_r", "median_r", "mean", "sd",
              "alpha_ci_low", "alpha_ci_high", "omega_total"]
ITEM_COLS = {"n": "n", "r_total": "raw_r", "r_total_std": "std_r", "r_cor": "r_cor", "r_drop": "r_drop",
             "mean": "mean", "sd": "sd", "alpha_if_deleted": "alpha_if_deleted",
             "alpha_std_if_deleted": "alpha_std_if_deleted", "average_r_if_deleted": "average_r_if_deleted",
             "n_missing": "n_missing"}


@pytest.fixture(scope="module")
def ref_scales():
    return pd.read_csv(REF / "alpha_scales.csv")


@pytest.fixture(scope="module")
def ref_items():
    return pd.read_csv(REF / "alpha_items.csv")


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_scale_statistics_equal_psych(bfi, bfi_key, ref_scales, policy):
    got = reliability(bfi, bfi_key, nan_policy=policy).set_index("scale")
    ref = ref_scales[ref_scales.policy == policy].set_index("scale")
    got = got.loc[ref.index]
    for col in SCALE_COLS:
        assert_allclose(got[col].to_numpy(float), ref[col].to_numpy(float), rtol=0, atol=1e-6, err_msg=col)
    assert_allclose(got["alpha_se"], ref["ase"], rtol=0, atol=1e-6)
    assert (got["nan_policy"] == policy).all()


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_item_statistics_equal_psych(bfi, bfi_key, ref_items, policy):
    got = item_statistics(bfi, bfi_key, nan_policy=policy)
    ref = ref_items[ref_items.policy == policy].reset_index(drop=True)
    assert_array_equal(got["item"], ref["item"])
    for mine, theirs in ITEM_COLS.items():
        assert_allclose(got[mine].to_numpy(float), ref[theirs].to_numpy(float), rtol=0, atol=1e-6, err_msg=mine)
    assert got.loc[got.item == "A1", "reversed"].item() and not got.loc[got.item == "A2", "reversed"].item()


def test_omega_hierarchical_equal_psych(bfi, bfi_key):
    ref = json.loads((REF / "omega_h.json").read_text())
    got = reliability(bfi, bfi_key).set_index("scale").loc["all_items"]
    # ω total is within 1e-8 of psych. ω_h: psych's minres stops (R's L-BFGS-B, relative f change 2e-9)
    # a little short of the minimum we reach; measured |Δ| = 9.7e-7 (five factors) and 2.9e-7 (three).
    assert_allclose(got["omega_total"], ref["five"]["omega_total"], atol=1e-6)
    assert_allclose(got["omega_h"], ref["five"]["omega_h"], atol=1e-6)
    three = reliability(bfi, bfi_key, scales=["agree", "consc", "open"]).set_index("scale").loc["all_items"]
    assert_allclose(three["omega_total"], ref["three"]["omega_total"], atol=1e-6)
    assert_allclose(three["omega_h"], ref["three"]["omega_h"], atol=1e-6)


def test_apa_line_and_policy_stated(bfi, bfi_key):
    got = reliability(bfi, bfi_key, scales=["agree"])
    assert got["apa"].item() == "α = .70, 95% CI [.69, .72], ω = .72"
    assert got.attrs["nan_policy"] == "pairwise"


def test_feldt_matches_alpha_ci():
    lo, hi = feldt_ci(0.703018446057304, 2800, 5)
    assert_allclose([lo, hi], [0.685264325886398, 0.720063389899432], atol=1e-12)


def test_keys_applied_once_via_prepare_items(bfi, bfi_key):
    # an export that already reversed A1 gives the same α when told so
    flipped = bfi.copy()
    flipped["A1"] = 7 - flipped["A1"]
    a = reliability(bfi, bfi_key, scales=["agree"])["alpha"].item()
    b = reliability(flipped, bfi_key, scales=["agree"], reversed_in_file=["A1"])["alpha"].item()
    assert a == pytest.approx(b, abs=1e-12)


def test_bad_policy_and_constant_item(bfi, bfi_key):
    with pytest.raises(DataError, match="nan_policy"):
        reliability(bfi, bfi_key, nan_policy="median")
    const = bfi.copy()
    const["A2"] = 4
    with pytest.raises(DataError, match="no variance"):
        reliability(const, bfi_key, scales=["agree"])


def test_rows_without_answers_are_counted(bfi, bfi_key):
    d = bfi.copy()
    d.loc[:9, ["A1", "A2", "A3", "A4", "A5"]] = np.nan
    got = reliability(d, bfi_key, scales=["agree"]).iloc[0]
    assert got["n"] + got["n_excluded"] == len(d) and got["n_excluded"] == 10


@pytest.mark.slow
def test_bootstrap_ci_seeded_and_close_to_psych(bfi, bfi_key):
    ref = json.loads((REF / "alpha_boot.json").read_text())
    a = reliability(bfi, bfi_key, scales=["agree"], n_boot=2000, seed=7, omega=False).iloc[0]
    b = reliability(bfi, bfi_key, scales=["agree"], n_boot=2000, seed=7, omega=False).iloc[0]
    assert a["alpha_boot_ci_low"] == b["alpha_boot_ci_low"] and a["alpha_boot_ci_high"] == b["alpha_boot_ci_high"]
    # different random streams (numpy vs R): equal within Monte Carlo error of a 2.5% quantile (~0.002)
    assert abs(a["alpha_boot_ci_low"] - ref["boot_ci_low"]) < 0.004
    assert abs(a["alpha_boot_ci_high"] - ref["boot_ci_high"]) < 0.004


def test_single_item_scale_is_reported_not_fatal(bfi):
    from analysis.instruments.registry import instrument_from_dict

    key = instrument_from_dict({"id": "mixed", "response": {"min": 1, "max": 6}, "scales": {
        "agree": {"items": ["A1", "A2", "A3", "A4", "A5"], "reverse": ["A1"]}, "single": {"items": ["O1"]}}})
    got = reliability(bfi, key).set_index("scale")
    assert np.isnan(got.loc["single", "alpha"]) and got.loc["single", "apa"] == "α not defined for a single item"
    assert got.loc["agree", "alpha"] == pytest.approx(0.703018446057304, abs=1e-9)
    assert list(item_statistics(bfi, key)["scale"].unique()) == ["agree"]


def test_demo_grit_total_scale_does_not_break_omega():
    from analysis import read_responses
    from analysis.psychometrics.reliability import reliability as rel

    df = read_responses("data/raw/demo/responses.csv")
    got = rel(df, "grit-s", columns="grit_{n}", anchors_reversed=True, missing=[-99])
    assert "all_items" not in set(got["scale"])  # two facets + their total: no ω_h
    assert got["alpha"].notna().all()

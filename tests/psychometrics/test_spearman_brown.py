"""Spearman–Brown for two-item scales (issue 17 item 6) against the hand formula, psych's Fisher-z
interval of r (psych::r.con) and psych::splitHalf (tests/reference/psychometrics/spearman_brown.R), on
psychTools bfi and on agq_3x2_short.csv (make_agq_3x2_short_fixture.py)."""

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.errors import DataError
from analysis.instruments.registry import instrument_from_dict
from analysis.psychometrics import reliability, spearman_brown

from .conftest import REF

SB = json.loads((REF / "spearman_brown.json").read_text())
SHORT = pd.read_csv(REF / "agq_3x2_short.csv")
SHORT_ITEMS = [c for c in SHORT.columns if c != "respondent_id"]
PAIRS_KEY = instrument_from_dict({"id": "bfi-pairs", "name": "two-item scales of bfi", "response": {"min": 1, "max": 6},
                                  "scales": {name.lower(): {"items": ref["items"]} for name, ref in SB["bfi"].items()}})


def test_hand_formula():
    # 2r / (1 + r); the interval: tanh(atanh(r) ± 1.959964 / sqrt(n - 3)) through the same formula
    got = spearman_brown(0.5, 103)
    lo, hi = np.tanh(np.arctanh(0.5) + np.array([-1, 1]) * 1.959963984540054 / 10)
    assert got["estimate"] == pytest.approx(2 / 3, abs=1e-15)
    assert_allclose([got["ci_low"], got["ci_high"]], 2 * np.array([lo, hi]) / (1 + np.array([lo, hi])), atol=1e-12)
    assert (got["r"], got["n"], got["level"], got["ci_method"]) == (0.5, 103, 0.95, "fisher_z")


@pytest.mark.parametrize("name", list(SB["bfi"]))
def test_equals_r_con_and_splithalf_on_bfi(name):
    ref = SB["bfi"][name]
    both = pd.read_csv(REF / "bfi.csv")[ref["items"]].dropna()
    r = both.corr().iloc[0, 1]
    got = spearman_brown(r, len(both))
    assert len(both) == ref["n"]
    assert_allclose([r, got["estimate"], got["ci_low"], got["ci_high"]],
                    [ref["r"], ref["spearman_brown"], ref["ci_low"], ref["ci_high"]], rtol=0, atol=1e-10)
    for key in ("splithalf_maxrb", "splithalf_minrb", "splithalf_meanr"):   # one split: all equal ρ_SB
        assert got["estimate"] == pytest.approx(ref[key], abs=1e-10)


def test_level():
    ref = SB["bfi"]["A2_A3"]
    got = spearman_brown(ref["r"], ref["n"], level=0.90)
    assert_allclose([got["ci_low"], got["ci_high"]],
                    [SB["bfi_A2_A3_level90"]["ci_low"], SB["bfi_A2_A3_level90"]["ci_high"]], rtol=0, atol=1e-10)


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_reliability_two_item_rows_bfi(policy):
    rel = reliability(pd.read_csv(REF / "bfi.csv"), PAIRS_KEY, nan_policy=policy).set_index("scale")
    for name, ref in SB["bfi"].items():
        row = rel.loc[name.lower()]
        assert row["n_pairs"] == ref["n"]
        assert_allclose(row[["inter_item_r", "spearman_brown", "spearman_brown_ci_low", "spearman_brown_ci_high"]]
                        .to_numpy(float), [ref["r"], ref["spearman_brown"], ref["ci_low"], ref["ci_high"]],
                        rtol=0, atol=1e-10)
        assert np.isnan(row["omega_total"])          # ω's one-factor model is not identified with two items


def test_reliability_short_form():
    rel = reliability(SHORT, "agq-3x2-short", columns=SHORT_ITEMS)
    est = rel.table().set_index("scale")
    for goal, ref in SB["agq_3x2_short"].items():
        row = est.loc[goal]
        assert row["n_pairs"] == ref["n"]
        assert_allclose(row[["spearman_brown", "spearman_brown_ci_low", "spearman_brown_ci_high"]].to_numpy(float),
                        [ref["splithalf_maxrb"], ref["ci_low"], ref["ci_high"]], rtol=0, atol=1e-10)
    assert rel.options["spearman_brown_ci_method"] == "fisher_z" and rel.options["ci_method"] == "feldt"
    ta = SB["agq_3x2_short"]["task_approach"]
    assert ta["n"] == 239                             # one blank task_approach_1
    first = str(rel.apa()).split("; ")[0]
    assert first == (f"task_approach: Spearman–Brown ρ = {ta['spearman_brown']:.2f}, 95% CI "
                     f"[{ta['ci_low']:.2f}, {ta['ci_high']:.2f}] (two items, r = {ta['r']:.2f}, n = 239)"
                     .replace("0.", "."))
    assert list(rel.summary().columns[-3:]) == ["spearman_brown", "spearman_brown_ci_low", "spearman_brown_ci_high"]


@pytest.mark.parametrize("r, n, what", [(1.0, 50, "strictly between -1 and 1"), (-1.0, 50, "strictly between"),
                                        (0.3, 3, "n=3 is too few for the CI; give the number of respondents who answered both items, at least 4")])
def test_errors(r, n, what):
    with pytest.raises(DataError, match=what):
        spearman_brown(r, n)

"""Multi-group invariance against lavaan 0.6-14 ``group.equal`` fits (tests/reference/psychometrics/cfa.R)."""

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose

from analysis.errors import DataError
from analysis.formatting.apa import apa
from analysis.psychometrics import invariance

from .conftest import REF
from .test_cfa import assert_matches_lavaan

STEPS = ["configural", "metric", "scalar", "strict"]


@pytest.fixture(scope="module")
def ref():
    return json.loads((REF / "invariance_lavaan.json").read_text())


@pytest.fixture(scope="module")
def bfi_ladder(bfi_keyed, ref):
    return invariance(bfi_keyed, ref["bfi_gender"]["model"], "gender")


@pytest.fixture(scope="module")
def hs_ladder(hs, ref):
    return invariance(hs, ref["hs_school"]["model"], "school", stop=False)


@pytest.mark.parametrize("step", STEPS)
def test_bfi_by_gender_equals_lavaan(bfi_ladder, ref, step):
    # agreeableness + conscientiousness by gender reaches scalar (and strict) invariance in lavaan
    assert_matches_lavaan(bfi_ladder.fits[step], ref["bfi_gender"][step], grouped=True)


@pytest.mark.parametrize("step", STEPS)
def test_hs_by_school_equals_lavaan(hs_ladder, ref, step):
    assert_matches_lavaan(hs_ladder.fits[step], ref["hs_school"][step], grouped=True)


def test_ladder_decisions(bfi_ladder, hs_ladder, ref):
    assert bfi_ladder.level == "strict"
    assert list(bfi_ladder.table()["decision"]) == ["baseline", "pass", "pass", "pass"]
    f = {s: ref["bfi_gender"][s]["fit"] for s in STEPS}
    assert_allclose(bfi_ladder.table()["delta_cfi"][1:], [f["metric"]["cfi"] - f["configural"]["cfi"],
                                                        f["scalar"]["cfi"] - f["metric"]["cfi"],
                                                        f["strict"]["cfi"] - f["scalar"]["cfi"]], atol=1e-6)
    assert_allclose(bfi_ladder.table()["delta_chisq"][2], f["scalar"]["chisq"] - f["metric"]["chisq"], atol=1e-4)
    # HS1939 by school fails at scalar (ΔCFI = −.038)
    assert hs_ladder.level == "metric"
    assert list(hs_ladder.table()["decision"][:3]) == ["baseline", "pass", "fail"]
    assert "scalar invariance failed (ΔCFI = −.038" in apa(hs_ladder).full_result


def test_stops_at_first_failure(hs, ref):
    res = invariance(hs, ref["hs_school"]["model"], "school")
    assert list(res.table()["step"]) == ["configural", "metric", "scalar"]
    assert set(res.fits) == {"configural", "metric", "scalar"}


def test_chisq_criterion(hs, ref):
    res = invariance(hs, ref["hs_school"]["model"], "school", criterion="chisq")
    # Δχ²(6) = 8.19 for metric, p = .22: passes; scalar p < .001: fails
    assert list(res.table()["decision"]) == ["baseline", "pass", "fail"]
    assert res.table()["p_delta"][1] == pytest.approx(0.2244, abs=1e-3)


def test_group_errors(hs, ref):
    with pytest.raises(DataError, match="grouping column"):
        invariance(hs, ref["hs_school"]["model"], None)
    one = hs.assign(school="A")
    with pytest.raises(DataError, match="only one group"):
        invariance(one, ref["hs_school"]["model"], "school")
    assert np.isfinite(invariance(hs, ref["hs_school"]["model"], "school", steps=["configural"]).table()["cfi"][0])

"""The careless-responding indices against hand-worked values and an independent R implementation.

Fixtures: tests/reference/careless/ (hand_cases.py → hand_cases.json, hand_matrices.csv;
careless_reference.R → hand_matrices_r.csv and the psychTools::bfi files, R 4.2.2, psych 2.2.9).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.screening import evenodd, irv, longstring, mahad, psychant, psychsyn, psychsyn_critval
from analysis.screening.indices import _r_cut_chunks

REF = Path(__file__).resolve().parents[1] / "reference" / "careless"
HAND = json.loads((REF / "hand_cases.json").read_text())
ATOL = 1e-12


def _x(case):
    return np.array([[np.nan if v is None else v for v in row] for row in HAND[case]["x"]], dtype=float)


def _r_hand(case, index):
    t = pd.read_csv(REF / "hand_matrices_r.csv", skipinitialspace=True)
    return t[(t.case == case) & (t["index"] == index)].sort_values("row")["value"].to_numpy(dtype=float)


def _eq(got, want, atol=ATOL):
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), atol=atol, rtol=0)


# --- hand-worked cases ------------------------------------------------------------------------
def test_longstring_hand():
    x = _x("longstring")
    got = longstring(x, avg=True)
    _eq(got["longstring"], HAND["longstring"]["expected"]["longstring"])
    _eq(got["longstring_avg"], HAND["longstring"]["expected"]["longstring_avg"])
    # R agrees on every answered row; on the unanswered row careless says 1, we say NaN (documented)
    _eq(got["longstring"][:4], _r_hand("longstring", "longstring")[:4])
    assert _r_hand("longstring", "longstring")[4] == 1 and np.isnan(got["longstring"].iloc[4])
    _eq(longstring(x), HAND["longstring"]["expected"]["longstring"])


def test_irv_hand():
    x = _x("irv")
    exp = HAND["irv"]["expected"]
    _eq(irv(x), exp["irv"])
    _eq(irv(x, na_rm=False), exp["irv_complete"])
    sp = irv(x, split=True, num_split=2)
    assert list(sp.columns) == ["irv", "irv_1", "irv_2"]
    for col in ("irv", "irv_1", "irv_2"):
        _eq(sp[col], exp[col])
        _eq(sp[col], _r_hand("irv", col))
    _eq(irv(x, na_rm=False), _r_hand("irv", "irv_complete"))


@pytest.mark.parametrize("key", list(HAND["irv_cut"]["expected"]))
def test_irv_chunks_follow_r_cut(key):
    p, k = map(int, key.strip("()").split(","))
    assert _r_cut_chunks(p, k).tolist() == HAND["irv_cut"]["expected"][key]


def test_mahad_hand():
    _eq(mahad(_x("mahad")), [2.0, 2.0, 2.0, 0.0])
    _eq(mahad(_x("mahad")), _r_hand("mahad", "mahad"))
    got = mahad(_x("mahad_missing"))
    _eq(got, HAND["mahad_missing"]["expected"]["mahad"])
    _eq(got, _r_hand("mahad_missing", "mahad"))
    assert got.iloc[0] == pytest.approx(45 / 34 * 1.14, abs=1e-12)


def test_mahad_flag_and_errors():
    x = _x("mahad")
    flagged = mahad(x, flag=True, confidence=0.5)  # chi2(.5, 2) = 1.386: the three corners
    assert flagged["mahad_flag"].tolist() == [True, True, True, False]
    with pytest.raises(DataError, match="missing"):
        mahad(_x("mahad_missing"), na_rm=False)
    with pytest.raises(DataError, match="singular"):
        mahad(np.column_stack([x[:, 0], x[:, 0] * 2]))
    with pytest.raises(DataError, match="confidence"):
        mahad(x, confidence=99)


#: four items, c = a + b exactly (integers: the same dependency on every machine)
DEPENDENT = pd.DataFrame({"a": [1, 2, 3, 4, 5, 2, 3, 4, 1, 5], "b": [2, 1, 3, 3, 4, 5, 1, 2, 2, 4],
                          "c": [3, 3, 6, 7, 9, 7, 4, 6, 3, 9], "d": [5, 3, 1, 4, 2, 2, 4, 3, 5, 1]}, dtype=float)


@pytest.mark.parametrize("data, said", [
    (DEPENDENT, "column(s) 'a', 'b', 'c' are linearly dependent"),
    (DEPENDENT.assign(d=3.0), "column(s) 'd' have no variance"),
    (DEPENDENT.iloc[:4], "column(s) 'a', 'b', 'c', 'd' are 4 items for 4 respondents"),
], ids=["dependent", "constant", "too_few_rows"])
def test_a_singular_covariance_names_the_items_behind_it(data, said):
    data = data.copy()
    data.attrs["source"] = "s.csv"
    with pytest.raises(DataError) as caught:
        mahad(data)
    assert " ".join(str(caught.value).split()) == (
        f"mahad: file 's.csv', {said}, so the covariance matrix of the 4 items is singular and D² is undefined. "
        "Leave such items out of the screen.")


def test_evenodd_hand():
    x = _x("evenodd")
    exp = HAND["evenodd"]["expected"]
    got = evenodd(x, [3, 3, 2], diag=True)
    _eq(got["evenodd"], exp["evenodd"])
    assert got["evenodd_n_pairs"].tolist() == exp["evenodd_n_pairs"]
    _eq(got["evenodd"], _r_hand("evenodd", "evenodd"))
    r = 2.5 / np.sqrt(2 * 25 / 6)
    assert got["evenodd"].iloc[0] == pytest.approx(-(2 * r / (1 + r)), abs=1e-14)
    # factors given as column positions give the same
    _eq(evenodd(x, [[0, 1, 2], [3, 4, 5], [6, 7]]), exp["evenodd"])
    with pytest.raises(DataError, match=r"names 1 scale\(s\); the even-odd index needs at least two"):
        evenodd(x, [8])
    with pytest.raises(DataError, match="factors=\\[3, 3, 3\\] holds 9 items"):
        evenodd(x, [3, 3, 3])


def test_psychsyn_hand():
    x = _x("psychsyn")
    exp = HAND["psychsyn"]["expected"]
    syn = psychsyn(x, 0.60, diag=True, resample_na=False)
    ant = psychant(x, -0.60, diag=True, resample_na=False)
    _eq(syn["r"], exp["psychsyn_r"])
    assert syn["n_pairs"].tolist() == exp["psychsyn_n_pairs"]
    _eq(ant["r"], exp["psychant"])
    assert ant["n_pairs"].tolist() == exp["psychant_n_pairs"]
    for got, idx in ((syn["r"], "psychsyn_r"), (syn["n_pairs"], "psychsyn_n_pairs"), (ant["r"], "psychant"),
                     (ant["n_pairs"], "psychant_n_pairs")):
        _eq(got, _r_hand("psychsyn", idx))
    # the critical value is a magnitude (careless: critval <- abs(critval))
    _eq(psychant(x, 0.60, resample_na=False), exp["psychant"])


def test_psychsyn_resampling_is_seeded_and_is_a_swap():
    x = _x("psychsyn")
    a = psychsyn(x, 0.60, diag=True, seed=7)
    b = psychsyn(x, 0.60, diag=True, seed=7)
    pd.testing.assert_frame_equal(a, b)
    plain = psychsyn(x, 0.60, resample_na=False)
    # rows defined without resampling keep their value; rows with a constant side may be rescued
    defined = plain.notna()
    _eq(a["r"][defined], plain[defined])
    assert np.isnan(a["r"].iloc[11])  # straight line: no swap can create variance
    # a rescued value is the correlation of the pairs with some members swapped: |r| ≤ 1
    rescued = a["r"][~defined].dropna()
    assert ((rescued.abs() <= 1).all())


def test_psychsyn_no_pairs():
    x = _x("psychsyn")
    with pytest.raises(DataError) as caught:
        psychsyn(x, 0.99)
    assert " ".join(str(caught.value).split()) == (
        "psychsyn: critval=0.99 leaves no psychometric synonyms: no item pair correlates above 0.99 (the strongest "
        "pair has r = 0.840). Choose a critical value with psychsyn_critval().")
    assert caught.value.parts()["argument"] == "critval" and caught.value.parts()["value"] == 0.99


# --- real data: psychTools::bfi (2800 × 25, 508 missing answers) ------------------------------
@pytest.fixture(scope="module")
def bfi():
    # psychTools::bfi, shared with the psychometrics references (same rows, same order)
    items = pd.read_csv(REF.parent / "psychometrics" / "bfi.csv").iloc[:, :25]
    ref = pd.read_csv(REF / "bfi_indices.csv", skipinitialspace=True)
    return items, ref


def test_bfi_longstring_irv(bfi):
    items, ref = bfi
    got = longstring(items, avg=True)
    _eq(got["longstring"], ref["longstring"])
    _eq(got["longstring_avg"], ref["longstring_avg"])
    sp = irv(items, split=True, num_split=3)
    for col in ("irv", "irv_1", "irv_2", "irv_3"):
        _eq(sp[col], ref[col])
    _eq(irv(items, na_rm=False), ref["irv_complete"])
    assert ref["irv_complete"].isna().sum() > 300  # missing answers matter here


def test_bfi_mahad(bfi):
    items, ref = bfi
    got = mahad(items, flag=True, confidence=0.99)
    _eq(got["mahad"], ref["mahad"], atol=1e-9)
    assert got["mahad_flag"].tolist() == ref["mahad_flag"].tolist()
    assert int(ref["mahad_flag"].sum()) == int(got["mahad_flag"].sum()) > 0


def test_bfi_evenodd(bfi):
    items, ref = bfi
    keyed = items.copy()
    for col in ("A1", "C4", "C5", "E1", "E2", "O2", "O5"):
        keyed[col] = 7 - keyed[col]
    got = evenodd(keyed, [5] * 5, diag=True)
    _eq(got["evenodd"], ref["evenodd"], atol=1e-12)
    assert got["evenodd_n_pairs"].tolist() == ref["evenodd_n_pairs"].tolist()
    assert got["evenodd"].isna().sum() == ref["evenodd"].isna().sum() > 0


def test_bfi_psychsyn_psychant(bfi):
    items, ref = bfi
    syn = psychsyn(items, 0.45, diag=True, resample_na=False)
    ant = psychant(items, -0.30, diag=True, resample_na=False)
    _eq(syn["r"], ref["psychsyn_r"])
    assert syn["n_pairs"].tolist() == ref["psychsyn_n_pairs"].tolist()
    _eq(ant["r"], ref["psychant"])
    assert ant["n_pairs"].tolist() == ref["psychant_n_pairs"].tolist()
    # careless's default critval finds one pair in bfi: fewer than three pairs -> NaN for all
    assert psychsyn(items, 0.60).isna().all()


def test_bfi_critval(bfi):
    items, _ = bfi
    ref = pd.read_csv(REF / "bfi_critval.csv")
    for anto in (False, True):
        want = ref[ref.anto == anto].reset_index(drop=True)
        got = psychsyn_critval(items, anto=anto).head(len(want))
        assert got["var1"].tolist() == want["var1"].tolist()
        assert got["var2"].tolist() == want["var2"].tolist()
        _eq(got["cor"], want["cor"])
    assert len(psychsyn_critval(items)) == 25 * 24 // 2

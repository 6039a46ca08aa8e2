"""analysis.careless: which answers each index sees, the table it returns, the demo study."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import careless, read_responses
from analysis.errors import DataError
from analysis.screening import evenodd, irv, longstring, mahad, psychsyn

from . import handbuilt as hb

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "raw" / "demo"
DEMO_SPEC = {
    "goals": {"instrument": "agq-r", "columns": "agq_{n}", "response": {"min": 1, "max": 7}},
    "procr": {"instrument": "pps", "columns": "pps_{n}"},
    "strategies": {"instrument": str(DEMO / "keys" / "disorganization.yaml"), "columns": "disorg_{n}"},
    "grit": {"instrument": "grit-s", "columns": "grit_{n}", "anchors_reversed": True},
    "mood": {"instrument": "phq-9", "columns": "phq_{n}", "recode": {1: 0, 2: 1, 3: 2, 4: 3}},
}


@pytest.fixture(scope="module")
def demo():
    df = read_responses(DEMO / "responses.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        idx = careless(df, DEMO_SPEC, missing=[-99], duration="duration_s", attention={"att_1": 4},
                       id_column="respondent_id")
    return df, idx


def _demo_matrix(df):
    """The demo's items as answered (export codes, -99 = missing), in file column order."""
    cols = [c for c in df.columns if c.split("_")[0] in ("agq", "pps", "disorg", "grit", "phq")]
    return df[cols].astype(float).replace(-99, np.nan)


def test_demo_columns_and_rows(demo):
    df, idx = demo
    assert len(idx) == len(df) == 400
    assert idx.index.equals(df.index)
    for col in ("longstring", "longstring_avg", "irv", "mahad", "evenodd", "psychsyn", "psychant",
                "prop_missing", "duplicate_pattern", "duplicate_id", "seconds_per_item", "attention_failed"):
        assert col in idx.columns
    assert (idx["n_items"] == 45).all()
    assert idx.attrs["items"][:3] == ["agq_1", "agq_2", "agq_3"]   # file order, not key order (1, 3, 7)


def test_demo_indices_equal_the_array_functions_on_hand_cleaned_items(demo):
    df, idx = demo
    x = _demo_matrix(df)
    assert list(x.columns) == idx.attrs["items"]
    ls = longstring(x, avg=True)
    np.testing.assert_array_equal(idx["longstring"], ls["longstring"])
    np.testing.assert_allclose(idx["longstring_avg"], ls["longstring_avg"], rtol=0, atol=1e-15)
    np.testing.assert_allclose(idx["irv"], irv(x), rtol=0, atol=1e-15)
    with pytest.warns(RuntimeWarning, match="no psychometric"):
        split = careless(df, DEMO_SPEC, missing=[-99], irv_split=3)
    pd.testing.assert_frame_equal(split[["irv", "irv_1", "irv_2", "irv_3"]], irv(x, split=True), check_names=False)
    np.testing.assert_allclose(idx["mahad"], mahad(x), rtol=0, atol=1e-9)
    np.testing.assert_allclose(idx["prop_missing"], x.isna().mean(axis=1), rtol=0, atol=1e-15)
    np.testing.assert_allclose(idx["seconds_per_item"], df["duration_s"] / 45, rtol=0, atol=1e-12)
    # evenodd: keyed scales (grit's total left out; grit-s consistency items reversed)
    assert [f for f, _ in idx.attrs["factors"]] == [
        "goals.mastery_approach", "goals.performance_approach", "goals.mastery_avoidance",
        "goals.performance_avoidance", "procr.decisional", "procr.implemental", "procr.timeliness",
        "strategies.disorganization", "grit.consistency_of_interest", "grit.perseverance_of_effort", "mood.total"]
    keyed = []
    for stem, items in (("agq", [1, 3, 7, 2, 4, 8, 5, 9, 11, 6, 10, 12]), ("pps", range(1, 13)), ("disorg", range(1, 5)),
                        ("grit", [1, 3, 5, 6, 2, 4, 7, 8]), ("phq", range(1, 10))):
        block = x[[f"{stem}_{i}" for i in items]].copy()
        if stem == "grit":   # anchors_reversed (6 - x), then the key reverses 1, 3, 5, 6 again
            block.iloc[:, 4:] = 6 - block.iloc[:, 4:]
        if stem == "phq":    # recode 1-4 -> 0-3
            block = block - 1
        keyed.append(block)
    eo = evenodd(pd.concat(keyed, axis=1), [3, 3, 3, 3, 3, 5, 4, 4, 4, 4, 9])
    np.testing.assert_allclose(idx["evenodd"], eo, rtol=0, atol=1e-12)


def test_demo_careless_respondents_are_found(demo):
    """The demo has 6 straight-liners, 7 random clickers, 8 speeders (scripts/make_demo.py, seed 2026)."""
    df, idx = demo
    straight = idx["irv"] == 0                      # the same position throughout (missing answers aside)
    assert int(straight.sum()) == 6
    assert (idx.loc[straight, "longstring"] >= 17).all()
    assert int((idx["longstring"] > 10).sum()) == 9    # three attentive respondents with a run of 11
    assert (idx.loc[straight, "attention_failed"] == 1).all()   # the generator's straight-liners miss att_1
    assert int(idx["attention_failed"].sum()) == 10
    assert int((idx["seconds_per_item"] < 2).sum()) == 5
    assert int(idx["mahad_flag"].sum()) == 15
    assert not idx["duplicate_id"].any()
    # no item pair of the demo passes careless's default .60: undefined for everyone, and said why
    assert idx["psychsyn"].isna().all() and "psychsyn" in idx.attrs["notes"]


def test_psychsyn_direction_and_raw_value():
    df = hb.make()
    idx = careless(df, hb.INSTRUMENTS, critval=0.5, seed=1)
    np.testing.assert_array_equal(idx["psychsyn"].to_numpy(), -idx["psychsyn_r"].to_numpy())
    raw = df[idx.attrs["items"]].astype(float)
    want = psychsyn(raw, 0.5, diag=True, seed=1)
    np.testing.assert_allclose(idx["psychsyn_r"], want["r"], rtol=0, atol=1e-15)
    assert idx["psychsyn_n_pairs"].tolist() == want["n_pairs"].tolist()
    assert len(idx.attrs["synonym_pairs"]) == 24
    assert idx.attrs["synonym_pairs"][0].keys() == {"var1", "var2", "cor"}
    # attentive respondents answer synonyms alike: low psychsyn; random responders do not
    assert idx.loc[hb.RANDOM, "psychsyn"].min() > idx["psychsyn"].median()


def test_longstring_follows_the_file_order_not_the_key_order():
    # AGQ-R key order is 1, 3, 7, 2, ...; in file order the answers 4,4,4,4,4,4 run six long
    row = [4, 4, 4, 4, 4, 4, 1, 2, 3, 5, 6, 7]
    df = pd.DataFrame([row, row[::-1]], columns=[f"agq_{i}" for i in range(1, 13)])
    with pytest.warns(RuntimeWarning, match="singular"):  # two respondents: no covariance matrix
        idx = careless(df, "agq-r", columns="agq_{n}", response={"min": 1, "max": 7})
    assert idx["longstring"].tolist() == [6.0, 6.0]
    assert idx.attrs["items"] == [f"agq_{i}" for i in range(1, 13)]


def test_duplicate_ids_are_reported_not_refused():
    df = hb.make()
    idx = careless(df, hb.INSTRUMENTS, id_column="pid")
    assert idx["duplicate_id"].sum() == 2
    assert idx.index[idx["duplicate_id"].to_numpy(dtype=bool)].tolist() == [0, 199]
    assert idx.loc[[0, 199], "pattern_group"].nunique() == 1
    assert bool(idx.loc[199, "duplicate_pattern"]) and bool(idx.loc[0, "duplicate_pattern"])


def test_single_scale_evenodd_is_undefined_with_a_note():
    df = pd.DataFrame(np.tile([[0, 1, 2, 3, 0, 1, 2, 3, 1], [1, 1, 2, 2, 3, 3, 0, 0, 1], [3, 2, 1, 0, 3, 2, 1, 0, 2]], (4, 1)),
                      columns=[f"phq_{i}" for i in range(1, 10)])
    df.iloc[0, 0] = 3
    with pytest.warns(RuntimeWarning, match="at least two scales"), \
            pytest.warns(RuntimeWarning, match="singular"):
        idx = careless(df, "phq-9", columns="phq_{n}")
    assert idx["evenodd"].isna().all()
    assert "evenodd" in idx.attrs["notes"]
    assert idx["longstring"].notna().all()


def test_several_instruments_as_a_list():
    df = hb.make()
    a = careless(df, ["agq-r", "grit-s"], columns=["agq_{n}", "grit_{n}"], response=None,
                 on_invalid="missing")
    b = careless(df, [{"instrument": "agq-r", "columns": "agq_{n}", "response": {"min": 1, "max": 7}},
                      {"instrument": "grit-s", "columns": "grit_{n}"}])
    # on 1-5, the AGQ's 6s and 7s are invalid (set to missing in a), so the two differ only there
    assert (a["n_answered"] <= b["n_answered"]).all() and (a["n_answered"] < b["n_answered"]).any()
    with pytest.raises(DataError, match="one entry per instrument"):
        careless(df, ["agq-r", "grit-s"], columns="agq_{n}")
    with pytest.raises(DataError, match="used by both"):
        careless(df, {"a": {"instrument": "grit-s", "columns": "grit_{n}"},
                      "b": {"instrument": "grit-s", "columns": "grit_{n}"}})


def test_all_missing_respondent():
    df = hb.make()
    items = [c for c in df.columns if c.startswith(("agq", "grit"))]
    df.loc[5, items] = pd.NA
    idx = careless(df, hb.INSTRUMENTS)
    row = idx.loc[5]
    assert row["n_answered"] == 0 and row["prop_missing"] == 1.0
    for col in ("longstring", "longstring_avg", "irv", "mahad", "evenodd", "psychsyn"):
        assert np.isnan(row[col]), col
    assert pd.isna(row["duplicate_pattern"]) and pd.isna(row["mahad_flag"])
    assert len(idx) == len(df)


def test_audit_names_rows_ids_and_instruments(demo):
    df, idx = demo
    from analysis.screening import screening_audit

    audit = screening_audit(idx)
    assert list(audit.columns) == ["row", "id", "instrument", "column", "item", "value", "reason"]
    assert len(audit) == int((df.filter(regex="^(agq|pps|disorg|grit|phq)_") == -99).sum().sum())
    first = audit.iloc[0]
    assert first["id"] == df.loc[first["row"] - 2, "respondent_id"]          # file row 2 = index 0
    assert set(audit["reason"]) == {"missing code"}
    # the indices join like any other table; the audit stays on the result
    joined = pd.concat([df[["respondent_id"]], idx.indices], axis=1)
    assert len(joined) == 400
    pd.testing.assert_frame_equal(screening_audit(idx), audit)
    with pytest.raises(DataError, match="carries no audit"):
        screening_audit(joined)

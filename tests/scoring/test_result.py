"""ScoreResult: the audit never vanishes, the R call is the R call, the summary is psych's.

R references: tests/reference/scoring/result_reference.R (psych 2.2.9) → result_scores.csv,
result_summary.csv, built on the demo export and on result_data.csv (seeded, written by the script).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import DataError, ScoreResult, audit_frame, careless, prepare_items, read_responses, reliability, score
from analysis.screening import screen, screening_audit

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "tests" / "reference" / "scoring"
DEMO = ROOT / "data" / "raw" / "demo" / "responses.csv"


@pytest.fixture(scope="module")
def demo():
    return read_responses(DEMO)


def _phq_with_nine_missing():
    """Four respondents, PHQ-9 items q1-q9 (0-3); nine answers are the missing code -99."""
    rows = [[0, 1, 2, 3, 0, 1, 2, 3, 0],
            [-99, -99, -99, 1, 1, 1, 1, 1, 1],
            [3, 3, 3, 3, 3, 3, -99, -99, -99],
            [1, 1, 1, 1, 1, 1, 1, 1, -99]]
    df = pd.DataFrame(rows, columns=[f"q{n}" for n in range(1, 10)])
    df.attrs["first_row"] = 2          # as read_responses says: data start on file row 2
    return df


# --- issue 9 item 8: the bug, reproduced and fixed -----------------------------------------------------
def test_concat_no_longer_loses_the_audit():
    df = _phq_with_nine_missing()
    other = pd.DataFrame({"respondent": ["a", "b", "c", "d"]})
    res = score(df, "phq-9", columns="q{n}", missing=[-99])
    assert isinstance(res, ScoreResult)
    # score alone: seven audit rows, exactly these
    audit = audit_frame(res)
    assert list(audit.columns) == ["row", "id", "column", "item", "value", "reason"]
    want = sorted([(3, "q1", "1"), (3, "q2", "2"), (3, "q3", "3"), (4, "q7", "7"), (4, "q8", "8"), (4, "q9", "9"),
                   (5, "q9", "9")])
    assert sorted(map(tuple, audit[["row", "column", "item"]].values.tolist())) == want
    assert set(audit["reason"]) == {"missing code"} and set(audit["value"].astype(str)) == {"-99"}
    # the old bug: the audit lived in attrs, and concat returned 0 audit rows
    joined = pd.concat([other, res.scores], axis=1)
    assert len(joined) == 4 and not res.scores.attrs
    with pytest.raises(DataError, match="carries no audit"):
        audit_frame(joined)
    with pytest.raises(DataError, match="carries no audit"):
        audit_frame(res.scores)
    with pytest.raises(DataError, match="carries no audit"):
        audit_frame(other.merge(res.scores, left_index=True, right_index=True))
    # the audit is still on the result after the join, and audit_frame hands out a copy
    assert len(audit_frame(res)) == 7
    copy = audit_frame(res)
    copy.loc[0, "reason"] = "changed"
    assert (res.audit["reason"] == "missing code").all()


def test_nine_values_set_to_missing_are_nine_audit_rows():
    # the case: score alone gives 9 audit rows; they survive any join of the scores
    df = _phq_with_nine_missing()
    df.iloc[0, :2] = -99                            # two more: 7 + 2 = 9
    res = score(df, "phq-9", columns="q{n}", missing=[-99])
    assert len(res.audit) == 9 == int((df == -99).sum().sum())
    both = pd.concat([pd.DataFrame({"x": range(4)}), res.scores], axis=1)
    assert len(both) == 4 and len(audit_frame(res)) == 9


def test_a_result_refuses_to_be_used_as_a_table_where_pandas_would_misread_it():
    df = _phq_with_nine_missing()
    res = score(df, "phq-9", columns="q{n}", missing=[-99])
    with pytest.raises(TypeError, match="only Series and DataFrame"):
        pd.concat([df, res], axis=1)
    with pytest.raises(TypeError, match=r"use \.scores"):
        df.join(res)
    with pytest.raises(TypeError, match=r"use \.scores"):
        pd.DataFrame(res)
    # the documented way
    assert df.join(res.scores).shape == (4, 9 + 3)


def test_notebook_convenience_delegates_to_the_scores(tmp_path):
    df = _phq_with_nine_missing()
    res = score(df, "phq-9", columns="q{n}", missing=[-99])
    s = res.scores
    pd.testing.assert_frame_equal(res.table(), s)
    copy = res.table()                          # a copy (issue 20): changing it leaves the result as it was
    copy.loc[0, "total"] = -1.0
    with pytest.warns(Warning, match="chained assignment"):   # pandas says a write through .loc goes to a copy
        res.loc[0, "total"] = -2.0
    assert s.loc[0, "total"] == 12.0 and res.scores.loc[0, "total"] == 12.0
    pd.testing.assert_series_equal(res["total"], s["total"])
    assert list(res.columns) == ["total", "total_n_valid", "total_band"] == list(s.columns)
    assert res.loc[0, "total"] == 12.0 and res.iloc[0, 0] == 12.0 and np.isnan(res.loc[1, "total"])
    assert len(res) == 4 and "total" in res and res.shape == (4, 3)
    assert res.n == 4 and res.n_excluded == 0
    res.to_csv(tmp_path / "s.csv", index=False)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "s.csv"), s.astype({"total_band": object}),
                                  check_dtype=False)
    text = repr(res)
    assert text.startswith(repr(s)) and "ScoreResult: 4 rows; 7 value(s) set to missing (see .audit)" in text
    assert res._repr_html_().startswith(s._repr_html_()) and "(see .audit)" in res._repr_html_()
    with pytest.raises(AttributeError, match="'ScoreResult' object has no attribute 'nope'"):
        res.nope  # noqa: B018
    assert res.instrument.id == "phq-9"
    assert res.options == {"columns": "q{n}", "missing": [-99]}
    assert res.columns_used == {i: f"q{i}" for i in range(1, 10)}


def test_summary_and_apa_of_a_hand_checked_case():
    df = _phq_with_nine_missing()
    res = score(df, "phq-9", columns="q{n}", missing=[-99], min_valid={"total": 8})
    # sums: 12; 6 answered of 9 -> missing; 18 of 6 answered -> missing; 8 of 8 answered -> 8
    assert res.scores["total"].tolist()[0] == 12.0 and res.scores["total"].tolist()[3] == 8.0
    assert res.scores["total"].isna().tolist() == [False, True, True, False]
    summ = res.summary()
    assert list(summ.columns) == ["scale", "n_items", "method", "min_valid", "rule", "n", "n_scored",
                                  "n_missing", "mean", "sd"]
    row = summ.iloc[0]
    assert (row["scale"], row["n_items"], row["method"], row["min_valid"]) == ("total", 9, "sum", 8)
    assert row["rule"] == "sum of the 9 items, at least 8 answered"
    assert (row["n"], row["n_scored"], row["n_missing"]) == (4, 2, 2)
    assert row["mean"] == pytest.approx(10.0, abs=1e-12)
    assert row["sd"] == pytest.approx(np.sqrt(8.0), abs=1e-12)          # (12 - 10)² + (8 - 10)² over 1
    assert res.apa() == ("Patient Health Questionnaire-9 (phq-9), 4 respondents. total (sum of the 9 items, "
                         "at least 8 answered): M = 10.00, SD = 2.83, n = 2. 7 values were set to missing "
                         "(missing code: 7).")


# --- the R call and the summary against R -------------------------------------------------------------
def _cases(demo):
    syn = pd.read_csv(REF / "result_data.csv")
    return {
        "agq_r": score(demo, "agq-r", columns="agq_{n}", response={"min": 1, "max": 7}, missing=[-99]),
        "grit_s": score(demo, "grit-s", columns="grit_{n}", anchors_reversed=True, missing=[-99]),
        "phq_9": score(demo, "phq-9", columns="phq_{n}", recode={1: 0, 2: 1, 3: 2, 4: 3}, missing=[-99],
                       min_valid={"total": 8}),
        "cesd": score(syn, "ces-d", columns="c{n}"),
        "dass_21": score(syn, "dass-21", columns="d{n}", min_valid={"depression": 5, "anxiety": 5, "stress": 5}),
    }


@pytest.fixture(scope="module")
def cases(demo):
    return _cases(demo)


def test_r_call_is_the_code_the_reference_script_ran(cases):
    script = (REF / "result_reference.R").read_text(encoding="utf-8")
    blocks = dict(re.findall(r"# <<< r_call (\w+)\n(.*?)# >>>\n", script, re.S))
    assert set(blocks) == set(cases)
    for name, res in cases.items():
        assert res.r_call + "\n" == blocks[name], name


def test_scores_equal_the_r_call_run_in_r(cases):
    ref = pd.read_csv(REF / "result_scores.csv", skipinitialspace=True)
    n_checked = 0
    for (name, scale), part in ref.groupby(["case", "scale"]):
        ours = cases[name].scores[scale].to_numpy()
        theirs = part.sort_values("row")["score"].to_numpy(dtype=float)
        assert len(ours) == len(theirs)
        np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs), err_msg=f"{name}.{scale}")
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12, err_msg=f"{name}.{scale}")
        n_checked += 1
    assert n_checked == 12


def test_summary_equals_psych_describe(cases):
    ref = pd.read_csv(REF / "result_summary.csv", skipinitialspace=True)
    for r in ref.itertuples():
        s = cases[r.case].summary().set_index("scale").loc[r.scale]
        assert s["n_scored"] == r.n, (r.case, r.scale)
        assert s["n_scored"] + s["n_missing"] == s["n"] == cases[r.case].n
        assert s["mean"] == pytest.approx(r.mean, abs=1e-12), (r.case, r.scale)
        assert s["sd"] == pytest.approx(r.sd, abs=1e-12), (r.case, r.scale)


# --- the other audits that lived in attrs ------------------------------------------------------------
def test_reliability_keeps_its_audit(demo):
    rel = reliability(demo, "agq-r", columns="agq_{n}", response={"min": 1, "max": 7}, missing=[-99], omega=False)
    want = int((demo.filter(regex=r"^agq_\d+$") == -99).sum().sum())
    assert len(audit_frame(rel)) == want == len(score(demo, "agq-r", columns="agq_{n}",
                                                       response={"min": 1, "max": 7}, missing=[-99]).audit)
    assert "audit" not in rel.estimates.attrs
    assert rel.table().equals(rel.estimates) and rel.table() is not rel.estimates
    assert rel.set_index("scale").shape[0] == 4   # delegation
    with pytest.raises(DataError, match="carries no audit"):
        audit_frame(rel.estimates)
    # an ItemSet carries its audit too, and reliability of an ItemSet passes it on
    items = prepare_items(demo, "agq-r", "agq_{n}", response={"min": 1, "max": 7}, missing=[-99])
    pd.testing.assert_frame_equal(audit_frame(items).reset_index(drop=True), audit_frame(reliability(items, omega=False)))


def test_careless_and_screen_keep_their_audit(demo):
    spec = {"goals": {"instrument": "agq-r", "columns": "agq_{n}", "response": {"min": 1, "max": 7}}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        idx = careless(demo, spec, missing=[-99])
        res = screen(demo, spec, rules={"attention": {"column": "att_1", "expect": 4}}, missing=[-99])
    want = int((demo.filter(regex=r"^agq_\d+$") == -99).sum().sum())
    assert len(screening_audit(idx)) == want == len(audit_frame(res)) == len(res.audit)
    assert set(audit_frame(idx)["instrument"]) == {"goals"}
    assert "audit" not in idx.indices.attrs
    with pytest.raises(DataError, match="carries no audit"):
        screening_audit(pd.concat([demo[["respondent_id"]], idx.indices], axis=1))
    with pytest.raises(DataError, match="carries no audit"):
        audit_frame(res.flags)


def test_cfa_and_invariance_say_which_values_they_set_to_missing(demo):
    from analysis import cfa, invariance

    opts = {"columns": "agq_{n}", "response": {"min": 1, "max": 7}, "missing": [-99]}
    want = int((demo.filter(regex=r"^agq_\d+$") == -99).sum().sum())
    fit = cfa(demo, instrument="agq-r", **opts)
    assert len(audit_frame(fit)) == want and fit.n + fit.n_excluded == len(demo)
    two = demo[demo["gender"].isin(["female", "male"])]
    inv = invariance(two, None, "gender", instrument="agq-r", steps=("configural",), **opts)
    assert len(audit_frame(inv)) == int((two.filter(regex=r"^agq_\d+$") == -99).sum().sum()) > 0
    assert cfa(demo, "f =~ exam1 + exam2 + exam3").audit is None     # plain columns: nothing was changed


def test_staff_report_keeps_the_audit_for_the_analyst():
    from analysis import build_staff_report

    staff = read_responses(ROOT / "data" / "raw" / "staff_demo" / "responses.csv")
    with_code = staff.copy()
    with_code.loc[[3, 10], "wdgo_2"] = -99
    rep = build_staff_report(with_code, "vandewalle", "team", columns="wdgo_{n}", missing=[-99])
    got = rep.audit.astype({"value": str})[["row", "column", "value", "reason"]].values.tolist()
    assert got == [[5, "wdgo_2", "-99", "missing code"], [12, "wdgo_2", "-99", "missing code"]]
    assert len(build_staff_report(staff, "vandewalle", "team", columns="wdgo_{n}").audit) == 0


def test_efa_of_an_instrument_keeps_its_audit(demo):
    from analysis import efa

    res = efa(demo, 2, instrument="agq-r", columns="agq_{n}", response={"min": 1, "max": 7}, missing=[-99])
    assert len(audit_frame(res)) == int((demo.filter(regex=r"^agq_\d+$") == -99).sum().sum())
    assert efa(demo, 1, columns=["exam1", "exam2", "exam3"]).audit is None

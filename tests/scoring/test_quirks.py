"""Dataset quirks declared per dataset: patterns and maps, missing codes, recodes, items reversed in
the file, anchors printed the other way round, administration ranges, labels, invalid values."""

import numpy as np
import pandas as pd
import pytest

from analysis import DataError, InstrumentError, audit_frame, prepare_items, score

IPS = [5, 1, 5, 4, 4, 2, 5, 5, 1]   # hand-worked: 42/9 (see test_hand_worked)


def frame(rows, prefix="q"):
    return pd.DataFrame(rows, columns=[f"{prefix}{i}" for i in range(1, len(rows[0]) + 1)])


def test_explicit_map_and_list_equal_pattern():
    df = frame([IPS])
    by_pattern = score(df, "ips", columns="q{n}")["total"].iloc[0]
    by_map = score(df.rename(columns={"q2": "rev_a"}), "ips", columns={2: "rev_a", **{i: f"q{i}" for i in (1, 3, 4, 5, 6, 7, 8, 9)}})
    by_list = score(df, "ips", columns=list(df.columns))["total"].iloc[0]
    assert by_pattern == by_map["total"].iloc[0] == by_list == pytest.approx(42 / 9, abs=1e-12)


def test_zero_padded_pattern():
    df = frame([IPS], prefix="ips_0")
    df.columns = [f"ips_{i:02d}" for i in range(1, 10)]
    assert score(df, "ips", columns="ips_{n:02d}")["total"].iloc[0] == pytest.approx(42 / 9, abs=1e-12)


def test_missing_codes_become_missing_and_are_audited():
    df = frame([[5, -99, 5, 4, 4, 2, 5, 5, 0]])
    df.attrs["first_row"] = 2
    out = score(df, "ips", columns="q{n}", missing=[-99, 0])
    assert out["total_n_valid"].iloc[0] == 7
    # keyed answers 5, 5, 4, 4, 4, 5, 5 (item 2 and 9 missing) -> 32/7
    assert out["total"].iloc[0] == pytest.approx(32 / 7, abs=1e-12)
    audit = audit_frame(out)
    assert list(audit["column"]) == ["q2", "q9"] and set(audit["reason"]) == {"missing code"}
    assert list(audit["row"]) == [2, 2]


def test_recode_1_to_4_export_of_0_to_3_scale():
    df = frame([[2, 3, 4, 1, 2, 3, 4, 1, 2]])            # PHQ-9 exported 1-4
    out = score(df, "phq-9", columns="q{n}", recode={1: 0, 2: 1, 3: 2, 4: 3})
    assert out["total"].iloc[0] == 1 + 2 + 3 + 0 + 1 + 2 + 3 + 0 + 1
    with pytest.raises(DataError, match="outside the response range 0–3"):
        score(df, "phq-9", columns="q{n}")               # without the recode, 4 is out of range


def test_reversed_in_file_is_not_reversed_again():
    # the export already turned items 2, 6, 9 around: 6 - x
    pre = list(IPS)
    for i in (1, 5, 8):
        pre[i] = 6 - pre[i]
    out = score(frame([pre]), "ips", columns="q{n}", reversed_in_file=[2, 6, 9])
    assert out["total"].iloc[0] == pytest.approx(42 / 9, abs=1e-12)


def test_administration_range_override():
    df = frame([[7, 1, 7, 1, 1, 1, 4, 1, 1, 1, 1, 1]])
    with pytest.raises(DataError, match="outside the response range 1–5"):
        score(df, "agq-r", columns="q{n}")
    out = score(df, "agq-r", columns="q{n}", response={"min": 1, "max": 7})
    assert out["mastery_approach"].iloc[0] == 6.0


def test_reverse_uses_declared_range_not_observed_range():
    # everyone answered only 2-4; psych would infer min 2 / max 4 without min= and max=
    df = frame([[2, 2, 2, 2, 2, 2, 2, 2, 2], [4, 4, 4, 4, 4, 4, 4, 4, 4]])
    out = score(df, "ips", columns="q{n}")
    # row 1: six items 2 and three reversed items 6 - 2 = 4 -> (12 + 12)/9
    assert out["total"].tolist() == pytest.approx([24 / 9, (24 + 6) / 9], abs=1e-12)


def test_text_labels_map_to_codes_case_and_punctuation_insensitive():
    df = pd.DataFrame({f"d{i}": ["did not apply to me at all"] * 2 for i in range(1, 22)})
    df.loc[1, "d3"] = "Applied to me to a considerable degree or a good part of time"  # no comma
    out = score(df, "dass-21", columns="d{n}")
    assert out["depression"].tolist() == [0.0, 4.0]


def test_unknown_label_is_an_error_that_names_it():
    df = pd.DataFrame({f"d{i}": ["Not at all"] for i in range(1, 10)})
    df.loc[0, "d4"] = "Sometimes"
    with pytest.raises(DataError) as err:
        score(df, "phq-9", columns="d{n}")
    msg = str(err.value)
    assert "'Sometimes'" in msg and "column 'd4'" in msg and "Several days" in msg


def test_user_labels_for_a_key_without_anchor_labels():
    df = pd.DataFrame({f"a{i}": ["Very true of me"] for i in range(1, 13)})
    labels = {"Not at all true of me": 1, "Very true of me": 5}
    out = score(df, "agq-r", columns="a{n}", labels=labels)
    assert out["mastery_approach"].iloc[0] == 5.0


def test_text_in_numeric_column_is_an_error_naming_row_column_value():
    df = frame([IPS, IPS])
    df["q4"] = df["q4"].astype(object)
    df.loc[1, "q4"] = "four"
    df.attrs["source"] = "survey.csv"
    df.attrs["first_row"] = 2
    with pytest.raises(DataError) as err:
        score(df, "ips", columns="q{n}")
    msg = str(err.value)
    assert "file 'survey.csv'" in msg and "row 3" in msg and "column 'q4'" in msg and "'four'" in msg


def test_on_invalid_missing_sets_missing_and_audits_every_value():
    df = frame([IPS, [9, 1, 5, 4, 4, 2, 5, 5, 2.5], IPS])
    df.attrs["first_row"] = 2
    out = score(df, "ips", columns="q{n}", on_invalid="missing", id_column=None)
    assert len(out) == 3                                  # rows in = rows out
    audit = audit_frame(out)
    assert audit[["row", "column", "value"]].values.tolist() == [[3, "q1", "9"], [3, "q9", "2.5"]]
    assert audit["reason"].str.contains("outside the response range").tolist() == [True, False]
    assert out["total_n_valid"].tolist() == [9, 7, 9]


def test_out_of_range_error_lists_more_problems():
    df = frame([[9] * 9, [0] * 9])
    with pytest.raises(DataError, match=r"more value\(s\) have problems"):
        score(df, "ips", columns="q{n}")


def test_missing_columns_error_suggests_close_names():
    df = frame([IPS], prefix="IPS_")
    with pytest.raises(DataError, match=r"needs column\(s\) 'ips_1'.*Did you mean the pattern 'IPS_{n}' \(IPS_1 … IPS_\d+\)\?"):
        score(df, "ips", columns="ips_{n}")


def test_numbered_key_without_columns_says_how_to_map():
    with pytest.raises(DataError, match="numbers its items"):
        score(frame([IPS]), "ips")


def test_duplicate_ids_are_an_error_naming_rows():
    df = frame([IPS, IPS, IPS])
    df["pid"] = ["a", "b", "a"]
    df.attrs["first_row"] = 2
    with pytest.raises(DataError, match=r"id 'a' appears in row 2 and row 4"):
        score(df, "ips", columns="q{n}", id_column="pid")


def test_min_valid_override_and_validation():
    df = frame([[1, 1, 1, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan]])
    assert np.isnan(score(df, "ips", columns="q{n}")["total"].iloc[0])
    assert score(df, "ips", columns="q{n}", min_valid={"total": 3})["total"].iloc[0] == pytest.approx(7 / 3)
    with pytest.raises(InstrumentError, match="between 1 and 9"):
        score(df, "ips", columns="q{n}", min_valid={"total": 12})


def test_index_is_preserved():
    df = frame([IPS, IPS])
    df.index = ["x", "y"]
    assert list(score(df, "ips", columns="q{n}").index) == ["x", "y"]


def test_itemset_keyed_matches_score():
    df = frame([IPS])
    items = prepare_items(df, "ips", "q{n}")
    assert items.keyed("total").iloc[0].tolist() == [5, 5, 5, 4, 4, 4, 5, 5, 5]
    assert items.raw().iloc[0].tolist() == IPS


def test_threaded_path_gives_identical_scores_and_audit(monkeypatch):
    import importlib

    from analysis import parallel as _parallel

    score_module = importlib.import_module("analysis.scoring.scorer")

    rng = np.random.default_rng(7)
    x = rng.integers(1, 6, size=(3000, 9)).astype(float)
    x[rng.random(x.shape) < 0.1] = np.nan
    x[rng.random(x.shape) < 0.01] = 9                     # invalid, set to missing and audited
    x[rng.random(x.shape) < 0.02] = -99                   # missing code
    df = frame(x.tolist())
    serial = score(df, "ips", columns="q{n}", missing=[-99], on_invalid="missing")
    monkeypatch.setattr(_parallel, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(score_module, "_BLOCK", 256)      # many row blocks across the threads
    threaded = score(df, "ips", columns="q{n}", missing=[-99], on_invalid="missing")
    pd.testing.assert_frame_equal(serial.scores, threaded.scores)
    pd.testing.assert_frame_equal(audit_frame(serial), audit_frame(threaded))
    assert len(audit_frame(serial)) > 100

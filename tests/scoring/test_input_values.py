"""Item preparation: no value changes without a line in the audit, and every refusal names the cell."""

import numpy as np
import pandas as pd
import pytest

from analysis import DataError, audit_frame, prepare_items, read_responses, score
from analysis.scoring import check_ids
from analysis.scoring.mapping import LabelMap
from conftest import FIXTURES
from messages import says

VALUES = FIXTURES / "io" / "values"
ITEMS = [f"q{i}" for i in range(1, 10)]
TOKENS = ["NA", "N/A", "NaN", "nan", "None", "NULL", "#N/A", "na", "null", "<NA>"]


def phq(rows, ids=None):
    df = pd.DataFrame(rows, columns=ITEMS)
    if ids is not None:
        df.insert(0, "id", ids)
    df.attrs.update(source="x.csv", first_row=2)
    return df


@pytest.mark.parametrize("token", TOKENS)
def test_na_token_in_an_item_is_missing_and_audited(token):
    df = phq([["0", "1", "0", token, "1", "0", "0", "1", "0"], ["1"] * 9], ids=["P1", "NA"])
    out = score(df, "phq-9", columns="q{n}", id_column="id", min_valid={"total": 8})
    assert out["total"].tolist() == [3.0, 9.0] and out["total_n_valid"].tolist() == [8, 9]
    assert audit_frame(out).to_dict("records") == [
        {"row": 2, "id": "P1", "column": "q4", "item": "4", "value": token,
         "reason": f"text token '{token}' read as missing"}]


def test_na_tokens_from_a_csv_end_to_end(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("id,country," + ",".join(ITEMS) + "\nNA,NA,1,1,1,1,1,1,1,1,NULL\nP2,None,0,0,0,0,0,0,0,0,0\n")
    df = read_responses(p, id_column="id")
    out = score(df, "phq-9", columns="q{n}", id_column="id")
    assert df["country"].tolist() == ["NA", "None"]        # kept columns stay as written
    assert out["total"].isna().tolist() == [True, False] and out["total_n_valid"].tolist() == [8, 9]
    a = audit_frame(out)
    assert a[["row", "id", "value", "reason"]].values.tolist() == [[2, "NA", "NULL", "text token 'NULL' read as missing"]]


def test_declared_missing_text_wins_over_the_token_reason():
    df = phq([["NA"] + ["1"] * 8])
    items = prepare_items(df, "phq-9", columns="q{n}", missing=["NA"])
    assert items.audit["reason"].tolist() == ["missing code"]


@pytest.mark.parametrize("text", ["inf", "-inf", "Infinity", "1_0", "0x1"])
def test_text_that_python_reads_as_a_number_is_not_a_number(text):
    df = phq([["0"] * 3 + [text] + ["0"] * 5])
    with pytest.raises(DataError, match=rf"row 2, column 'q4' \(item 4 of 'phq-9'\), value '{text}': text that is "
                                        r"not an anchor label"):
        score(df, "phq-9", columns="q{n}")


def test_numbers_written_as_text_still_score():
    df = phq([[" 0", "1 ", "+2", "03", "1.0", "0", "0", "1", "0"]])
    assert score(df, "phq-9", columns="q{n}")["total"].tolist() == [8.0]


# --- SPSS user-missing ---------------------------------------------------------------------------
def test_spss_user_missing_codes_are_listed_in_the_audit():
    df = read_responses(VALUES / "user_missing.sav")
    out = score(df, "phq-9", columns="q{n}", id_column="id", min_valid={"total": 8})
    assert out["total"].tolist() == [5.0, 17.0, 8.0]
    assert audit_frame(out).to_dict("records") == [
        {"row": 2, "id": "S2", "column": "q2", "item": "2", "value": "-99", "reason": "SPSS user-missing code -99"},
        {"row": 3, "id": "S3", "column": "q8", "item": "8", "value": "-98", "reason": "SPSS user-missing code -98"}]
    # a subset of the rows lists only its own cells, at their file rows
    sub = df.iloc[[0, 2]]
    assert audit_frame(score(sub, "phq-9", columns="q{n}", id_column="id"))["row"].tolist() == [3]


# --- booleans ------------------------------------------------------------------------------------
def test_boolean_cells_are_never_one_and_zero():
    df = read_responses(VALUES / "booleans.xlsx")
    with pytest.raises(DataError, match=r"row 3, column 'q1' \(item 1 of 'phq-9'\), value 'True': a TRUE/FALSE "
                                        r"\(boolean\) cell, not a response code"):
        score(df, "phq-9", columns="q{n}")
    out = score(df, "phq-9", columns="q{n}", on_invalid="missing", id_column="id")
    assert out["total_n_valid"].tolist() == [9, 7]
    assert audit_frame(out)[["row", "column", "value"]].values.tolist() == [[3, "q1", "True"], [3, "q9", "False"]]
    whole = phq([[True] * 9, [False] * 9]).astype(bool)
    with pytest.raises(DataError, match="17 more value"):
        score(whole, "phq-9", columns="q{n}")


# --- off the grid (the IndexError of issue 9) ----------------------------------------------------
def test_in_range_value_off_the_grid_names_file_row_column_value():
    df = pd.DataFrame({f"AGQ_{n}": [5.0, 4.0] for n in range(1, 13)})
    df.loc[1, "AGQ_3"] = 3.5
    df.attrs.update(source="survey.csv", first_row=2)
    with pytest.raises(DataError) as err:
        score(df, "agq-r", columns="AGQ_{n}")
    assert str(err.value).startswith(
        "file 'survey.csv', row 3, column 'AGQ_3' (item 3 of 'agq-r'), value '3.5': not one of the response "
        "codes 1, 2, …, 5. Fix the data,")
    out = score(df, "agq-r", columns="AGQ_{n}", on_invalid="missing")
    assert audit_frame(out)[["row", "value", "reason"]].values.tolist() == [
        [3, "3.5", "not one of the response codes 1, 2, …, 5"]]


# --- a range shifted by a constant: recode first -------------------------------------------------
def test_shifted_export_suggests_recode_first():
    df = phq([[1, 2, 1, 3, 2, 1, 1, 2, 1], [4, 4, 3, 4, 3, 4, 3, 2, 2]])
    with pytest.raises(DataError) as err:
        score(df, "phq-9", columns="q{n}")
    assert str(err.value) == (
        "file 'x.csv', row 3, column 'q1' (item 1 of 'phq-9'), value '4': outside the response range 0–3. "
        "3 more value(s) have problems (row 3 'q2'; row 3 'q4'; row 3 'q6'). Every answer lies in 1–4, the "
        "key's range 0–3 shifted by +1: the export probably codes the same answers differently. Recode them "
        "first: recode={1: 0, 2: 1, 3: 2, 4: 3} (study file: recode:). "
        "Only if the scale really was administered as 1–4, set response={'min': 1, 'max': 4} instead; "
        "note that this changes the scores' range, so the key's published cut-offs and severity bands no "
        "longer apply. Otherwise fix the data, or pass on_invalid='missing' to set "
        "such values to missing and list them in an audit file.")
    # the command line shows the same sentence with its flags (analysis.cli.messages.cli_message)
    from analysis.cli.messages import cli_message
    cli = cli_message(str(err.value))
    assert ("first: --recode 1:0,2:1,3:2,4:3 (study file: recode:). Only if the scale really was administered "
            "as 1–4, set --response-min 1 --response-max 4 instead;" in cli)
    assert "or pass --on-invalid missing to set such values to missing" in cli
    fixed = score(df, "phq-9", columns="q{n}", recode={1: 0, 2: 1, 3: 2, 4: 3})
    assert fixed["total"].tolist() == [5.0, 20.0]


def test_shift_downwards_and_no_hint_when_no_shift_fits():
    down = phq([[-1] * 9, [0, 1, 2, 2, 2, 2, 2, 2, 2]])
    with pytest.raises(DataError, match=r"shifted by -1: .* recode=\{-1: 0, 0: 1, 1: 2, 2: 3\} \(study file"):
        score(down, "phq-9", columns="q{n}")
    wide = phq([[0] * 9, [4] * 9])                         # 0..4 spans five codes: no shift of 0..3 fits
    with pytest.raises(DataError) as err:
        score(wide, "phq-9", columns="q{n}")
    assert "recode=" not in str(err.value) and says(err.value, "outside the response range 0–3")
    with pytest.raises(DataError) as err:                  # after a recode: the user already chose codes
        score(phq([[5] * 9]), "phq-9", columns="q{n}", recode={1: 0})
    assert "recode=" not in str(err.value) and says(err.value, "after recoding")


# --- label maps ----------------------------------------------------------------------------------
def test_label_map_entry_that_is_not_a_number():
    df = phq([["Often"] * 9])
    with pytest.raises(DataError) as err:
        score(df, "phq-9", columns="q{n}", labels=LabelMap({"Never": 0, "Often": "lots"}, source="lab.yaml"))
    assert str(err.value) == ("file 'lab.yaml', field 'Often', value 'lots' is not a number. Each entry maps an "
                              "answer text to its code, e.g. 'Not at all: 0' (YAML) or {\"Not at all\": 0} (JSON).")
    assert err.value.parts()["field"] == "Often" and err.value.parts()["value"] == "lots"
    with pytest.raises(DataError, match=r"^labels: field 'Often', a blank value is not a number"):
        score(df, "phq-9", columns="q{n}", labels={"Often": None})
    with pytest.raises(DataError, match=r"^file 'l.json', field 'Often', value True is not a number"):
        score(df, "phq-9", columns="q{n}", labels={"Often": True}, labels_file="l.json")
    with pytest.raises(DataError) as err:
        score(df, "phq-9", columns="q{n}", labels=["Never", "Often"], labels_file="l.yaml")
    assert str(err.value) == ("file 'l.yaml', value ['Never', 'Often'] must map label text to code; write one "
                              "entry per answer text with its code, e.g. {'Not at all': 0}")
    assert score(df, "phq-9", columns="q{n}", labels={"Often": "2"})["total"].tolist() == [18.0]


# --- ids compare as text, long values are cut ----------------------------------------------------
def test_duplicate_ids_compare_the_text():
    df = phq([["0"] * 9] * 3, ids=["007", "7", "007"])
    with pytest.raises(DataError, match=r"column 'id': id '007' appears in row 2 and row 4\. Ids must be unique"):
        check_ids(df, "id", "x.csv")
    check_ids(df.iloc[:2], "id")                            # '007' and '7' are two ids


def test_a_huge_value_is_cut_in_the_message():
    df = phq([["0"] * 3 + ["y" * 1_000_000] + ["0"] * 5])
    with pytest.raises(DataError) as err:
        score(df, "phq-9", columns="q{n}")
    msg = str(err.value)
    assert len(msg) < 1000
    assert "value '" + "y" * 76 + "…' (1000000 characters): text that is not an anchor label" in msg
    ids = phq([["0"] * 9] * 2, ids=["z" * 500] * 2)
    with pytest.raises(DataError, match=r"id 'z{76}…' \(500 characters\) appears in row 2 and row 3"):
        check_ids(ids, "id")


def test_the_audit_keeps_the_whole_value():
    long = "w" * 300
    out = score(phq([["0"] * 3 + [long] + ["0"] * 5]), "phq-9", columns="q{n}", on_invalid="missing")
    assert audit_frame(out)["value"].tolist() == [long]     # the audit is data, not a message


def test_itemset_values_of_tokens_are_nan():
    items = prepare_items(phq([["NA", "1", "#N/A", "2", "NULL", "0", "0", "0", "nan"]]), "phq-9", columns="q{n}")
    assert np.isnan(items.values[0, [0, 2, 4, 8]]).all() and items.values[0, 1] == 1.0
    assert items.audit["value"].tolist() == ["NA", "#N/A", "NULL", "nan"]


# --- non-item columns ----------------------------------------------------------------------------
def test_numeric_values_of_a_non_item_column():
    from analysis.scoring.mapping import numeric_values

    df = pd.DataFrame({"duration_s": ["612", "NA", "98", "-99", " 45 "]})
    df.attrs.update(source="x.csv", first_row=2)
    values, audit = numeric_values(df, "duration_s", missing=[-99])
    np.testing.assert_array_equal(values.to_numpy(), [612.0, np.nan, 98.0, np.nan, 45.0])
    assert audit[["row", "column", "value", "reason"]].values.tolist() == [
        [5, "duration_s", "-99", "missing code"], [3, "duration_s", "NA", "text token 'NA' read as missing"]]
    df.loc[2, "duration_s"] = "ninety"
    with pytest.raises(DataError, match=r"^file 'x.csv', row 4, column 'duration_s', value 'ninety': text that is "
                                        r"not a number\. Fix the data"):
        numeric_values(df, "duration_s")
    b = pd.DataFrame({"done": [True, False]})
    with pytest.raises(DataError, match=r"row with index 0, column 'done', value 'True': a TRUE/FALSE"):
        numeric_values(b, "done")
    plain, none = numeric_values(pd.DataFrame({"a": [1, 2]}), "a")
    assert plain.tolist() == [1.0, 2.0] and len(none) == 0

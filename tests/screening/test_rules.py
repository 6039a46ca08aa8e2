"""Exclusion rules: the hand-built survey is flagged as designed, in order, and no row disappears."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import apply_rules, careless
from analysis.errors import DataError
from analysis.formatting.apa import apa
from analysis.screening import RULE_NAMES, load_rules, parse_rules, screen

from . import handbuilt as hb
from messages import flat, says

RULES = {"attention": {"column": "att_1", "expect": 4},
         "speed": {"column": "duration_s", "min_seconds_per_item": 2},
         "duplicate_id": {},
         "longstring": {"max": 10},
         "mahad": {"confidence": 0.99},
         "duplicate_pattern": {},
         "missing": {"max_proportion": 0.25}}


@pytest.fixture(scope="module")
def hand():
    df = hb.make()
    return df, careless(df, hb.INSTRUMENTS, id_column="pid")


def _rows(flags, col):
    return flags.index[flags[col].to_numpy(dtype=bool)].tolist()


def test_handbuilt_is_flagged_as_designed(hand):
    df, idx = hand
    res = apply_rules(idx, RULES, data=df, id_column="pid")
    f = res.flags
    assert len(f) == len(df) == 200 and f.index.equals(df.index)          # nothing dropped
    assert _rows(f, "flag_attention") == hb.ATTENTION
    assert _rows(f, "flag_speed") == hb.SPEEDERS
    assert _rows(f, "flag_duplicate_id") == [hb.RESUBMISSION[1]]
    assert _rows(f, "flag_longstring") == hb.STRAIGHT
    assert _rows(f, "flag_mahad") == hb.RANDOM
    # straight-liners who chose the same answer share a pattern, and so does the resubmission
    assert _rows(f, "flag_duplicate_pattern") == [12, 14, 15, 199]
    assert _rows(f, "flag_missing") == []
    assert res.flow[["step", "rule", "n_before", "n_excluded", "n_after"]].values.tolist() == [
        [1, "attention", 200, 5, 195], [2, "speed", 195, 5, 190], [3, "duplicate_id", 190, 1, 189],
        [4, "longstring", 189, 6, 183], [5, "mahad", 183, 6, 177], [6, "duplicate_pattern", 177, 0, 177],
        [7, "missing", 177, 0, 177]]
    assert res.flow["n_flagged"].tolist() == [5, 5, 1, 6, 6, 4, 0]
    assert (res.n_received, res.n_analysed) == (200, 177)
    careless_rows = set(hb.ATTENTION + hb.SPEEDERS + hb.STRAIGHT + hb.RANDOM + [199])
    assert set(f.index[f["excluded"]]) == careless_rows
    assert f.loc[hb.RANDOM, "excluded_by"].tolist() == ["mahad"] * 6
    assert f.loc[199, "excluded_by"] == "duplicate_id"
    assert f.loc[~f["excluded"], "excluded_by"].isna().all()
    # the index values travel with the flags
    assert (f["longstring"] == idx["longstring"]).all()


def test_order_decides_which_rule_excludes(hand):
    df, idx = hand
    res = apply_rules(idx, [{"duplicate_pattern": {}}, {"longstring": {"max": 10}}], data=df)
    assert res.flow[["rule", "n_excluded"]].values.tolist() == [["duplicate_pattern", 4], ["longstring", 3]]
    assert res.flags.loc[[12, 14, 15], "excluded_by"].tolist() == ["duplicate_pattern"] * 3
    # keep: none drops every member of a duplicate group (straight-liners 10, 15 / 11, 12 / 13, 14; 0 and 199)
    res = apply_rules(idx, {"duplicate_pattern": {"keep": "none"}}, data=df)
    assert _rows(res.flags, "flag_duplicate_pattern") == [0, 10, 11, 12, 13, 14, 15, 199]


def test_flag_only_and_undefined_counts(hand):
    df, idx = hand
    res = apply_rules(idx, {"psychant": {"max_r": -0.05, "exclude": False}, "evenodd": {"max": 0.5}}, data=df)
    flow = res.flow.set_index("rule")
    assert flow.loc["psychant", "n_excluded"] == 0
    assert flow.loc["psychant", "n_flagged"] == int((idx["psychant"] > -0.05).sum()) == 20
    assert flow.loc["psychant", "n_undefined"] == int(idx["psychant"].isna().sum()) == 59
    assert flow.loc["evenodd", "n_before"] == 200
    assert flow.loc["evenodd", "n_excluded"] == int((idx["evenodd"] > 0.5).sum())
    assert not res.flags.loc[res.flags["flag_psychant"], "excluded_by"].eq("psychant").any()


def test_same_rule_twice_in_list_form(hand):
    df, idx = hand
    res = apply_rules(idx, [{"longstring": {"max": 15}}, {"longstring": {"max_avg": 1.5, "label": "runs"}}])
    assert ["flag_longstring", "flag_longstring_2"] == [c for c in res.flags.columns if c.startswith("flag_")]
    assert res.flow["description"].tolist()[1] == "runs"


def test_study_file_block_is_a_rules_file(tmp_path):
    text = ("name: s\ndata: x.csv\ninstruments: {a: {instrument: agq-r}}\n"
            "screening: {longstring: {max: 10}, attention: {column: att_1, expect: 4}, "
            "speed: {column: duration_s, min_seconds_per_item: 2}, mahad: {confidence: .99}}\n")
    path = tmp_path / "study.yaml"
    path.write_text(text)
    rules = load_rules(path)
    assert [r.rule for r in rules] == ["longstring", "attention", "speed", "mahad"]
    assert rules[3].confidence == 0.99 and rules[2].min_seconds_per_item == 2
    assert parse_rules(yaml.safe_load(text)["screening"]) == rules
    assert load_rules(tmp_path / "study.yaml") == parse_rules({"screening": yaml.safe_load(text)["screening"]})


@pytest.mark.parametrize("spec, message", [
    ({"longstrng": {"max": 10}}, "unknown rule 'longstrng' (did you mean 'longstring'?)"),
    ({"longstring": {}}, "rule 'longstring': give max"),
    ({"longstring": {"max": "ten"}}, "rule 'longstring': field 'max'"),
    ({"mahad": {"confidence": 1.5}}, "rule 'mahad': field 'confidence'"),
    ({"attention": {"column": "att_1"}}, "give 'column' and 'expect'"),
    ({"speed": {"column": "d"}}, "min_seconds_per_item"),
    ({"irv": {"min": 0.5, "oops": 1}}, "field 'oops'"),
    ({"longstring": 10}, "rule 'longstring' needs fields"),
    ([{"longstring": {"max": 1}, "irv": {"min": 1}}], "entry 1 must be one rule"),
    ("longstring", "rules must be a mapping"),
])
def test_rule_errors_name_rule_and_field(spec, message):
    with pytest.raises(DataError) as err:
        parse_rules(spec)
    assert says(err.value, message)


RULE_NAMES_SAID = ("response_type, attention, speed, longstring, irv, mahad, evenodd, psychsyn, psychant, missing, "
                   "duplicate_id, duplicate_pattern")


@pytest.mark.parametrize("spec, place, said", [
    ({"longstrng": {"max": 10}}, {"field": "screening.longstrng"},
     "field 'screening.longstrng': unknown rule 'longstrng' (did you mean 'longstring'?). Name one of the rules: "
     + RULE_NAMES_SAID + "."),
    ({"longstring": 10}, {"field": "screening.longstring", "value": 10},
     "field 'screening.longstring', value 10: rule 'longstring' needs fields. Give its fields as a mapping, e.g. "
     "longstring: {...}."),
    ([{"longstring": {"max": 1}, "irv": {"min": 1}}], {"field": "screening"},
     "field 'screening': entry 1 must be one rule. Write each entry as one rule with its fields, e.g. "
     "'- longstring: {max: 10}'."),
    ("longstring", {"field": "screening"},
     "field 'screening': the rules must be a mapping (rule: fields) or a list of rules. Write one rule per line "
     "with its fields, e.g. 'longstring: {max: 10}'."),
])
def test_a_rules_entry_is_refused_with_its_file_and_field(spec, place, said):
    with pytest.raises(DataError) as err:
        parse_rules(spec, file="study.yaml", field="screening")
    assert flat(err.value) == f"file 'study.yaml', {said}"
    parts = err.value.parts()
    assert parts["file"] == "study.yaml" and {k: parts[k] for k in place} == place and parts["hint"]


def test_rules_in_code_are_refused_without_a_file():
    with pytest.raises(DataError) as err:
        parse_rules({"longstrng": {"max": 10}})
    assert flat(err.value) == ("rules: field 'longstrng': unknown rule 'longstrng' (did you mean 'longstring'?). "
                               "Name one of the rules: " + RULE_NAMES_SAID + ".")


def test_a_rules_file_names_the_file_and_the_rule(tmp_path):
    p = tmp_path / "rules.yaml"
    p.write_text("longstring: {max: 10}\ncarelessness: {max: 2}\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_rules(p)
    assert err.value.parts()["file"] == str(p) and err.value.parts()["field"] == "carelessness"
    assert says(err.value, f"file '{p}', field 'carelessness': unknown rule 'carelessness'. Name one of the rules:")


def test_rules_file_errors(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load_rules(tmp_path / "none.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("longstring: {max: 10\n")
    with pytest.raises(DataError, match=r", line \d+ is not valid YAML at column"):
        load_rules(bad)


def test_rule_on_an_index_undefined_for_everyone(hand):
    df, idx = hand
    # as careless() leaves it when no item pair passes the critical value
    idx = idx.copy()
    idx["psychsyn_r"] = np.nan
    idx.attrs = {**idx.attrs, "notes": {"psychsyn": "psychsyn: no psychometric synonyms found"}}
    with pytest.raises(DataError, match="undefined for every respondent .psychsyn: no psychometric synonyms"):
        apply_rules(idx, {"psychsyn": {"min_r": 0.2}})


def test_attention_speed_variants(hand):
    df, idx = hand
    df = df.copy()
    df.loc[3, "att_1"] = pd.NA
    res = apply_rules(idx, {"attention": {"columns": {"att_1": [2, 4]}, "missing_fails": False}}, data=df)
    assert _rows(res.flags, "flag_attention") == []
    res = apply_rules(idx, {"attention": {"columns": {"att_1": 4}}}, data=df)
    assert _rows(res.flags, "flag_attention") == [3] + hb.ATTENTION
    minutes = df.assign(minutes=df["duration_s"] / 60)
    res = apply_rules(idx, {"speed": {"column": "minutes", "unit": "minutes", "min_seconds": 40}}, data=minutes)
    assert _rows(res.flags, "flag_speed") == [r for r in hb.SPEEDERS if df.loc[r, "duration_s"] < 40]
    with pytest.raises(DataError, match="holds no data, but the attention items are in it"):
        apply_rules(idx, {"attention": {"column": "att_1", "expect": 4}})
    with pytest.raises(DataError, match="column 'nope' \\(the attention item\\) is not in the data"):
        apply_rules(idx, {"attention": {"column": "nope", "expect": 4}}, data=df)


def test_screen_one_call_and_apa(hand):
    df, idx = hand
    res = screen(df, hb.INSTRUMENTS, rules=RULES, id_column="pid")
    pd.testing.assert_frame_equal(res.flags, apply_rules(idx, RULES, data=df, id_column="pid").flags)
    text = apa(res).full_result
    assert text.startswith("Of 200 respondents, 23 were excluded: 5 by attention")
    assert text.endswith("177 respondents were analysed.")
    assert "received 200" in res.flow_text() and "analysed 177" in res.flow_text()
    assert res.summary()[["rule", "n_flagged", "n_excluded"]].values.tolist()[:2] == [["attention", 5, 5], ["speed", 5, 5]]
    assert set(RULE_NAMES) == {"response_type", "attention", "speed", "longstring", "irv", "mahad", "evenodd", "psychsyn",
                               "psychant", "missing", "duplicate_id", "duplicate_pattern"}


def test_response_type_rule_flags_qualtrics_previews_and_spam():
    """Qualtrics's Status column: previews, tests and spam are flagged and excluded, nobody dropped."""
    df = hb.make().head(6).copy()
    df["Status"] = ["IP Address", "Survey Preview", "IP Address", "Spam", "Survey Test", "IP Address"]
    idx = careless(df, hb.INSTRUMENTS)
    res = apply_rules(idx, {"response_type": {}}, data=df)
    assert res.flags.index.equals(df.index)
    assert _rows(res.flags, "flag_response_type") == [1, 3, 4]
    assert res.flags["response_type"].tolist() == df["Status"].tolist()
    assert res.flow[["rule", "n_before", "n_excluded", "n_after"]].values.tolist() == [["response_type", 6, 3, 3]]
    # numeric Status codes (1 = Survey Preview, 8 = Spam) and a rule that keeps tests
    df["Status"] = [0, 1, 0, 8, 4, 0]
    res = apply_rules(idx, {"response_type": {"exclude_types": ["Survey Preview", "Spam"]}}, data=df)
    assert _rows(res.flags, "flag_response_type") == [1, 3]
    with pytest.raises(DataError, match="column 'Status' is not in the data"):
        apply_rules(idx, {"response_type": {}}, data=df.drop(columns="Status"))

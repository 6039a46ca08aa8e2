"""The rule coder: one row per statement, the words behind every feature, negation, rules as data."""

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import DataError
from analysis.goals import LexiconError, code_goals, code_statement, load_lexicon
from analysis.goals.coder import CODING_COLUMNS
from analysis.goals.lexicon import FEATURES, LEXICON_DIR
from messages import flat


def test_same_index_nothing_dropped_empty_is_unclear_with_reason():
    df = pd.DataFrame({"goal": ["Close 20 sales a month", None, "   ", np.nan, "n/a"], "team": list("abcde")},
                      index=[10, 7, 3, 99, 5])
    res = code_goals(df, text="goal")
    out = res.data
    assert list(out.index) == [10, 7, 3, 99, 5]
    assert list(out["team"]) == list("abcde")  # the input columns are kept
    assert list(out["goal_type"]) == ["performance", "unclear", "unclear", "unclear", "unclear"]
    assert list(out["reason"])[1:4] == ["no statement written"] * 3
    assert out.loc[5, "reason"] == "the answer says there is no goal or the person is unsure"
    assert res.n == 5 and res.n_excluded == 0
    assert set(CODING_COLUMNS) <= set(out.columns)
    assert (out["coded_by"] == "rules (first pass, for human review)").all()
    assert "for human review" in res.apa() and "for human review" in res.note


def test_features_name_their_trigger_words():
    r = code_statement("Close 20 sales a month")
    assert (r["depends_on_others"], r["depends_on_others_words"]) == (True, "sales")
    assert (r["has_target_number"], r["has_target_number_words"]) == (True, "20")
    assert (r["specific"], r["specific_words"]) == (True, "a month")
    assert (r["controllable"], r["learning_focus"]) == (False, False)
    assert (r["goal_type"], r["rule"]) == ("performance", 3)
    m = code_statement("Practise my pitch every Friday with my mentor")
    assert m["goal_type"] == "mastery"
    assert m["controllable_words"] == "practise"
    assert m["specific_words"] == "every friday; with my mentor"
    assert m["learning_focus_words"] == "practise; mentor"


def test_negation_switches_off_a_target_and_says_so():
    plain = code_statement("Practise one questioning technique on every client call to hit the target")
    neg = code_statement("Practise one questioning technique on every client call, not just to hit the target")
    assert plain["goal_type"] == "performance" and plain["depends_on_others_words"] == "target"
    assert neg["goal_type"] == "mastery"
    assert neg["depends_on_others"] is False and neg["negated_words"] == "target"
    # the negation ends at the clause: "but" starts a new one
    r = code_statement("not for the bonus but to beat my sales target of 30 deals")
    assert r["depends_on_others_words"] == "beat; sales; target; deals" and r["negated_words"] == "bonus"


def test_rewrite_templates_only_for_outcome_and_performance():
    assert "Every [week] I will" in code_statement("be a better leader")["rewrite"]
    perf = code_statement("Get promoted this year")["rewrite"]
    assert perf.startswith("Keep the target (promoted) in view")
    assert code_statement("Read one book every month")["rewrite"] == ""
    assert code_statement("")["rewrite"] == ""


def test_non_text_values_are_coded_as_text():
    out = code_goals(pd.DataFrame({"goal": [5, 3.5, True]}), text="goal").data
    assert list(out["goal_type"]) == ["unclear", "unclear", "unclear"]
    assert list(out["reason"]) == ["not recognised as a goal (no goal wording)"] * 3


def test_curly_quotes_and_case_are_normalised():
    a = code_statement("I DON\u2019T KNOW")
    assert a["goal_type"] == "unclear" and a["rule"] == 2


@pytest.mark.parametrize("kwargs,message", [
    ({"text": "nope"}, r"column 'nope' \(the goal statement column\) is not in the data"),
    ({"text": "goal", "id_column": "who"}, r"column 'who' \(the id column\) is not in the data"),
])
def test_missing_columns_are_named(kwargs, message):
    with pytest.raises(DataError, match=message):
        code_goals(pd.DataFrame({"goal": ["x"]}), **kwargs)


def test_refuses_to_overwrite_a_column():
    with pytest.raises(DataError, match="already have a column 'goal_type'"):
        code_goals(pd.DataFrame({"goal": ["x"], "goal_type": ["y"]}), text="goal")


def _shipped():
    return yaml.safe_load((LEXICON_DIR / "en.yaml").read_text(encoding="utf-8"))


def _write(tmp_path, spec, name="lex.yaml"):
    p = tmp_path / name
    p.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return p


def test_another_language_is_a_file(tmp_path):
    """A lexicon in another language needs no code: here a small German one."""
    spec = _shipped()
    spec.update(id="de-test", language="Deutsch")
    spec["features"] = {f: {"phrases": [], "patterns": []} for f in FEATURES}
    spec["features"]["controllable"]["phrases"] = ["lese*", "übe*"]
    spec["features"]["specific"]["phrases"] = ["jede woche", "jeden monat"]
    spec["features"]["depends_on_others"]["phrases"] = ["umsatz", "beförderung", "befördert"]
    spec["features"]["has_target_number"]["patterns"] = [r"\d+"]
    spec["goal_wording"] = {"phrases": ["will", "werden", "mehr"], "patterns": []}
    spec["negation"]["cues"] = ["nicht nur", "statt"]
    lex = load_lexicon(_write(tmp_path, spec))
    df = pd.DataFrame({"ziel": ["Ich lese jeden Monat ein Fachbuch", "20 % mehr Umsatz jede Woche",
                                "Jede Woche üben, nicht nur für die Beförderung"]})
    out = code_goals(df, text="ziel", lexicon=lex).data
    assert list(out["goal_type"]) == ["mastery", "performance", "mastery"]
    assert out.loc[2, "negated_words"] == "beförderung"


@pytest.mark.parametrize("change,message", [
    (lambda s: s["features"].pop("specific"), "feature 'specific' is not defined"),
    (lambda s: s["features"]["specific"]["patterns"].append("(unclosed"), "not a valid regular expression"),
    (lambda s: s["rules"].pop(), "the last rule must have an empty 'when'"),
    (lambda s: s["rules"][2]["when"].update({"all": ["depends_on_other"]}), "unknown condition 'depends_on_other'"),
    (lambda s: s["rules"][2].update({"goal_type": "avoidance"}), "rules.2.goal_type"),
    (lambda s: s["negation"].update({"applies_to": ["specifc"]}), "unknown feature 'specifc'"),
])
def test_lexicon_schema_errors_name_file_and_field(tmp_path, change, message):
    spec = _shipped()
    change(spec)
    p = _write(tmp_path, spec, f"bad{abs(hash(message)) % 1000}.yaml")
    with pytest.raises(LexiconError, match=message) as err:
        load_lexicon(p)
    assert str(p) in str(err.value)


def test_unknown_shipped_lexicon():
    with pytest.raises(LexiconError) as err:
        load_lexicon("xx")
    assert flat(err.value) == ("lexicon='xx' is not a shipped goal lexicon (shipped: en); give the path of a "
                               "lexicon YAML file instead")
    assert err.value.parts() == {"argument": "lexicon", "value": "xx",
                                 "hint": "give the path of a lexicon YAML file instead"}


def test_a_lexicon_file_that_is_not_a_mapping_is_refused_with_its_file(tmp_path):
    p = tmp_path / "list.yaml"
    p.write_text("- controllable\n- specific\n", encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_lexicon(p)
    assert flat(err.value) == (f"file '{p}' must be a goal lexicon: a mapping of fields (id, features, rules, …). "
                               "Start from the shipped lexicon (analysis/goals/lexicons/en.yaml) and keep its fields.")
    assert set(err.value.parts()) == {"file", "hint"}


def test_rules_are_listed_in_order():
    lex = load_lexicon("en")
    assert [r.goal_type for r in lex.spec.rules] == ["unclear", "unclear", "performance", "mastery", "outcome", "unclear"]
    assert lex.spec.rules[2].when.text() == "depends_on_others; any of has_target_number, specific"


@settings(derandomize=True, max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=80), st.floats(allow_nan=True), st.integers()), max_size=12))
def test_any_input_gives_one_valid_row_each(values):
    df = pd.DataFrame({"goal": pd.Series(values, dtype=object)}, index=range(100, 100 + len(values)))
    out = code_goals(df, text="goal").data
    assert list(out.index) == list(df.index)
    assert out["goal_type"].isin(["mastery", "performance", "outcome", "unclear"]).all()
    assert out["reason"].map(bool).all()
    for f in FEATURES:  # a feature is on exactly when it lists a word
        assert (out[f] == out[f"{f}_words"].map(bool)).all()


def test_table_is_the_tidy_coding_and_data_keeps_the_input():
    df = pd.DataFrame({"Goal text": ["Close 20 sales a month", "n/a"], "team": ["a", "b"]}, index=[7, 3])
    res = code_goals(df, text="Goal text")
    t = res.table()
    assert list(t.columns) == ["row", "goal_type", "rule", "reason", "controllable", "specific", "learning_focus",
                               "depends_on_others", "has_target_number", "coded_by"]
    assert list(t["row"]) == [1, 2] and list(t["goal_type"]) == ["performance", "unclear"]
    assert list(t["has_target_number"]) == [True, False]
    assert list(res.data.index) == [7, 3] and res.data.loc[7, "has_target_number_words"] == "20"
    assert res.data.loc[3, "team"] == "b"

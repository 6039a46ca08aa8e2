"""Screening results keep the result protocol (tests/protocol.py) on the shipped demo, and
``screen(data, instrument, columns, rules=...)`` takes its arguments in the order of score() and careless();
the old order (rules third) had its release of warnings and is refused now (issue 20)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
import yaml

from analysis import apply_rules, careless
from analysis.datasets import read_dataset
from analysis.errors import DataError
from analysis.screening import CarelessResult, ScreeningResult, parse_rules, screen
from tests.protocol import assert_protocol

AGQ = dict(response={"min": 1, "max": 7}, missing=[-99], seed=1)
SPEC = {"goals": {"instrument": "agq-r", "columns": "agq_{n}", "response": {"min": 1, "max": 7}},
        "procr": {"instrument": "pps", "columns": "pps_{n}"}}
RULES = {"attention": {"column": "att_1", "expect": 4},
         "speed": {"column": "duration_s", "min_seconds_per_item": 2},
         "longstring": {"max": 15},
         "mahad": {"confidence": .999, "exclude": False}}


@pytest.fixture(scope="module")
def demo():
    return read_dataset("demo")


@pytest.fixture(scope="module")
def indices(demo):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)     # no psychometric synonyms in 24 items
        return careless(demo, SPEC, missing=[-99], seed=1)


@pytest.fixture(scope="module")
def screened(demo, indices):
    return apply_rules(indices, RULES, data=demo, id_column="respondent_id")


def test_careless_result_keeps_the_protocol(indices, demo):
    assert isinstance(indices, CarelessResult)
    assert_protocol(indices)
    assert indices.n == len(demo) == 400 and indices.n_excluded == 0
    assert indices.options["seed"] == 1 and indices.options["missing"] == [-99]
    text = indices.apa()
    want = int((demo.filter(regex=r"^(agq|pps)_\d+$") == -99).sum().sum())
    assert str(text) == (f"Careless-responding indices of 400 respondents over 24 items (agq-r, pps); "
                         f"{want} values were set to missing before screening.")
    assert text.table["index"].tolist() == indices.summary()["index"].tolist()


def test_screening_result_keeps_the_protocol(screened, demo, tmp_path):
    assert isinstance(screened, ScreeningResult)
    assert_protocol(screened, figure=True, tmp_path=tmp_path)
    assert screened.table().equals(screened.flags) and len(screened.table()) == len(demo)


def test_screening_summary_is_the_flow_and_counts_are_the_data(screened, demo):
    s = screened.summary()
    assert s.columns.tolist() == ["step", "rule", "description", "exclude", "n_before", "n_flagged", "n_undefined",
                                  "n_excluded", "n_after"]
    failed = int((demo["att_1"] != 4).sum())                       # attention: anything but the instructed 4
    assert s.loc[0, ["rule", "n_flagged", "n_excluded"]].tolist() == ["attention", failed, failed]
    assert (screened.n, screened.n_excluded) == (400 - failed, failed) == (390, 10)
    assert s["n_after"].iloc[-1] == screened.n and not s.loc[3, "exclude"] and s.loc[3, "n_excluded"] == 0
    assert screened.flow_text().splitlines()[0] == "received 400"
    assert screened.flow_text().splitlines()[-1] == "analysed 390"
    assert str(screened.apa()).startswith("Of 400 respondents, 10 were excluded: 10 by attention")
    s.loc[0, "n_excluded"] = -1                                      # a copy: the result is unchanged
    assert screened.flow.loc[0, "n_excluded"] == failed


def test_screening_options_and_r_call(screened):
    o = screened.options
    assert o["rules"] == [{"attention": {"column": "att_1", "expect": 4}},
                          {"speed": {"column": "duration_s", "min_seconds_per_item": 2.0}},
                          {"longstring": {"max": 15}}, {"mahad": {"exclude": False, "confidence": 0.999}}]
    assert o["id_column"] == "respondent_id" and o["seed"] == 1
    assert screened.r_call == (
        'flags <- data.frame(attention = (!(d$att_1 %in% c(4))) > 0, speed = d$duration_s / ncol(x) < 2, '
        'longstring = careless::longstring(x) > 15, mahad = careless::mahad(x, plot = FALSE) > qchisq(0.999, ncol(x))); '
        'analysed <- !Reduce(`|`, flags[c("attention", "speed", "longstring")])')


# --- screen(): the argument order ------------------------------------------------------------------
LS = {"longstring": {"max": 10}}
#: the AGQ-R columns as a list in the key's item order (scale by scale)
KEY_ORDER = [f"agq_{n}" for n in (1, 3, 7, 2, 4, 8, 5, 9, 11, 6, 10, 12)]


@pytest.fixture(scope="module")
def reference(demo):
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return screen(demo, "agq-r", "agq_{n}", rules=LS, **AGQ).flags


def _quiet_call(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)              # the new order never warns
        warnings.simplefilter("ignore", RuntimeWarning)
        return screen(*args, **kwargs)


def test_screen_new_order_and_keywords_do_not_warn(demo, reference):
    assert reference["flag_longstring"].sum() == 5
    cols = KEY_ORDER
    for res in (_quiet_call(demo, "agq-r", "agq_{n}", rules=LS, **AGQ),
                _quiet_call(demo, "agq-r", columns="agq_{n}", rules=LS, **AGQ),
                _quiet_call(demo, "agq-r", rules=LS, columns="agq_{n}", **AGQ),
                _quiet_call(demo, "agq-r", cols, rules=LS, **AGQ),
                _quiet_call(demo, "agq-r", {n: f"agq_{n}" for n in range(1, 13)}, rules=LS, **AGQ),
                _quiet_call(demo, "agq-r", "agq_{n}", rules=[{"longstring": {"max": 10}}], **AGQ),
                _quiet_call(demo, "agq-r", "agq_{n}", rules=parse_rules(LS), **AGQ)):
        pd.testing.assert_frame_equal(res.flags, reference)
    # instruments that carry their columns: no columns at all, rules by name
    spec = {"goals": {"instrument": "agq-r", "columns": "agq_{n}", "response": {"min": 1, "max": 7}}}
    res = _quiet_call(demo, spec, rules=LS, missing=[-99], seed=1)
    pd.testing.assert_frame_equal(res.flags, reference)
    res = _quiet_call(demo, spec, None, rules=LS, missing=[-99], seed=1)
    pd.testing.assert_frame_equal(res.flags, reference)


def test_the_old_order_is_refused_without_guessing(demo, tmp_path):
    """Rules given third (the old order) stop with a message naming rules=; rules given fourth are a
    TypeError, as Python gives for any keyword-only argument passed by position."""
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(yaml.safe_dump(LS), encoding="utf-8")
    for rules in (LS, [{"longstring": {"max": 10}}], str(rules_file), rules_file, parse_rules(LS)):
        with pytest.raises(DataError) as err:
            screen(demo, "agq-r", rules, **AGQ)
        assert err.value.parts()["argument"] == "columns" and err.value.parts()["hint"] == (
            "pass the rules by name: screen(data, instrument, columns, rules=...)")
    with pytest.raises(TypeError, match="positional argument"):
        screen(demo, "agq-r", "agq_{n}", LS, **AGQ)


def test_screen_refuses_two_sets_of_rules(demo):
    with pytest.raises(DataError, match=r"looks like screening rules, not item columns"):
        screen(demo, "agq-r", LS, rules={"missing": {"max_proportion": .5}}, **AGQ)

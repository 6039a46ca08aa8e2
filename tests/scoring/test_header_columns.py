"""Item columns as exports name them: headers that hold the item text (`(GP 1)I often…`, `(GP2) I…`)
are found by a prefix or a regular expression, from Python, the command line and a study file; two
headers for one item, or an item with none, stop with both listed; a pattern that fits nothing names
the nearest headers; a study's message names its fields, not flags."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import DataError, score
from analysis.cli import main

#: GPS answers of two respondents (items 1-20), hand-scored below
ANSWERS = [[1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5],
           [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]]
REVERSED = {3, 4, 6, 8, 11, 13, 14, 15, 18, 20}          # the gps key's reverse-keyed items
REGEX = r"^\(GP ?(\d+)\)"


def header(n: int) -> str:
    """Two spellings in one export, as the issue found them."""
    return f"(GP {n})I often item {n} text" if n % 2 else f"(GP{n}) I item {n} text"


def export(items=range(1, 21), extra=()) -> pd.DataFrame:
    cols = [header(n) for n in items] + list(extra)
    rows = [[str(r[n - 1]) for n in items] + ["3"] * len(extra) for r in ANSWERS]
    return pd.DataFrame(rows, columns=cols)


def hand_mean(row) -> float:
    return sum((6 - x) if n in REVERSED else x for n, x in enumerate(row, 1)) / 20


def flat(text: str) -> str:
    return " ".join(str(text).split())


@pytest.mark.parametrize("columns", [{"regex": REGEX}, {"prefix": "(GP"}, {"regex": r"GP ?0*(\d+)\)"}])
def test_header_pattern_scores_as_by_hand(columns):
    out = score(export(), "gps", columns=columns)
    # row 1: items 1-20 cycle 1..5; keyed sum 60 -> 3.0; row 2: ten 5s and ten reversed 1s -> 3.0
    assert [hand_mean(r) for r in ANSWERS] == [2.8, 3.0]
    assert out["total"].tolist() == [2.8, 3.0]
    assert out["total_n_valid"].tolist() == [20, 20]


def test_header_pattern_maps_each_item_to_its_header():
    from analysis import load_instrument
    from analysis.scoring import resolve_columns

    mapping = resolve_columns(export(), load_instrument("gps"), {"regex": REGEX})
    assert mapping == {n: header(n) for n in range(1, 21)}
    assert resolve_columns(export(), load_instrument("gps"), {"prefix": "(GP"}) == mapping


def test_two_headers_for_one_item_and_an_item_without_one_are_listed():
    df = export(items=range(1, 20), extra=["(GP 3) repeated"])
    with pytest.raises(DataError) as exc:
        score(df, "gps", columns={"regex": REGEX})
    assert flat(exc.value) == (
        r"the column regex '^\(GP ?(\d+)\)' does not give each item of instrument 'gps' exactly one column: "
        "more than one column for item 3: '(GP 3)I often item 3 text', '(GP 3) repeated'; and no column for "
        "item(s) 20. Make the pattern stricter (or wider), rename the columns, or map the items one by one "
        "(columns= with a map {1: col, 2: col}).")


def test_headers_whose_number_is_no_item_are_named_when_an_item_lacks_a_column():
    df = export(items=range(1, 20), extra=["(GP 21) not an item"])
    with pytest.raises(DataError, match=r"no column for item\(s\) 20\. Columns whose number is not an item of "
                                        r"the key: '\(GP 21\) not an item' \(item '21'\)\."):
        score(df, "gps", columns={"prefix": "(GP"})


def test_nothing_fits_names_the_nearest_headers():
    with pytest.raises(DataError) as exc:
        score(export(), "gps", columns={"regex": r"^\(GPS ?(\d+)\)"})
    assert flat(exc.value) == (
        r"the column regex '^\(GPS ?(\d+)\)' matches no column of the data, so instrument 'gps' has none of its "
        "items (1–20). Near matches among the headers: '(GP 1)I often item 1 text', '(GP 11)I often item 11 "
        "text', '(GP 13)I often item 13 text'. Check columns= (the column pattern, map, prefix or regex).")


def test_letter_case_is_named_when_it_is_the_only_difference():
    with pytest.raises(DataError, match=r"20 column\(s\) match when letter case is ignored \(e\.g\. '\(GP 1\)I "
                                        r"often item 1 text'\): start the regex with \(\?i\)"):
        score(export(), "gps", columns={"regex": r"^\(gp ?(\d+)\)"})
    assert score(export(), "gps", columns={"regex": r"(?i)^\(gp ?(\d+)\)"})["total"].tolist() == [2.8, 3.0]


@pytest.mark.parametrize("columns, said", [
    ({"regex": r"^\(GP ?\d+\)"}, r"the column regex '^\(GP ?\d+\)' has no group; put the item number in "
                                 r"parentheses"),
    ({"regex": r"^\(GP ?(\d+\)"}, r"the column regex '^\(GP ?(\d+\)' is not a regular expression (missing ), "
                                  r"unterminated subpattern at position 7)"),
    ({"prefix": 3}, "the column prefix must be text, e.g. '(GP'; got 3"),
])
def test_a_malformed_pattern_says_what_is_wrong(columns, said):
    with pytest.raises(DataError) as exc:
        score(export(), "gps", columns=columns)
    assert said in flat(exc.value)


def test_an_item_called_regex_is_still_mapped_by_name():
    from analysis import instrument_from_dict

    inst = instrument_from_dict({"id": "odd", "response": {"min": 1, "max": 5},
                                 "scales": {"s": {"items": ["regex", "b"]}}})
    out = score(pd.DataFrame({"x": [1], "b": [3]}), inst, columns={"regex": "x"})
    assert out["s"].tolist() == [2.0]


# --------------------------------------------------------------------------------------------------
def _run(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as stop:
        code = stop.code
    captured = capsys.readouterr()
    return code, flat(captured.out + captured.err)


def test_cli_columns_regex_and_prefix(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    export().to_csv("gps.csv", index=False)
    for flag, value in (("--columns-regex", REGEX), ("--columns-prefix", "(GP")):
        code, said = _run(["score", "gps.csv", "--instrument", "gps", flag, value, "-o", "s.csv"], capsys)
        assert code == 0, said
        assert pd.read_csv("s.csv")["total"].tolist() == [2.8, 3.0]


def test_cli_names_its_flags(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    export(items=range(1, 20)).to_csv("gps.csv", index=False)
    code, said = _run(["score", "gps.csv", "--instrument", "gps", "--columns-regex", REGEX, "-o", "s.csv"], capsys)
    assert code == 2
    assert said == ("goalscope: file 'gps.csv': the column regex '^\\(GP ?(\\d+)\\)' does not give each item of "
                    "instrument 'gps' exactly one column: no column for item(s) 20. Make the pattern stricter (or "
                    "wider), rename the columns, or map the items one by one (--map FILE).")
    code, said = _run(["score", "gps.csv", "--instrument", "gps", "--columns", "GP{n}", "-o", "s.csv"], capsys)
    assert code == 2 and said.endswith("Check --columns, --map, --columns-prefix or --columns-regex.")


def test_cli_regex_and_columns_exclude_each_other(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    export().to_csv("gps.csv", index=False)
    code, said = _run(["score", "gps.csv", "--instrument", "gps", "--columns", "GP{n}", "--columns-regex", REGEX,
                       "-o", "s.csv"], capsys)
    assert code == 2 and "argument --columns-regex: not allowed with argument --columns" in said


def test_help_documents_the_header_flags(capsys):
    with pytest.raises(SystemExit):
        main(["score", "--help"])
    text = flat(capsys.readouterr().out)
    assert "--columns-regex REGEX item columns by a regular expression searched in each header, its first " \
           "group the item number, e.g. '^\\(GP ?(\\d+)\\)'" in text
    assert "--columns-prefix TEXT item columns by the text their headers start with" in text


# --------------------------------------------------------------------------------------------------
STUDY = """\
name: gp
data: gps.csv
instruments:
  gps: {{instrument: gps, columns: {columns}{extra}}}
"""


def _study(tmp_path, columns, extra=""):
    export().to_csv(tmp_path / "gps.csv", index=False)
    (tmp_path / "study.yaml").write_text(STUDY.format(columns=columns, extra=extra), encoding="utf-8")
    return ["run", str(tmp_path / "study.yaml"), "--processed", str(tmp_path / "p"), "--reports",
            str(tmp_path / "r")]


def test_study_file_regex_scores_the_items(tmp_path, capsys):
    code, said = _run(_study(tmp_path, r"{regex: '^\(GP ?(\d+)\)'}"), capsys)
    assert code == 0, said
    assert pd.read_csv(tmp_path / "p" / "scores.csv")["gps_total"].tolist() == [2.8, 3.0]


def test_study_file_errors_name_its_fields_not_flags(tmp_path, capsys):
    code, said = _run(_study(tmp_path, r"{regex: '^\(GPS ?(\d+)\)'}"), capsys)
    assert code == 2
    assert said.endswith("Check 'columns:' of instrument 'gps' (the column pattern, map, prefix or regex).")
    assert "--columns" not in said and "columns=" not in said
    code, said = _run(_study(tmp_path, "{prefix: '(GP'}", ", response: {min: 1, max: 4}"), capsys)
    assert code == 2
    assert ("declare codes that mean 'no answer' as missing ('missing:' of instrument 'gps'), set the "
            "administration range ('response:' of instrument 'gps'), or set 'on_invalid: missing' of instrument "
            "'gps' to set such values to missing") in said
    assert "--" not in said.replace("goalscope:", "") and "=" not in said

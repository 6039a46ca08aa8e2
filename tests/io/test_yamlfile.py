"""Duplicate keys in any YAML file are an error naming the file, the line and the key (issue 9, item 4)."""

import pytest

from analysis import DataError, InstrumentError, StudyError
from analysis.cli import main, read_mapping_file
from analysis.instruments import load_instrument
from analysis.io.yamlfile import parse_yaml
from analysis.screening.rules import load_rules
from analysis.study import load_study
from messages import says

STUDY = """\
name: dup
data: responses.csv
instruments:
  goals: {instrument: agq-r, columns: "agq_{n}"}
  goals: {instrument: pps, columns: "pps_{n}"}
"""

KEY = """\
id: k
response: {min: 1, max: 5}
scales:
  a:
    items: [1, 2]
    method: mean
    method: sum
"""


def test_study_file_with_a_repeated_instrument(tmp_path):
    (tmp_path / "study.yaml").write_text(STUDY)
    with pytest.raises(StudyError, match=r"study file '.*study.yaml' is not valid YAML at line 5, column 3: "
                                         r"key 'goals' appears twice \(first at line 4\); remove or rename one"):
        load_study(tmp_path / "study.yaml")


def test_key_file_with_a_repeated_field(tmp_path):
    (tmp_path / "k.yaml").write_text(KEY)
    with pytest.raises(InstrumentError, match=r"instrument file '.*k.yaml' is not valid YAML at line 7, column 5: "
                                              r"key 'method' appears twice \(first at line 6\)"):
        load_instrument(tmp_path / "k.yaml")


def test_rules_file_with_a_repeated_rule(tmp_path):
    (tmp_path / "rules.yaml").write_text("longstring: {max: 10}\nmissing: {max: .2}\nlongstring: {max: 5}\n")
    with pytest.raises(DataError, match=r"rules file '.*rules.yaml' is not valid YAML at line 3, column 1: "
                                        r"key 'longstring' appears twice \(first at line 1\)"):
        load_rules(tmp_path / "rules.yaml")


@pytest.mark.parametrize("name, text, message", [
    ("labels.yaml", "Never: 1\nSometimes: 2\nNever: 3\n",
     r"labels file '.*labels.yaml' is not valid YAML at line 3, column 1: key 'Never' appears twice \(first at line 1\)"),
    ("labels.json", '{"Never": 1, "Sometimes": 2, "Never": 3}',
     r"file '.*labels.json': key 'Never' appears twice in one object. Remove or rename one of them."),
    ("labels.csv", "label,code\nNever,1\nSometimes,2\nNever,3\n",
     r"file '.*labels.csv', line 4: key 'Never' appears twice \(first at line 2\). Remove or rename one"),
])
def test_label_maps_with_a_repeated_label(tmp_path, name, text, message):
    (tmp_path / name).write_text(text)
    with pytest.raises(DataError, match=message):
        read_mapping_file(tmp_path / name, "labels")


def test_cli_column_map_with_a_repeated_item_exits_2(tmp_path, capsys):
    (tmp_path / "map.yaml").write_text("1: Q1\n2: Q2\n1: Q3\n")
    (tmp_path / "d.csv").write_text("Q1,Q2,Q3\n1,2,3\n")
    with pytest.raises(SystemExit) as exc:
        main(["score", str(tmp_path / "d.csv"), "--instrument", "agq-r", "--map", str(tmp_path / "map.yaml"),
              "-o", str(tmp_path / "o.csv")])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and says(err, "line 3, column 1: key 1 appears twice (first at line 1)")
    assert not (tmp_path / "o.csv").exists()


def test_merge_keys_and_same_key_in_different_mappings_are_fine():
    text = "base: &b {min: 1, max: 5}\nresp:\n  <<: *b\n  max: 7\nother: {min: 1}\n"
    assert parse_yaml(text, "x") == {"base": {"min": 1, "max": 5}, "resp": {"min": 1, "max": 7}, "other": {"min": 1}}


def test_a_very_long_key_is_shortened_in_the_message():
    key = "k" * 500
    with pytest.raises(Exception) as exc:
        parse_yaml(f"{key}: 1\n{key}: 2\n", "labels file 'l.yaml'")
    assert len(str(exc.value)) < 250 and "..." in str(exc.value)

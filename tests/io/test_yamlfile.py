"""Duplicate keys in any YAML file are an error naming the file, the line and the key (issue 9, item 4)."""

import pytest

from analysis import DataError, InstrumentError, StudyError
from analysis.cli import main
from analysis.cli.inputs import read_mapping_file
from analysis.instruments import load_instrument
from analysis.io.yamlfile import parse_yaml
from analysis.screening.rule_schema import load_rules
from analysis.study import load_study
from messages import flat, says

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
    with pytest.raises(StudyError, match=r"file '.*study.yaml', line 5 is not valid YAML at column 3: "
                                         r"key 'goals' appears twice \(first at line 4\). Remove or rename one"):
        load_study(tmp_path / "study.yaml")


def test_key_file_with_a_repeated_field(tmp_path):
    (tmp_path / "k.yaml").write_text(KEY)
    with pytest.raises(InstrumentError, match=r"file '.*k.yaml', line 7 is not valid YAML at column 5: "
                                              r"key 'method' appears twice \(first at line 6\)"):
        load_instrument(tmp_path / "k.yaml")


def test_rules_file_with_a_repeated_rule(tmp_path):
    (tmp_path / "rules.yaml").write_text("longstring: {max: 10}\nmissing: {max: .2}\nlongstring: {max: 5}\n")
    with pytest.raises(DataError, match=r"file '.*rules.yaml', line 3 is not valid YAML at column 1: "
                                        r"key 'longstring' appears twice \(first at line 1\)"):
        load_rules(tmp_path / "rules.yaml")


@pytest.mark.parametrize("name, text, message", [
    ("labels.yaml", "Never: 1\nSometimes: 2\nNever: 3\n",
     r"labels file '.*labels.yaml': line 3 is not valid YAML at column 1: key 'Never' appears twice \(first at line 1\)"),
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
    assert exc.value.code == 2 and says(err, "line 3 is not valid YAML at column 1: key 1 appears twice (first at line 1). Remove or rename one")
    assert not (tmp_path / "o.csv").exists()


def test_merge_keys_and_same_key_in_different_mappings_are_fine():
    text = "base: &b {min: 1, max: 5}\nresp:\n  <<: *b\n  max: 7\nother: {min: 1}\n"
    assert parse_yaml(text, "x") == {"base": {"min": 1, "max": 5}, "resp": {"min": 1, "max": 7}, "other": {"min": 1}}


def test_a_very_long_key_is_shortened_in_the_message():
    key = "k" * 500
    with pytest.raises(Exception) as exc:
        parse_yaml(f"{key}: 1\n{key}: 2\n", "labels file 'l.yaml'")
    assert len(str(exc.value)) < 250 and "..." in str(exc.value)


# --- the refusals of load_yaml, parse_yaml and validate carry their parts (issue 21) -----------------------

def test_a_yaml_file_that_cannot_be_read_is_refused_with_the_file(tmp_path):
    from analysis.io.yamlfile import load_yaml

    (tmp_path / "latin1.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    (tmp_path / "folder.yaml").mkdir()
    said = {}
    for name in ("absent.yaml", "folder.yaml", "latin1.yaml"):
        with pytest.raises(StudyError) as exc:
            load_yaml(tmp_path / name, "study file", StudyError)
        assert set(exc.value.parts()) == {"file", "hint"} and exc.value.file == str(tmp_path / name)
        said[name] = flat(exc.value).replace(str(tmp_path), "T")
    assert said == {
        "absent.yaml": "file 'T/absent.yaml' does not exist. Check the path of the study file.",
        "folder.yaml": "file 'T/folder.yaml' is a folder, not a file. Give the path of the study file itself (a "
                       ".yaml file in that folder).",
        "latin1.yaml": "file 'T/latin1.yaml' is not UTF-8 text (byte 9). Save it as UTF-8 in a text editor (Save "
                       "as, encoding UTF-8).",
    }


def test_a_yaml_syntax_error_names_the_line_and_what_to_do(tmp_path):
    from analysis.io.yamlfile import load_yaml

    (tmp_path / "k.yaml").write_text("id: k\nresponse: {min: 1, max: 5\nscales: {}\n")
    with pytest.raises(InstrumentError) as exc:
        load_yaml(tmp_path / "k.yaml", "instrument file", InstrumentError)
    assert exc.value.parts() == {"file": str(tmp_path / "k.yaml"), "line": 3, "hint": (
        "Fix the YAML there: indent with spaces (not tabs), and quote a value that holds ': ' or starts with '{', "
        "'[', '*', '&' or '%'.")}
    assert flat(exc.value).startswith(f"file '{tmp_path / 'k.yaml'}', line 3 is not valid YAML at column 7: ")


def test_parse_yaml_without_a_path_leads_with_where():
    with pytest.raises(DataError) as exc:
        parse_yaml("a: 1\na: 2\n", "labels file 'l.yaml'", DataError)
    assert exc.value.parts() == {"line": 2, "within": "labels file 'l.yaml'", "hint": "Remove or rename one of them."}
    assert str(exc.value) == ("labels file 'l.yaml': line 2 is not valid YAML at column 1: key 'a' appears twice "
                              "(first at line 1). Remove or rename one of them.")


def test_validate_names_the_first_field_as_its_part_and_says_what_to_do():
    from pydantic import BaseModel, ConfigDict

    from analysis.io.yamlfile import validate

    class Scale(BaseModel):
        model_config = ConfigDict(extra="forbid")
        items: list[int]
        method: str = "mean"

    def refusal(spec):
        with pytest.raises(InstrumentError) as exc:
            validate(Scale, spec, "key file 'k.yaml', scale 'a'", InstrumentError, limit=2)
        return exc.value

    one = refusal({"items": [1], "colour": "red"})
    assert one.parts() == {"field": "colour", "within": "key file 'k.yaml', scale 'a'",
                           "hint": "Remove the field, or correct its name."}
    assert str(one) == ("key file 'k.yaml', scale 'a': field 'colour': Extra inputs are not permitted (got 'red'). "
                        "Remove the field, or correct its name.")
    assert str(refusal({})).endswith("field 'items': Field required. Add the field.")
    several = refusal({"items": ["x", "y", "z"]})
    assert several.parts()["field"] == "items.0"
    assert str(several) == (
        "key file 'k.yaml', scale 'a': field 'items.0': Input should be a valid integer, unable to parse string as "
        "an integer (got 'x'); field 'items.1': Input should be a valid integer, unable to parse string as an "
        "integer (got 'y'); and 1 more. Correct each field named.")

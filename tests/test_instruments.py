"""The registry and the key schema: every shipped key loads; wrong keys get one sentence naming
the file and the field."""

import pytest

from analysis import InstrumentError, list_instruments, load_instrument
from analysis.cli import main
from messages import flat, says

SHIPPED = {"agq", "agq-r", "agq-3x2", "vandewalle", "pps", "ips", "gps", "grit-s", "ces-d", "phq-9", "dass-21",
           "dass-42", "grit-o", "agq-3x2-short"}


def test_registry_lists_every_required_instrument():
    table = list_instruments()
    assert set(table["id"]) == SHIPPED
    assert list(table.columns) == ["id", "name", "n_items", "scales", "response", "wording", "citation"]
    assert table.set_index("id").loc["dass-21", "n_items"] == 21


@pytest.mark.parametrize("iid", sorted(SHIPPED))
def test_every_key_carries_citation_licence_and_range(iid):
    key = load_instrument(iid)
    assert key.citation and key.licence and key.wording in ("reproduced", "keys-only")
    assert key.response.min < key.response.max
    if key.wording == "keys-only":
        assert key.items == {}
    else:
        assert set(key.items) == set(key.all_items)


def test_keys_used_by_the_literature():
    assert load_instrument("grit-s").reversed_in("grit") == {1, 3, 5, 6}
    assert load_instrument("ces-d").reversed_in("total") == {4, 8, 12, 16}
    assert load_instrument("gps").reversed_in("total") == {3, 4, 6, 8, 11, 13, 14, 15, 18, 20}
    assert load_instrument("dass-21").scales["depression"].items == [3, 5, 10, 13, 16, 17, 21]
    assert [b.lower for b in load_instrument("phq-9").scales["total"].bands] == [0, 5, 10, 15, 20]


def write(tmp_path, text):
    p = tmp_path / "key.yaml"
    p.write_text(text)
    return p


@pytest.mark.parametrize("text,message", [
    ("id: x\nresponse: {min: 1, max: 5}\nscales:\n  s: {items: [a, b], method: average}\n",
     r"field 'scales.s.method': Input should be 'mean', 'sum', 'prorated_sum' or 'scaled_sum' \(got 'average'\)"),
    ("id: x\nresponse: {min: 5, max: 1}\nscales:\n  s: {items: [a]}\n", r"field 'response': min \(5\) must be smaller than max \(1\)"),
    ("id: x\nresponse: {min: 1, max: 5}\nscales:\n  s: {items: [a, b], reverse: [c]}\n",
     r"field 'scales.s': reverse items not among the scale's items: c"),
    ("id: x\nresponse: {min: 1, max: 5}\nscales:\n  Bad-Name: {items: [a]}\n", r"field 'scales': scale names must be snake_case"),
    ("id: x\nscales:\n  s: {items: [a]}\n", r"field 'response': Field required"),
    ("id: x\nresponse: {min: 1, max: 5}\nscales:\n  s: {items: [a], colour: red}\n", r"field 'scales.s.colour': Extra inputs are not permitted"),
    ("id: x\nresponse: {min: 1, max: 5}\nitems: {a: Some text}\nscales:\n  s: {items: [a]}\n", r"wording is given but 'wording' is not 'reproduced'"),
    ("id: x\nresponse: {min: 1, max: 5}\nscales:\n  s: {items: [a, b], min_valid: 3}\n", r"min_valid \(3\) exceeds the number of items \(2\)"),
    ("id: x\nresponse: [1, 5\n", r"line 3 is not valid YAML at column 1"),
])
def test_schema_errors_name_file_and_field(tmp_path, text, message):
    p = write(tmp_path, text)
    with pytest.raises(InstrumentError, match=message) as err:
        load_instrument(p)
    assert says(err.value, f"'{p}'")


def test_unknown_id_lists_shipped_ids():
    with pytest.raises(InstrumentError) as err:
        load_instrument("agq-x")
    assert flat(err.value) == ("instrument='agq-x' is not a shipped id and no such file; give a shipped id (agq, "
                               "agq-3x2, agq-3x2-short, agq-r, ces-d, dass-21, dass-42, gps, grit-o, grit-s, ips, "
                               "phq-9, pps, vandewalle) or the path of your own key file (.yaml)")
    assert err.value.parts()["argument"] == "instrument" and err.value.parts()["value"] == "agq-x"


def test_min_valid_overrides_are_refused_as_arguments():
    key = load_instrument("phq-9")
    with pytest.raises(InstrumentError) as err:
        key.with_min_valid({"totl": 2})
    assert flat(err.value) == ("instrument 'phq-9': min_valid={'totl': 2} names scale 'totl', which the key does "
                               "not have; use one of its scales: total")
    with pytest.raises(InstrumentError) as err:
        key.with_min_valid({"total": 10})
    assert flat(err.value) == ("instrument 'phq-9', scale 'total': min_valid=10 must be between 1 and 9; give how "
                               "many of its 9 items must be answered for a score")
    assert err.value.parts() == {"argument": "min_valid", "value": 10, "within": "instrument 'phq-9', scale 'total'",
                                 "hint": "give how many of its 9 items must be answered for a score"}


def test_a_key_file_that_is_not_a_mapping_is_refused_with_its_file(tmp_path):
    p = write(tmp_path, "- id: mine\n- scales: {}\n")
    with pytest.raises(InstrumentError) as err:
        load_instrument(p)
    assert flat(err.value) == (f"file '{p}' must be a scoring key: a mapping with id, response and scales. Write "
                               "the fields id:, response: and scales: at the top level of the file, as the shipped "
                               "keys do (analysis/instruments/*.yaml).")


def test_a_shipped_key_without_an_id_is_refused_with_file_and_field(tmp_path, monkeypatch):
    from analysis.instruments import registry

    (tmp_path / "noid.yaml").write_text("name: no id\nresponse: {min: 1, max: 5}\n", encoding="utf-8")
    monkeypatch.setattr(registry, "SHIPPED_DIR", tmp_path)
    registry._shipped.cache_clear()
    try:
        with pytest.raises(InstrumentError) as err:
            registry._shipped()
    finally:
        registry._shipped.cache_clear()
    assert flat(err.value) == (f"file '{tmp_path / 'noid.yaml'}', field 'id' is missing. Add an 'id:' field, the "
                               "name the key is loaded by.")


def test_cli_instruments_list_and_show(capsys):
    assert main(["instruments"]) == 0
    out = capsys.readouterr().out
    assert "agq-r" in out and "dass-21" in out
    assert main(["instruments", "ips"]) == 0
    out = capsys.readouterr().out
    assert "reversed 2, 6, 9" in out and "I procrastinate." in out


def test_a_key_file_edited_on_disk_is_read_again(tmp_path):
    import os

    from analysis import load_instrument

    key = tmp_path / "k.yaml"
    key.write_text("id: k\nresponse: {min: 1, max: 5}\nscales:\n  a: {items: [q1, q2]}\n")
    assert load_instrument(key).response.max == 5
    key.write_text("id: k\nresponse: {min: 1, max: 7}\nscales:\n  a: {items: [q1, q2]}\n")
    st = key.stat()
    os.utime(key, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))   # a later modification time, whatever the clock
    assert load_instrument(key).response.max == 7


def test_a_shipped_key_loads_from_its_own_file_without_the_index(monkeypatch):
    """agq-r is read from agq_r.yaml alone (the index parses every key); an id whose file is named
    otherwise (ces-d in cesd.yaml) still comes through the index."""
    from analysis.instruments import registry

    def no_index():
        raise AssertionError("the index of all keys was built")

    monkeypatch.setattr(registry, "_shipped", no_index)
    assert load_instrument("agq-r").path == str(registry.SHIPPED_DIR / "agq_r.yaml")
    assert load_instrument("AGQ-R").id == "agq-r"
    with pytest.raises(AssertionError, match="the index of all keys was built"):
        load_instrument("ces-d")
    monkeypatch.undo()
    assert load_instrument("ces-d").path == str(registry.SHIPPED_DIR / "cesd.yaml")

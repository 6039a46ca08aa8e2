"""The pseudonym key's refusals: the key file, a key too short for person scores, a derived key without its export."""

from __future__ import annotations

import pytest

from analysis.errors import DataError
from analysis.io.pseudonyms import PSEUDONYM_ENV, pseudonym_key
from messages import flat


def _refusal(**kwargs) -> DataError:
    with pytest.raises(DataError) as caught:
        pseudonym_key(**kwargs)
    return caught.value


def test_a_key_file_that_is_not_there(tmp_path, monkeypatch):
    monkeypatch.delenv(PSEUDONYM_ENV, raising=False)
    e = _refusal(key_file=tmp_path / "key.txt")
    assert e.parts() == {"file": str(tmp_path / "key.txt"),
                         "hint": "Check the path of the pseudonym key file (key_file=), or put the key in "
                                 "$GOALSCOPE_PSEUDONYM_KEY instead."}
    assert flat(e).startswith(f"file '{tmp_path / 'key.txt'}' does not exist. Check the path")


def test_a_short_key_is_refused_where_it_was_found(tmp_path, monkeypatch):
    monkeypatch.delenv(PSEUDONYM_ENV, raising=False)
    key = tmp_path / "key.txt"
    key.write_text("short\n")
    assert flat(_refusal(key_file=key, derive=False)) == (
        f"file '{key}' holds a key of 5 characters; pseudonymising ids needs a secret key of at least 16 "
        "characters. Write a longer secret into the file; keep it out of the report folder.")
    monkeypatch.setenv(PSEUDONYM_ENV, "abc")
    assert flat(_refusal(derive=False)) == (
        "$GOALSCOPE_PSEUDONYM_KEY holds a key of 3 characters; pseudonymising ids needs a secret key of at least "
        "16 characters. Put it in a file (key_file=) or in $GOALSCOPE_PSEUDONYM_KEY. Keep it out of the report "
        "folder.")
    monkeypatch.delenv(PSEUDONYM_ENV)
    assert flat(_refusal(derive=False)).startswith("pseudonymising ids needs a secret key of at least 16 characters. "
                                                   "Put it in a file")


def test_a_derived_key_needs_the_export(monkeypatch):
    monkeypatch.delenv(PSEUDONYM_ENV, raising=False)
    e = _refusal()
    assert e.parts()["argument"] == "data_file" and e.parts()["value"] is None
    assert flat(e) == ("data_file=None is not given: a derived pseudonym key needs the raw export it is derived "
                       "from; pass the path of the raw export, or set $GOALSCOPE_PSEUDONYM_KEY")

"""tests/messages.py: phrases of a wrapped message are found wherever the line breaks."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from analysis.cli import _fail
from messages import assert_says, flat, loose, says

PHRASE = "would overwrite an input"


def _said_by_the_cli(path: str, capsys) -> str:
    """What ``goalscope`` prints for an output that is its input, with ``path`` (wrapped at 100)."""
    with pytest.raises(SystemExit):
        _fail(f"output '{path}' is the input file (FILE) '{path}': writing it would overwrite an input; "
              f"choose another output file name", SimpleNamespace(debug=False))
    return capsys.readouterr().err


def test_a_path_of_78_characters_moves_the_line_break_into_the_phrase(capsys):
    # the failure of tests/teams/test_waves.py on a machine whose temporary folder is 36 characters long
    path = "/tmp/goalscope-ci-long-basetemp-xxxx/test_cli_waves_never_overwrite0/wave2.csv"
    assert len(path) == 78
    err = _said_by_the_cli(path, capsys)
    assert err.splitlines()[-2].endswith("writing it would") and err.splitlines()[-1].startswith("overwrite an input")
    assert PHRASE not in err                     # the raw comparison fails here ...
    assert says(err, PHRASE)                     # ... the normalised one does not
    assert_says(err, PHRASE, f"output '{path}' is the input file (FILE)")


@pytest.mark.parametrize("length", [20, 56, 60, 78, 100, 160])
def test_every_path_length_gives_the_same_flat_message(length, capsys):
    path = "/" + "x" * (length - 1)
    assert flat(_said_by_the_cli(path, capsys)) == (
        f"goalscope: output '{path}' is the input file (FILE) '{path}': writing it would overwrite an input; "
        f"choose another output file name")


def test_flat_makes_every_run_of_whitespace_one_space():
    assert flat("  a\n b\t\tc \r\n") == "a b c"
    assert flat(ValueError("x\ny")) == "x y"         # any object: str() is taken (an exception's text)


def test_says_is_false_for_a_phrase_that_is_not_there():
    assert not says("writing it would\noverwrite a file", PHRASE)
    assert not says("wouldoverwrite an input", PHRASE)   # a space is not invented where the text has none


def test_assert_says_names_what_is_missing():
    with pytest.raises(AssertionError, match=re.escape("['not said'] not in the message:\nsaid here")):
        assert_says("said\nhere", "said", "not said")


def test_loose_matches_a_wrapped_message_and_nothing_else():
    pattern = loose("would overwrite (an) input")
    assert re.search(pattern, "it would\noverwrite (an)  input")
    assert not re.search(pattern, "it would overwrite an input")           # the brackets are literal
    with pytest.raises(ValueError, match=loose(PHRASE)):
        raise ValueError("writing it would\noverwrite an input")

"""The one way tests compare what goalscope says: with whitespace normalised.

The command line wraps its error messages at 100 characters (``analysis.cli._fail``) and argparse
wraps usage and ``--help`` at the terminal width (``COLUMNS``). Where a line breaks therefore depends
on the length of the paths in the message: a phrase found in the raw text on one machine is split by
a line break on another whose temporary folder is longer. Every test that looks for a phrase in a
message (stderr, stdout, an exception's text) goes through :func:`says` / :func:`assert_says`, which
compare the text and the phrase with every run of whitespace made one space. ``.ci/run`` runs the
suite from a long ``--basetemp`` so that a test which does not shows up there first.
"""

from __future__ import annotations

import re


def flat(text) -> str:
    """``text`` (any object; ``str()`` is taken) with every run of whitespace made one space, stripped."""
    return " ".join(str(text).split())


def says(text, phrase) -> bool:
    """True when ``phrase`` occurs in ``text``, wherever either breaks its lines."""
    return flat(phrase) in flat(text)


def assert_says(text, *phrases) -> None:
    """Assert that ``text`` says every one of ``phrases`` (whitespace normalised); the failure shows the text."""
    missing = [p for p in phrases if not says(text, p)]
    assert not missing, f"{missing!r} not in the message:\n{flat(text)}"


def loose(phrase: str) -> str:
    """A regular expression matching ``phrase`` literally, with any whitespace where it has a space
    (for ``pytest.raises(..., match=loose(...))`` on a message that may be wrapped)."""
    return r"\s+".join(re.escape(word) for word in phrase.split())

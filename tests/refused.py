"""One way for a test to see a command-line refusal twice: as the error with its parts, and as printed.

``--debug`` lets the refusal propagate (``analysis.cli._fail`` re-raises it), so a test can assert its
structured parts (``e.parts()``); the same command without it prints the message and exits with 2.
"""

from __future__ import annotations

import pytest

from analysis.cli import main
from analysis.errors import GoalscopeError


def refused(argv, capsys) -> tuple[GoalscopeError, str]:
    """Run ``goalscope argv`` twice: the refusal it raises (with ``--debug``) and what it printed (without)."""
    argv = [str(a) for a in argv]
    with pytest.raises(GoalscopeError) as caught:
        main(["--debug", *argv])
    capsys.readouterr()
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    return caught.value, capsys.readouterr().err

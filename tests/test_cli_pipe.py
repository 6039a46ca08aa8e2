"""A reader that closes the pipe early (``goalscope findings | head -1``) is not an error."""

import subprocess
import sys

from tests.conftest import ROOT


def test_closed_pipe_is_not_an_unexpected_error():
    cmd = f"'{sys.executable}' -m analysis findings | head -1"
    out = subprocess.run(["bash", "-c", "set -o pipefail; " + cmd], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.split()[:2] == ["id", "construct_x"]
    assert "unexpected error" not in out.stderr and "Traceback" not in out.stderr
    assert out.returncode == 0

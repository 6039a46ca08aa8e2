"""Every Python block of README.md runs, in order, as a reader would paste them into one notebook,
and every command-line block's `goalscope …` lines run too (in a scratch copy of the repository's
data, after the demo study ran, as `make report` leaves it)."""

from __future__ import annotations

import os
import re
import shlex
import warnings

import pytest

from analysis.cli import main

from conftest import ROOT, demo_workspace

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(\w*)\n(.*?)^```", README, flags=re.S | re.M)
PYTHON = [b for lang, b in BLOCKS if lang == "python"]
SHELL = [b for lang, b in BLOCKS if lang == ""]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A folder laid out like the repository after `make report`: data/raw (copied), data/processed/demo."""
    return demo_workspace(tmp_path_factory.mktemp("readme"))


def test_python_blocks_run_in_order(scratch, monkeypatch):
    monkeypatch.chdir(scratch)
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for i, block in enumerate(PYTHON, 1):
            try:
                exec(compile(block, f"README.md python block {i}", "exec"), namespace)
            except Exception as exc:  # the block and its first line, so the README can be fixed
                pytest.fail(f"README python block {i} ({block.strip().splitlines()[0]!r}) fails: "
                            f"{type(exc).__name__}: {exc}")


def _commands(block: str) -> list[str]:
    """`goalscope …` lines of a shell block (continuations joined, comments and placeholders left out)."""
    text = re.sub(r"\\\n\s*", " ", block)                  # continuation lines joined
    out = []
    for line in text.splitlines():
        line = re.split(r"\s{3,}|\s+#", line)[0].strip()      # a comment after the command
        if not line.startswith("goalscope ") or "..." in line or "…" in line \
                or re.search(r"[A-Z]{2,}[|.]|\[|FILE|ID\b", line):
            continue                                   # a usage line (FILE, ID|PATH, [options]) is not a command
        out.append(line)
    return out


COMMANDS = [c for b in SHELL for c in _commands(b)]


def test_command_blocks_run_in_order(scratch, monkeypatch, capsys):
    """The commands run one after another, as a reader types them (a later one may read an earlier output)."""
    monkeypatch.chdir(scratch)
    monkeypatch.setenv("GOALSCOPE_PSEUDONYM_KEY", "readme-example-key-0123456789")
    assert len(COMMANDS) >= 10
    for command in COMMANDS:
        try:
            code = main(shlex.split(command)[1:])
        except SystemExit as stop:
            code = stop.code
        out, err = capsys.readouterr()
        assert code in (0, None), f"`{command}` exits {code}:\n{err[-1500:]}"

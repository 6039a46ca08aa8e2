"""Every ``examples:`` line of the analysis commands' ``--help`` that reads the demo study runs, in a
scratch copy of the repository's data after ``goalscope run data/raw/demo/study.yaml`` (as a reader
would type it after ``make report``). Lines on a file of the reader's own (``survey.csv``) are shown
only as a pattern and are not run."""

from __future__ import annotations

import argparse
import shlex

import pytest

from analysis.cli import build_parser, main

from .conftest import REF
from tests.conftest import demo_workspace

COMMANDS = ["correlations", "mediation", "regression", "moderation", "mixed", "profiles", "efa", "reliability", "cfa"]


def _examples() -> list[tuple[str, str]]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    out = []
    for name in COMMANDS:
        epilog = sub.choices[name].epilog
        lines = [line.strip() for line in epilog.split("examples:", 1)[1].splitlines() if line.strip()]
        assert lines, f"{name}: no examples"
        assert any("data/" in line for line in lines), f"{name}: no example runs on the demo"
        out += [(name, line) for line in lines if "data/processed/demo/" in line or "data/raw/demo/" in line]
    return out


EXAMPLES = _examples()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return demo_workspace(tmp_path_factory.mktemp("examples"))


@pytest.mark.parametrize("name,line", EXAMPLES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(EXAMPLES)])
def test_help_example_runs_on_the_demo(scratch, monkeypatch, capsys, name, line):
    monkeypatch.chdir(scratch)
    argv = shlex.split(line)
    assert argv[0] == "goalscope" and argv[1] == name
    try:
        code = main(argv[1:])
    except SystemExit as stop:
        code = stop.code
    out, err = capsys.readouterr()
    assert code in (0, None), f"`{line}` exits {code}:\n{err[-1500:]}"
    assert "Traceback" not in out + err
    if name not in ("correlations",):   # correlations prints its table only without -o
        assert out.strip()
    if "-o" in argv:
        assert (scratch / argv[argv.index("-o") + 1]).is_file()
    if "respondents:" in out and "processed/demo" in line:
        assert "excluded by screening" in out

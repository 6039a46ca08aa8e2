"""README.md as written: every fenced block is tagged (python, bash/console/sh, text, yaml); every
Python block runs, in order, as a reader would paste them into one notebook; every line of every
shell block runs (in a scratch copy of the repository's data, after the demo study ran, as
`make report` leaves it), and a line that cannot run fails the test with its README line; every yaml
block parses and validates as the scoring key or study file it shows."""

from __future__ import annotations

import re
import shlex
import warnings

import pytest
import yaml

from analysis.cli import main

from conftest import ROOT, demo_workspace

README = (ROOT / "README.md").read_text(encoding="utf-8")
RUNNABLE_SHELL = {"bash", "console", "sh"}
KNOWN = RUNNABLE_SHELL | {"python", "text", "yaml"}


def fenced_blocks(text: str) -> list[tuple[int, str, str]]:
    """(line number of the opening fence, tag, body) of every fenced block, in order."""
    return [(text[:m.start()].count("\n") + 1, m.group(1), m.group(2))
            for m in re.finditer(r"^```([^\n]*)\n(.*?)^```", text, flags=re.S | re.M)]


def shell_commands(line_no: int, block: str) -> list[tuple[str, list[str]]]:
    """Every command of a runnable shell block as (label, argv): continuation lines joined, `#` comments
    dropped (shlex, so a `#` inside quotes stays); a line that is not a `goalscope` command is an error
    naming the block and the line, never skipped."""
    commands, errors = [], []
    lines = block.splitlines()
    i = 0
    while i < len(lines):
        first, text = i, lines[i]
        while text.endswith("\\") and i + 1 < len(lines):
            i += 1
            text = text[:-1].rstrip() + " " + lines[i].strip()
        i += 1
        label = f"README.md line {line_no + 1 + first}: {text.strip()!r}"
        try:
            argv = shlex.split(text, comments=True)
        except ValueError as exc:
            errors.append(f"{label} cannot be split ({exc})")
            continue
        if not argv:
            continue                                        # blank line or a comment only
        if argv[0] != "goalscope":
            errors.append(f"{label} is not a goalscope command: run it in the test or tag the block `text`")
            continue
        commands.append((label, argv[1:]))
    if errors:
        raise ValueError("\n".join(errors))
    return commands


def check_blocks(text: str) -> list[str]:
    """Problems with the blocks' tags and shell lines (empty when every block is tagged and runnable)."""
    problems = []
    for line_no, tag, body in fenced_blocks(text):
        if tag not in KNOWN:
            problems.append(f"README.md line {line_no}: block tagged {tag!r}; tag it one of {sorted(KNOWN)}")
        elif tag in RUNNABLE_SHELL:
            try:
                shell_commands(line_no, body)
            except ValueError as exc:
                problems.append(str(exc))
    return problems


BLOCKS = fenced_blocks(README)
PYTHON = [(n, b) for n, lang, b in BLOCKS if lang == "python"]
COMMANDS = [c for n, lang, b in BLOCKS if lang in RUNNABLE_SHELL for c in shell_commands(n, b)] \
    if not check_blocks(README) else []


def test_every_block_is_tagged_and_every_shell_line_runs():
    assert check_blocks(README) == []


def test_checker_reports_a_bad_block():
    bad = "intro\n```\nls\n```\n\n```bash\ngoalscope power --r .3   # fine\nmake test\n```\n"
    problems = " ".join(" ".join(check_blocks(bad)).split())
    assert problems == ("README.md line 2: block tagged ''; tag it one of ['bash', 'console', 'python', "
                        "'sh', 'text', 'yaml'] README.md line 8: 'make test' is not a goalscope command: "
                        "run it in the test or tag the block `text`")
    joined = "```sh\ngoalscope power \\\n   --r .3  # a comment\n```\n"
    assert shell_commands(1, fenced_blocks(joined)[0][2]) == [
        ("README.md line 2: 'goalscope power --r .3  # a comment'", ["power", "--r", ".3"])]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A folder laid out like the repository after `make report`: data/raw (copied), data/processed/demo."""
    return demo_workspace(tmp_path_factory.mktemp("readme"))


YAML = [(n, b) for n, lang, b in BLOCKS if lang == "yaml"]


@pytest.mark.parametrize(("line_no", "block"), YAML, ids=[f"line{n}" for n, _ in YAML])
def test_yaml_blocks_parse_and_validate(line_no, block, scratch):
    """Every yaml block parses; a scoring key validates with load_instrument, a study file with load_study
    (written beside the demo export, whose data and keys its relative paths name)."""
    from analysis.instruments.registry import load_instrument
    from analysis.pipeline.schema import load_study

    doc = yaml.safe_load(block)
    assert isinstance(doc, dict), f"README.md yaml block at line {line_no} is not a mapping"
    if {"id", "scales"} <= doc.keys():
        path = scratch / f"readme_key_{line_no}.yaml"
        path.write_text(block, encoding="utf-8")
        assert load_instrument(path).id == doc["id"]
    elif {"data", "instruments"} <= doc.keys():
        path = scratch / "data" / "raw" / "demo" / f"readme_study_{line_no}.yaml"
        path.write_text(block, encoding="utf-8")
        study = load_study(path)
        assert study.name == doc["name"]
        assert study.resolve(study.data).is_file()             # the export it names is where it says
    else:
        pytest.fail(f"README.md yaml block at line {line_no} is neither a scoring key nor a study file; "
                    "tag it `text` if it is a fragment")


def test_python_blocks_run_in_order(scratch, monkeypatch):
    monkeypatch.chdir(scratch)
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for line_no, block in PYTHON:
            try:
                exec(compile(block, f"README.md python block at line {line_no}", "exec"), namespace)
            except Exception as exc:  # the block and its first line, so the README can be fixed
                pytest.fail(f"README.md python block at line {line_no} ({block.strip().splitlines()[0]!r}) fails: "
                            f"{type(exc).__name__}: {exc}")


def test_command_blocks_run_in_order(scratch, monkeypatch, capsys):
    """The commands run one after another, as a reader types them (a later one may read an earlier output)."""
    monkeypatch.chdir(scratch)
    monkeypatch.setenv("GOALSCOPE_PSEUDONYM_KEY", "readme-example-key-0123456789")
    assert len(COMMANDS) >= 10
    for command, argv in COMMANDS:
        try:
            code = main(argv)
        except SystemExit as stop:
            code = stop.code
        out, err = capsys.readouterr()
        assert code in (0, None), f"`{command}` exits {code}:\n{err[-1500:]}"

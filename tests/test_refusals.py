"""Every refusal goalscope can raise has one form: where (file, row, column, value), what, what to do.

The static half walks the package's source (an AST walk over ``analysis/**/*.py``) for every
``X(...)`` whose ``X`` is :class:`~analysis.errors.GoalscopeError` or a subclass (raised where it is
made, or made by a helper whose caller raises it), and for every ``ValueError`` / ``TypeError`` /
``KeyError`` raised directly. A refusal site says what it is about by
the structured parts it passes (see :func:`analysis.errors.message`):

============  ===============================================  ==========================================
kind          recognised by                                    must also pass
============  ===============================================  ==========================================
cell          ``row=``                                         ``file=``, ``column=``, ``value=``, ``hint=``
column        ``column=`` without ``row=``                     ``file=``, ``hint=``
argument      ``argument=``                                    ``value=``, ``hint=``
entry         ``field=`` (an entry of a YAML file)             ``file=``, ``hint=``
line          ``line=`` (a line of text or model syntax)       ``hint=``
file          ``file=`` alone                                  ``hint=``
============  ===============================================  ==========================================

The walk looks at the keywords a site passes, not their values: a helper that sees arrays only passes
``file=None`` and the command line names the file (``cli.messages.about_file``). A site that passes
none of them is a message not yet converted: :data:`TO_CONVERT` lists how many each
module still holds, and the count may only fall (convert one, lower its number). A plain
``ValueError``/``TypeError``/``KeyError`` is not about a user's input; :data:`GUARDS` lists them with
the reason. The dynamic half runs the refusals of the corpus (``tests/corpus``) through the command
line and checks that what was printed holds every part the refusal was raised with, a long value cut.
"""

from __future__ import annotations

import ast
import shlex
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

import analysis.cli as cli
from analysis.cli.messages import cli_message
from analysis.errors import MAX_SHOWN, GoalscopeError, shown, where
from messages import flat, says

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "analysis"
CASES = Path(__file__).resolve().parent / "corpus" / "cases"

#: the parts each kind of refusal must pass (see the module docstring)
REQUIRED = {
    "cell": {"file", "row", "column", "value", "hint"},
    "column": {"file", "column", "hint"},
    "argument": {"argument", "value", "hint"},
    "entry": {"file", "field", "hint"},
    "line": {"line", "hint"},
    "file": {"file", "hint"},
}
#: the parts that say where a refusal is (a site that passes none of them is not yet converted)
STRUCTURED = {"file", "row", "column", "argument", "field", "line"}
PLAIN = {"ValueError", "TypeError", "KeyError"}

#: refusals still written as one message string, per module, with why: convert them and lower the number
TO_CONVERT: dict[str, tuple[int, str]] = {
}

#: plain ValueError / TypeError / KeyError raised directly, per module, with why each is not a refusal
#: of user input (a programming guard, a pydantic validator whose message the schema error wraps, ...)
GUARDS: dict[str, tuple[int, str]] = {
    "analysis/deprecation.py": (1, "a Python caller gave both the old and the new keyword: TypeError, as Python does"),
    "analysis/findings/schema.py": (16, "a pydantic validator: pydantic requires ValueError there, and the schema's error wraps its text into the file's refusal (file, field, value)"),
    "analysis/formatting/apa.py": (1, "a programming guard: apa() given an object that is not a result"),
    "analysis/goals/lexicon.py": (6, "a pydantic validator: pydantic requires ValueError there, and the schema's error wraps its text into the file's refusal (file, field, value)"),
    "analysis/instruments/registry.py": (15, "a pydantic validator: pydantic requires ValueError there, and the schema's error wraps its text into the file's refusal (file, field, value)"),
    "analysis/pipeline/analysis_specs.py": (1, "a pydantic validator: pydantic requires ValueError there, and the schema's error wraps its text into the file's refusal (file, field, value)"),
    "analysis/psychometrics/ordinal.py": (1, "a Python caller indexed a result like a tuple: TypeError, as Python does"),
    "analysis/results.py": (1, "a Python caller used a result as a table: TypeError, as Python does"),
    "analysis/screening/rule_schema.py": (4, "a pydantic validator: pydantic requires ValueError there, and the schema's error wraps its text into the file's refusal (file, field, value)"),
}


def _trees() -> dict[str, ast.Module]:
    return {str(p.relative_to(ROOT)): ast.parse(p.read_text(encoding="utf-8"))
            for p in sorted(PACKAGE.rglob("*.py"))}


def _name(node) -> str | None:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def error_classes(trees) -> set[str]:
    """GoalscopeError and every class that derives from it anywhere in the package."""
    classes, grew = {"GoalscopeError"}, True
    while grew:
        grew = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if (isinstance(node, ast.ClassDef) and node.name not in classes
                        and any(_name(b) in classes for b in node.bases)):
                    classes.add(node.name)
                    grew = True
    return classes


def kind(keywords: set[str]) -> str | None:
    """What a refusal site is about, from the structured parts it passes (None: none given)."""
    if "row" in keywords:
        return "cell"
    if "argument" in keywords:
        return "argument"
    if "column" in keywords:
        return "column"
    if "field" in keywords:
        return "entry"
    if "line" in keywords:
        return "line"
    if "file" in keywords:
        return "file"
    return None


def raise_sites():
    """``(module, line, class name, keywords, ours)`` of every refusal in the package: each construction
    of an error class of ours (raised where it is made, or made by a helper that a caller raises), and
    each ``raise`` of a plain ``ValueError`` / ``TypeError`` / ``KeyError``."""
    trees = _trees()
    classes = error_classes(trees)
    for module, tree in trees.items():
        # an error class passed in as a value (``error: type[GoalscopeError]``), raised by its parameter's name
        passed = {id(node) for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
                  for node in ast.walk(fn)
                  if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                  and isinstance(node.exc.func, ast.Name)
                  and node.exc.func.id in {a.arg for a in fn.args.args + fn.args.kwonlyargs}}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in classes:
                yield module, node.lineno, _name(node.func), {k.arg for k in node.keywords}, True
            elif isinstance(node, ast.Raise) and node.exc is not None:
                call = node.exc if isinstance(node.exc, ast.Call) else None
                name = _name(call.func if call else node.exc)
                keywords = {k.arg for k in call.keywords} if call else set()
                if name in PLAIN:
                    yield module, node.lineno, name, keywords, False
                elif id(node) in passed:
                    yield module, node.lineno, name, keywords, True


SITES = list(raise_sites())


def test_the_walk_finds_the_refusals():
    """The walk sees the package's refusals (a walk that found nothing would pass everything)."""
    ours = [s for s in SITES if s[4]]
    assert len(ours) > 400, len(ours)
    assert {"DataError", "StudyError", "InstrumentError", "SimulationError", "PowerError"} <= {s[2] for s in ours}


def test_every_converted_refusal_passes_the_parts_of_its_kind():
    wrong = []
    for module, line, name, keywords, ours in SITES:
        k = kind(keywords)
        if ours and k is not None and not REQUIRED[k] <= keywords:
            wrong.append(f"{module}:{line} {name} ({k}) lacks {sorted(REQUIRED[k] - keywords)}")
    assert not wrong, "\n".join(wrong)


def test_unconverted_refusals_only_fall():
    counts = Counter(module for module, _, _, keywords, ours in SITES if ours and kind(keywords) is None)
    allowed = {m: n for m, (n, _) in TO_CONVERT.items()}
    grown = {m: (n, allowed.get(m, 0)) for m, n in counts.items() if n > allowed.get(m, 0)}
    assert not grown, ("refusals written as a bare message (module: (found, allowed)); pass file=, row=, "
                       f"column=, value=, argument=, hint= instead: {grown}")
    fallen = {m: (counts.get(m, 0), n) for m, n in allowed.items() if counts.get(m, 0) < n}
    assert not fallen, f"fewer unconverted refusals than TO_CONVERT allows: lower it {fallen}"
    assert all(reason.strip() for _, reason in TO_CONVERT.values())


def test_plain_errors_are_listed_guards():
    counts = Counter(module for module, _, _, _, ours in SITES if not ours)
    listed = {m: n for m, (n, _) in GUARDS.items()}
    assert counts == listed, {m: (counts.get(m, 0), listed.get(m, 0)) for m in set(counts) | set(listed)
                              if counts.get(m, 0) != listed.get(m, 0)}
    assert all(reason.strip() for _, reason in GUARDS.values())


# --------------------------------------------------------------------------------------------------
# the dynamic half: the corpus's refusals, as the command line prints them

REFUSED = sorted(p.parent for p in CASES.glob("*/case.yaml")
                 if yaml.safe_load(p.read_text(encoding="utf-8")).get("expect", {}).get("exit") == 2)


def refuse(case_dir: Path, tmp_path, monkeypatch, capsys):
    """Run a corpus case through the command line: (the error it stopped on or None, what it printed)."""
    spec = yaml.safe_load((case_dir / "case.yaml").read_text(encoding="utf-8"))
    work = tmp_path / case_dir.name
    shutil.copytree(case_dir, work)
    monkeypatch.chdir(work)
    monkeypatch.setenv("GOALSCOPE_PSEUDONYM_KEY", "corpus-test-key")
    caught = []
    fail = cli._fail

    def keep(message, args):   # _fail runs inside the handler: the error being handled is the refusal
        caught.append(sys.exc_info()[1])
        fail(message, args)

    monkeypatch.setattr(cli, "_fail", keep)
    with pytest.raises(SystemExit):
        cli.main(shlex.split(spec["command"]))
    out, err = capsys.readouterr()
    return (caught[0] if caught else None), out + err


def said_parts(exc: GoalscopeError) -> dict[str, str]:
    """Each part of a refusal as the printed message must say it."""
    parts = exc.parts()
    said = {}
    if "file" in parts:
        said["file"] = f"'{parts['file']}'"
    if "row" in parts:
        row = parts["row"]
        said["row"] = row if isinstance(row, str) and row.startswith("row ") else f"row {row}"
    if "column" in parts:
        columns = parts["column"] if isinstance(parts["column"], (list, tuple)) else [parts["column"]]
        said["column"] = ", ".join(f"'{c}'" for c in columns)
    if "line" in parts:
        said["line"] = f"line {parts['line']}"
    if "field" in parts:
        said["field"] = f"field '{parts['field']}'"
    if "value" in parts and "argument" not in parts:
        value = parts["value"]
        said["value"] = "a blank value" if value is None else "value '' (empty)" if value == "" else \
            f"value {shown(value)}"
    if "hint" in parts and not exc.names_fields:   # a study's message names the fields instead of keywords
        said["hint"] = cli_message(parts["hint"])
    return said


#: corpus refusals that must stop on a cell, with all four parts of its place (the issue's cases first)
CELL_CASES = ["ref_missing_id_row", "ref_decimal_comma", "ref_negative_zero", "ref_negative_zero_correlations",
              "ref_negative_zero_efa", "ref_long_value_is_cut", "base_out_of_range", "base_text_in_item"]


#: corpus refusals whose error does not yet carry its place as parts (raised by a site in TO_CONVERT):
#: a new case may not join them; drop a name here when its site is converted
UNPLACED_CASES = {
}


@pytest.mark.parametrize("case_dir", REFUSED, ids=[p.name for p in REFUSED])
def test_a_refusal_says_every_part_it_was_raised_with(case_dir, tmp_path, monkeypatch, capsys):
    exc, text = refuse(case_dir, tmp_path, monkeypatch, capsys)
    if not isinstance(exc, GoalscopeError):   # argparse's own refusals (a flag's type) end before the run
        assert exc is None and "argument --" in text, (type(exc), text)
        return
    placed = kind(set(exc.parts())) is not None
    assert placed != (case_dir.name in UNPLACED_CASES), (
        f"refused with its place as parts: drop the case from UNPLACED_CASES" if placed else
        f"refused without its place as parts: {exc.parts()}\n{flat(text)}")
    missing = {k: v for k, v in said_parts(exc).items() if not says(text, v)}
    assert not missing, f"{missing} not in the output:\n{flat(text)}"
    if case_dir.name in CELL_CASES:
        assert kind(set(exc.parts())) == "cell" and REQUIRED["cell"] <= set(exc.parts()), exc.parts()


def test_a_value_longer_than_the_limit_is_cut(tmp_path, monkeypatch, capsys):
    exc, text = refuse(CASES / "ref_long_value_is_cut", tmp_path, monkeypatch, capsys)
    value = exc.parts()["value"]
    assert len(value) == 300 and MAX_SHOWN == 80
    assert says(text, f"value '{value[:76]}…' (300 characters)") and value not in text


# --------------------------------------------------------------------------------------------------
# the one form, row by row: errors.message's decision table
#
# place            | problem starts with | hint starts with | joined as
# -----------------+---------------------+------------------+----------------------------------------------
# file/row/col/val | anything else       | a capital        | "<place>: <problem>. <Hint>"
# column(s)        | a PREDICATES word   | a small letter   | "<place> <problem>; <hint>"
# file             | anything, ends in ? | a capital        | "<place>: <problem>? <Hint>" (no second stop)
# argument=value   | a PREDICATES word   | a small letter   | "<within>: <arg>=<value> <problem>; <hint>"
# argument=value   | (no problem)        | any              | "<arg>=<value>: <hint>"
# --flag value     | a PREDICATES word   | a small letter   | "<--flag> <value> <problem>; <hint>"
# --flag (None)    | anything else       | a capital        | "<--flag>: <problem>. <Hint>"
# OPERAND (None)   | a PREDICATES word   | a small letter   | "<OPERAND> <problem>; <hint>"
# none             | anything            | a capital        | "<problem>. <Hint>"

MESSAGE_ROWS = [
    (dict(problem="outside the response range 1–7", file="x.csv", row=17, column="AGQ_3", value="9",
          hint="Fix the value."),
     "file 'x.csv', row 17, column 'AGQ_3', value '9': outside the response range 1–7. Fix the value."),
    (dict(problem="are not in the data", file="x.csv", column=["a", "b"], hint="available columns: c"),
     "file 'x.csv', column(s) 'a', 'b' are not in the data; available columns: c"),
    (dict(problem="not a workbook?", file="s.xlsx", hint="Save it as .xlsx."),
     "file 's.xlsx': not a workbook? Save it as .xlsx."),
    (dict(problem="is not a seed", argument="seed", value=-1, within="screen", hint="give 0 or more"),
     "screen: seed=-1 is not a seed; give 0 or more"),
    (dict(problem="", argument="power", value=1.5, hint="give a power between 0 and 1"),
     "power=1.5: give a power between 0 and 1"),
    (dict(problem="the data have no rows", hint="Check the file."), "the data have no rows. Check the file."),
    (dict(problem="a respondent without an id", file="x.csv", row="row 3", column="id", value="", hint="Fill it."),
     "file 'x.csv', row 3, column 'id', value '' (empty): a respondent without an id. Fill it."),
    (dict(problem="not a count.", file=None, row="row with index 4", column="y", value=None, hint="Fix it."),
     "row with index 4, column 'y', a blank value: not a count. Fix it."),
    (dict(problem="is not in the data", file="x.csv", column="dur", item="the completion-time column",
          hint="Name it."),
     "file 'x.csv', column 'dur' (the completion-time column) is not in the data. Name it."),
    (dict(problem="have no complete row", file="x.csv", column=[f"q{i}" for i in range(1, 13)], hint="Check them."),
     "file 'x.csv', column(s) 'q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8' and 4 more have no complete row. "
     "Check them."),
    (dict(problem="is not a list", argument="columns", value=list(range(40)), hint="give a list"),
     "columns=[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 2… (150 characters) "
     "is not a list; give a list"),
    (dict(problem="is not a pair of numbers", argument="--recode", value="1;0", hint="write from:to, e.g. 1:0"),
     "--recode '1;0' is not a pair of numbers; write from:to, e.g. 1:0"),
    (dict(problem="no model to fit", argument="--instrument", value=None, within="cfa",
          hint="Give --instrument or --model FILE."),
     "cfa: --instrument: no model to fit. Give --instrument or --model FILE."),
    (dict(problem="is below 3", argument="--min-group", value=2, hint="give 3 or more"),
     "--min-group 2 is below 3; give 3 or more"),
    (dict(problem="is not given", argument="CODING_SHEET", value=None, within="goals train",
          hint="give the coded sheet to train from"),
     "goals train: CODING_SHEET is not given; give the coded sheet to train from"),
]


@pytest.mark.parametrize("parts, said", MESSAGE_ROWS)
def test_message_writes_each_row_of_its_decision_table(parts, said):
    from analysis.errors import message

    assert message(**parts) == said
    problem = parts.pop("problem")
    assert str(GoalscopeError(problem, **parts)) == said


def test_a_reworded_refusal_keeps_its_class_and_parts():
    from analysis.errors import DataError

    e = DataError("not a number", file="x.csv", row=3, column="q1", value="abc", hint="Fix it.")
    again = e.reworded("study 's': " + str(e))
    assert type(again) is DataError and again.parts() == e.parts()
    assert str(again) == "study 's': file 'x.csv', row 3, column 'q1', value 'abc': not a number. Fix it."

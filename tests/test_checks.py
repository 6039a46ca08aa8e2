"""Confidence levels and bootstrap counts: every entry point refuses the same bad values (issue 9, item 3)."""

import math

import numpy as np
import pandas as pd
import pytest

import analysis as gs
from analysis import DataError
from analysis.checks import check_level, check_n_boot
from analysis.cli import main
from messages import flat, says

# integers only (no floating-point linear algebra): the checks fire before any computation
D = pd.DataFrame({"x": [1, 2, 3, 4, 5, 6] * 5, "m": [2, 1, 4, 3, 6, 5] * 5, "y": [1, 3, 2, 5, 4, 6] * 5,
                  "w": [3, 1, 2, 3, 1, 2] * 5, "g": list("aabbcc") * 5, "b": [0, 1] * 15,
                  **{f"q{i}": [1, 2, 3, 4, 5, 3] * 5 for i in range(1, 13)}})

LEVEL_CALLS = {
    "correlations": lambda lv: gs.correlations(D, ["x", "y"], level=lv),
    "partial_correlation": lambda lv: gs.partial_correlation(D, "x", "y", "m", level=lv),
    "regression": lambda lv: gs.regression(D, "y", ["x"], level=lv),
    "hierarchical_regression": lambda lv: gs.hierarchical_regression(D, "y", [["x"], ["m"]], level=lv),
    "logistic_regression": lambda lv: gs.logistic_regression(D, "b", ["x"], level=lv),
    "mixed_model": lambda lv: gs.mixed_model(D, "y ~ x", group="g", level=lv),
    "setback_recovery": lambda lv: gs.setback_recovery(D, ["x", "m", "y"], ["w"], level=lv),
    "team_climate_model": lambda lv: gs.team_climate_model(D, "y", ["x"], "g", level=lv),
    "moderation": lambda lv: gs.moderation(D, "x", "w", "y", level=lv),
    "moderated_mediation": lambda lv: gs.moderated_mediation(D, "x", "m", "y", "w", level=lv, n_boot=1000),
    "mediation": lambda lv: gs.mediation(D, "x", "m", "y", level=lv, n_boot=1000),
    "reliability": lambda lv: gs.reliability(D, "agq-r", columns="q{n}", level=lv),
    "aggregate": lambda lv: gs.aggregate(D, "y", "g", level=lv),
}


@pytest.mark.parametrize("level", [1.5, 0, 1, -0.95, 95, math.nan, "0.95", True, None])
@pytest.mark.parametrize("name", sorted(LEVEL_CALLS))
def test_every_entry_point_refuses_a_level_outside_0_1(name, level):
    with pytest.raises(DataError, match=rf"^{name}: (level|ci)=.* is not a confidence level; give a number strictly "
                                        r"between 0 and 1, e.g. 0.95 for a 95% CI$"):
        LEVEL_CALLS[name](level)


BOOT_CALLS = {
    "mediation": lambda n: gs.mediation(D, "x", "m", "y", n_boot=n),
    "moderated_mediation": lambda n: gs.moderated_mediation(D, "x", "m", "y", "w", n_boot=n),
    "reliability": lambda n: gs.reliability(D, "agq-r", columns="q{n}", n_boot=n),
}


@pytest.mark.parametrize("n_boot, message", [
    (-5, r"n_boot=-5 is not a number of bootstrap resamples; give a whole number of at least 100"),
    (0, r"n_boot=0 is not a number of bootstrap resamples"),
    (2.5, r"n_boot=2.5 is not a number of bootstrap resamples"),
    ("1000", r"n_boot='1000' is not a number of bootstrap resamples"),
    (10, r"n_boot=10 is too few resamples for a CI; use at least 100 \(1000 or more for a CI you report\)"),
])
@pytest.mark.parametrize("name", sorted(BOOT_CALLS))
def test_every_bootstrap_refuses_a_bad_count(name, n_boot, message):
    with pytest.raises(DataError, match=rf"^{name}: {message}"):
        BOOT_CALLS[name](n_boot)


def test_good_values_pass_through():
    assert check_level(0.9, "x") == 0.9 and check_level(np.float64(0.99), "x") == 0.99
    assert check_n_boot(1000, "x") == 1000 and check_n_boot(np.int64(500), "x") == 500
    assert check_n_boot(2000.0, "x") == 2000


@pytest.mark.parametrize("args, fragment", [
    (["reliability", "--level", "1.5"], "argument --level: '1.5' is not a confidence level; give a number strictly "
                                        "between 0 and 1"),
    (["reliability", "--level", "0"], "argument --level: '0' is not a confidence level"),
    (["reliability", "--level", "95"], "argument --level: '95' is not a confidence level"),
    (["reliability", "--ci", "nan"], "argument --ci: 'nan' is not a confidence level"),
    (["reliability", "--n-boot", "-5"], "argument --n-boot: '-5' is not a usable number of bootstrap resamples; "
                                        "give a whole number of at least 100"),
    (["reliability", "--n-boot", "0"], "argument --n-boot: '0' is not a usable number"),
    (["reliability", "--n-boot", "2.5"], "argument --n-boot: '2.5' is not a usable number"),
    (["mediation", "--n-boot", "-5"], "argument --n-boot: '-5' is not a usable number"),
    (["mediation", "--n-boot", "10"], "argument --n-boot: '10' is not a usable number"),
])
def test_cli_refuses_bad_levels_and_counts_with_exit_2(tmp_path, capsys, args, fragment):
    data = tmp_path / "d.csv"
    D.to_csv(data, index=False)
    cmd, *opts = args
    base = {"reliability": [cmd, str(data), "--instrument", "agq-r", "--columns", "q{n}"],
            "mediation": [cmd, str(data), "--x", "x", "--m", "m", "--y", "y"]}[cmd]
    with pytest.raises(SystemExit) as exc:
        main(base + opts + ["-o", str(tmp_path / "out.csv")])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and says(err, fragment) and "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("seed", [-1, 2.5, "1", True])
@pytest.mark.parametrize("name", sorted(BOOT_CALLS))
def test_every_bootstrap_refuses_a_bad_seed(name, seed):
    call = {"mediation": lambda: gs.mediation(D, "x", "m", "y", n_boot=100, seed=seed),
            "moderated_mediation": lambda: gs.moderated_mediation(D, "x", "m", "y", "w", n_boot=100, seed=seed),
            "reliability": lambda: gs.reliability(D, "agq-r", columns="q{n}", n_boot=100, seed=seed)}[name]
    with pytest.raises(DataError, match=rf"^{name}: seed=.* is not a seed; give a whole number of 0 or more"):
        call()


@pytest.mark.parametrize("name", sorted(BOOT_CALLS))
def test_every_bootstrap_takes_a_generator_as_its_seed(name):
    """Issue 20: a numpy Generator is a seed: the whole-number seed drawn from it is used and stated."""
    import numpy as np

    drawn = int(np.random.default_rng(11).integers(2 ** 32))
    call = {"mediation": lambda s: gs.mediation(D, "x", "m", "y", n_boot=100, seed=s),
            "moderated_mediation": lambda s: gs.moderated_mediation(D, "x", "m", "y", "w", n_boot=100, seed=s),
            "reliability": lambda s: gs.reliability(D, "agq-r", columns="q{n}", n_boot=100, seed=s)}[name]
    by_generator, by_number = call(np.random.default_rng(11)), call(drawn)
    assert by_generator.options["seed"] == drawn
    pd.testing.assert_frame_equal(by_generator.table(), by_number.table())


def test_simulation_and_monte_carlo_take_a_generator():
    import numpy as np

    drawn = int(np.random.default_rng(3).integers(2 ** 32))
    sim = gs.simulate({"grit": "grit-s"}, None, n=50, seed=np.random.default_rng(3))
    assert sim.seed == drawn and sim.data.equals(gs.simulate({"grit": "grit-s"}, None, n=50, seed=drawn).data)
    pm = gs.power_mediation(0.3, 0.3, n=60, n_rep=20, seed=np.random.default_rng(3), progress=False)
    assert pm.seed == drawn and pm.power == gs.power_mediation(0.3, 0.3, n=60, n_rep=20, seed=drawn, progress=False).power


@pytest.mark.parametrize("cmd", ["reliability", "mediation", "screen"])
def test_cli_refuses_a_negative_seed(tmp_path, capsys, cmd):
    data = tmp_path / "d.csv"
    D.to_csv(data, index=False)
    base = {"reliability": [cmd, str(data), "--instrument", "agq-r", "--columns", "q{n}", "--n-boot", "100"],
            "screen": [cmd, str(data), "--instrument", "agq-r", "--columns", "q{n}"],
            "mediation": [cmd, str(data), "--x", "x", "--m", "m", "--y", "y"]}[cmd]
    with pytest.raises(SystemExit) as exc:
        main(base + ["--seed", "-1", "-o", str(tmp_path / "out.csv")])
    assert exc.value.code == 2 and says(capsys.readouterr().err, "argument --seed: '-1' is not a seed")


def test_a_huge_value_is_echoed_short(capsys, tmp_path):
    with pytest.raises(DataError) as exc:
        check_level("9" * 1_000_000, "reliability")
    assert str(exc.value) == ("reliability: level='" + "9" * 76 + "…' (1000000 characters) is not a confidence "
                              "level; give a number strictly between 0 and 1, e.g. 0.95 for a 95% CI")
    with pytest.raises(SystemExit):
        main(["reliability", str(tmp_path / "d.csv"), "--instrument", "agq-r", "--level", "7" * 1_000_000,
              "-o", str(tmp_path / "o.csv")])
    assert len(capsys.readouterr().err) < 3000


# --- one way in (issue 10, items 3 and 7): the data, a choice, numeric cells, the audit, the schemas -------
import ast  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402

from analysis.checks import AUDIT_COLUMNS, ITEM_AUDIT_COLUMNS, check_choice, check_data, check_numeric  # noqa: E402
from analysis.errors import InstrumentError, StudyError  # noqa: E402
from analysis.psychometrics import keying_check  # noqa: E402
from analysis.teams import center_within_teams  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
Q = {f"q{i}": [1, 2, 3, 4, 5, 3] * 5 for i in range(1, 13)}
DATA_CALLS = {
    "regression": lambda d: gs.regression(d, "y", ["x"]),
    "correlations": lambda d: gs.correlations(d, ["x", "y"]),
    "efa": lambda d: gs.efa(d, 1),
    "kmo": lambda d: gs.kmo(d),
    "cfa": lambda d: gs.cfa(d, "f =~ x + y + m"),
    "invariance": lambda d: gs.invariance(d, "f =~ x + y + m", group="g"),
    "icc": lambda d: gs.icc(d, "y", "g"),
    "aggregate": lambda d: gs.aggregate(d, "y", "g"),
    "agreement": lambda d: gs.agreement(d, ["x"], "g", 5),
    "code_goals": lambda d: gs.code_goals(d, "text"),
    "goal_shares": lambda d: gs.goal_shares(d, "g"),
    "careless": lambda d: gs.careless(d, "agq-r", columns="q{n}"),
    "prepare_items": lambda d: gs.prepare_items(d, "agq-r", columns="q{n}"),
    "replicate_study": lambda d: gs.replicate_study(d, {"mastery_approach": "x", "procrastination": "y"}),
}


@pytest.mark.parametrize("name", sorted(DATA_CALLS))
def test_every_station_refuses_what_is_not_a_dataframe_with_one_sentence(name):
    with pytest.raises(DataError, match=rf"^{name}: data=\[\[1, 2\]\] must be a pandas DataFrame with one row per "
                                        r"respondent, not a list\. Read the file with read_dataset\(\), or build a "
                                        r"DataFrame from it\.$"):
        DATA_CALLS[name]([[1, 2]])


def test_check_data_takes_a_table_result_as_its_table():
    res = gs.score(pd.DataFrame(Q), "agq-r", columns="q{n}")
    pd.testing.assert_frame_equal(check_data(res, "x"), res.scores)
    # a model given the scores result analyses its table
    fit = gs.regression(res, "performance_approach", ["mastery_approach"])
    assert fit.n == 30
    with pytest.raises(DataError, match=r"^x: the data have no rows\. Check that the file holds answers below "
                                        r"its header\.$"):
        check_data(pd.DataFrame({"a": []}), "x")


@pytest.mark.parametrize("name, call, allowed", [
    ("efa", lambda v: gs.efa(D[["x", "m", "y"]], 1, nan_policy=v), "'pairwise' or 'listwise'"),
    ("cfa", lambda v: gs.cfa(D, "f =~ x + y + m", nan_policy=v), "'listwise' or 'fiml'"),
    ("invariance", lambda v: gs.invariance(D, "f =~ x + y + m", group="g", nan_policy=v), "'listwise' or 'fiml'"),
    ("reliability", lambda v: gs.reliability(D, "agq-r", columns="q{n}", nan_policy=v), "'pairwise' or 'listwise'"),
    ("keying_check", lambda v: keying_check(D, "agq-r", columns="q{n}", nan_policy=v), "'pairwise' or 'listwise'"),
    ("correlations", lambda v: gs.correlations(D, ["x", "y"], nan_policy=v), "'pairwise' or 'listwise'"),
    ("replicate_study", lambda v: gs.replicate_study(D, {"mastery_approach": "x", "procrastination": "y"},
                                                     nan_policy=v), "'pairwise' or 'listwise'"),
    ("prepare_items", lambda v: gs.prepare_items(D, "agq-r", columns="q{n}", on_invalid=v), "'error' or 'missing'"),
])
def test_every_choice_is_refused_with_one_sentence(name, call, allowed):
    key = "on_invalid" if name == "prepare_items" else "nan_policy"
    with pytest.raises(DataError, match=rf"^{name}: {key}='median' is not a choice; give {allowed}$"):
        call("median")


def test_check_choice_refuses_a_bool_for_a_number_and_unhashable_values():
    with pytest.raises(DataError, match=r"^f: k=True is not a choice; give 1 or 2$"):
        check_choice(True, (1, 2), "f", "k")
    with pytest.raises(DataError, match=r"^f: k=\[1\] is not a choice"):
        check_choice([1], (1, 2), "f", "k")
    assert check_choice(2, (1, 2), "f", "k") == 2


def _text_cell():
    """D with one text cell in 'x' at index 7, as read_table would mark it (header on row 1)."""
    d = D.astype({"x": object, "y": object}).copy()
    d.loc[7, "x"] = "4,5"
    d.loc[7, "y"] = "4,5"
    d.attrs.update(source="survey.csv", first_row=2)
    return d


NUMERIC_CALLS = {
    "regression": lambda d: gs.regression(d, "y", ["x"]),
    "correlations": lambda d: gs.correlations(d, ["x", "y"]),
    "efa": lambda d: gs.efa(d[["x", "m", "y"]], 1),
    "cfa": lambda d: gs.cfa(d, "f =~ x + y + m"),
    "icc": lambda d: gs.icc(d, "x", "g"),
    "aggregate": lambda d: gs.aggregate(d, "x", "g"),
    "agreement": lambda d: gs.agreement(d, ["x"], "g", 6),
    "center_within_teams": lambda d: center_within_teams(d, ["x"], "g"),
}


@pytest.mark.parametrize("name", sorted(NUMERIC_CALLS))
def test_a_text_cell_is_named_by_file_row_column_and_value_everywhere(name):
    # index 7 is file row 9 (the header is row 1, the first data row 2), never "row 7"
    with pytest.raises(DataError, match=rf"^{name}: file 'survey.csv', row 9, column '(x|y)', value '4,5' is not a "
                                        r"number; "):
        NUMERIC_CALLS[name](_text_cell())


def test_check_numeric_without_a_file_says_the_index_and_counts_the_others():
    d = pd.DataFrame({"a": ["1", "x", "y", "NA"]}, index=[10, 11, 12, 13])
    with pytest.raises(DataError, match=r"^f: row with index 11, column 'a', value 'x' is not a number \(1 more "
                                        r"cell\(s\) in the column are not numbers either\); do this$"):
        check_numeric(d, ["a"], "f", hint="do this")
    ok = check_numeric(d.loc[[10, 13]], ["a"], "f")
    assert ok["a"].tolist()[0] == 1.0 and math.isnan(ok["a"].tolist()[1])   # NA: no answer
    with pytest.raises(DataError, match=r"value 'NA' is not a number"):
        check_numeric(d.loc[[10, 13]], ["a"], "f", na_tokens=False)
    with pytest.raises(DataError, match=r"^f: column\(s\) 'b' are not in the data; available columns: a$"):
        check_numeric(d, ["a", "b"], "f")


@pytest.mark.parametrize("text", ["-0", "-0.0", " -0"])
def test_check_numeric_refuses_a_negative_zero_as_the_reader_and_scoring_do(text):
    # the reader keeps '-0' as text and scoring refuses it; check_numeric used to read it as 0
    d = pd.DataFrame({"a": ["1", text, "2", "x"]})
    d.attrs.update(source="survey.csv", first_row=2)
    with pytest.raises(DataError) as exc:
        check_numeric(d, ["a"], "f", hint="do this")
    assert flat(exc.value) == (f"f: file 'survey.csv', row 3, column 'a', value {text!r} is a negative zero, "
                               "which no answer is written as; write 0, or the answer meant")
    # a text cell above the negative zero is named first, with its own reason
    d.loc[0, "a"] = "one"
    with pytest.raises(DataError, match=r"^f: file 'survey.csv', row 2, column 'a', value 'one' is not a number "
                                        r"\(1 more cell\(s\) in the column are not numbers either\); do this$"):
        check_numeric(d, ["a"], "f", hint="do this")
    # a zero and negative numbers are numbers
    assert check_numeric(pd.DataFrame({"a": ["0", "-1", "0.0", "-0.5"]}), ["a"], "f")["a"].tolist() == [0.0, -1.0, 0.0, -0.5]


def test_compare_models_refuses_a_text_cell_instead_of_dropping_its_row():
    with pytest.raises(DataError, match=r"^compare_models: file 'survey.csv', row 9, column 'x', value '4,5'"):
        gs.compare_models(_text_cell(), {"one": "f =~ x + y + m", "two": "f =~ x + y + m\nx ~~ y"})


def test_every_audit_has_the_one_column_list():
    d = pd.DataFrame(Q).astype(object)
    d.loc[0, "q1"] = 9
    items = gs.prepare_items(d, "agq-r", columns="q{n}", on_invalid="missing")
    assert list(items.audit.columns) == ITEM_AUDIT_COLUMNS
    assert list(gs.score(d, "agq-r", columns="q{n}", on_invalid="missing").audit.columns) == ITEM_AUDIT_COLUMNS
    assert list(gs.careless(d, "agq-r", columns="q{n}", on_invalid="missing").audit.columns) == AUDIT_COLUMNS
    assert list(gs.careless(pd.DataFrame(Q), "agq-r", columns="q{n}").audit.columns) == AUDIT_COLUMNS
    assert AUDIT_COLUMNS == ["row", "id", "instrument", "column", "item", "value", "reason"]


# --- one pydantic-validation helper: file, entry and field ---------------------------------------------------
def test_the_three_schemas_name_file_entry_and_field(tmp_path):
    key = tmp_path / "k.yaml"
    key.write_text("id: k\nresponse: {min: 1, max: 5}\nscales:\n  a: {items: [q1, q2], method: average}\n")
    with pytest.raises(InstrumentError, match=rf"^instrument file '{re.escape(str(key))}': field 'scales.a.method': "):
        gs.load_instrument(key)
    from analysis.findings.registry import FindingsError, findings_from_list
    with pytest.raises(FindingsError, match=r"^findings file 'f.yaml', entry 'x-1': field '[a-z_.]+': "):
        findings_from_list([{"id": "x-1", "effect": "big"}], source="f.yaml")
    spec = yaml.safe_load((ROOT / "data/raw/demo/study.yaml").read_text())
    spec["seed"] = -3
    study = tmp_path / "study.yaml"
    study.write_text(yaml.safe_dump(spec))
    from analysis.pipeline.schema import load_study
    with pytest.raises(StudyError, match=rf"^study file '{re.escape(str(study))}': field 'seed': "):
        load_study(study)


def test_no_schema_module_catches_a_validation_error_itself():
    users = [p for p in (ROOT / "analysis").rglob("*.py")
             if "ValidationError" in p.read_text() and p.name != "yamlfile.py"]
    assert users == []


# --- library errors name keywords; the command line shows flags -----------------------------------------------
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
#: the command-line layer (the package analysis/cli) and the module that renames flags
COMMAND_LAYER = {"cli", "deprecation.py"}


def test_no_library_error_quotes_a_command_line_flag():
    found = []
    for p in sorted((ROOT / "analysis").rglob("*.py")):
        if p.relative_to(ROOT / "analysis").parts[0] in COMMAND_LAYER:
            continue
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.Raise) and node.exc is not None:
                found += [f"{p.relative_to(ROOT)}:{s.lineno}" for s in ast.walk(node.exc)
                          if isinstance(s, ast.Constant) and isinstance(s.value, str) and FLAG.search(s.value)]
    assert found == []


def test_the_library_says_the_keyword_and_the_command_line_the_flag(tmp_path, capsys):
    scores = D.assign(excluded=True)
    with pytest.raises(DataError) as err:
        gs.correlations(scores, ["x", "y"])
    assert says(err.value, "include_excluded=True") and "--" not in str(err.value)
    path = tmp_path / "scores.csv"
    scores.to_csv(path, index=False)
    with pytest.raises(SystemExit) as exc:
        main(["correlations", str(path), "--columns", "x,y"])
    said = capsys.readouterr().err
    assert exc.value.code == 2 and says(said, "or pass --include-excluded to analyse everyone")
    assert "include_excluded" not in said


# --- Study fields, cli docstring, key files changed on disk ------------------------------------------------
def test_a_retired_study_key_still_loads_with_a_deprecation_warning(tmp_path):
    from analysis.pipeline.schema import RETIRED_KEYS, Study, load_study
    assert not set(RETIRED_KEYS) & set(Study.model_fields)        # nothing reads them any more
    spec = yaml.safe_load((ROOT / "data/raw/demo/study.yaml").read_text())
    (tmp_path / "keys").symlink_to(ROOT / "data/raw/demo/keys")
    study = tmp_path / "study.yaml"
    study.write_text(yaml.safe_dump({**spec, "teams": {"group": "team"}, "report": {"title": "x"}}))
    with pytest.warns(FutureWarning) as got:
        s = load_study(study)
    assert s.name == spec["name"]
    assert sorted(str(w.message) for w in got) == [
        f"study file '{study}': key 'report' is not read (the study report has no options; 'goalscope run' "
        f"writes it whole); remove it, it is refused from the next release",
        f"study file '{study}': key 'teams' is not read (the staff report is made by 'goalscope teams' with its "
        f"own options); remove it, it is refused from the next release"]
    study.write_text(yaml.safe_dump({**spec, "teems": {}}))       # an unknown key is still refused
    with pytest.raises(StudyError, match=r"field 'teems': Extra inputs are not permitted"):
        load_study(study)


def test_the_cli_docstring_names_only_what_exists():
    import importlib

    import analysis.cli as cli
    import analysis.cli.inputs as options
    doc = cli.__doc__
    for dotted in re.findall(r":(?:func|data|mod):`~?([\w.]+)`", doc):
        mod, _, attr = dotted.rpartition(".")
        owner = importlib.import_module(mod) if mod.startswith("analysis") else cli
        assert hasattr(owner, attr), dotted
    names = [n.split("(")[0] for n in re.findall(r"``([\w()]+(?:\(\w+\))?)``", doc)]
    commands = set(cli.build_parser()._subparsers._group_actions[0].choices)
    for n in names:
        assert n in commands or n == "goalscope" or hasattr(cli, n) or hasattr(options, n) or \
            any(hasattr(importlib.import_module(m), n) for m in cli.COMMAND_MODULES), n


def test_a_key_file_rewritten_between_two_calls_is_read_again(tmp_path):
    import os

    key = tmp_path / "k.yaml"
    key.write_text("id: k\nresponse: {min: 1, max: 5}\nscales:\n  a: {items: [q1, q2]}\n")
    first = gs.load_instrument(key)
    st = key.stat()
    key.write_text("id: k\nname: Rewritten key\nresponse: {min: 0, max: 6}\nscales:\n  a: {items: [q1, q2, q3]}\n")
    os.utime(key, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    assert key.stat().st_size != st.st_size and key.stat().st_mtime_ns != st.st_mtime_ns
    second = gs.load_instrument(key)
    assert (first.response.min, first.response.max, first.scales["a"].items) == (1, 5, ["q1", "q2"])
    assert (second.response.min, second.response.max, second.scales["a"].items) == (0, 6, ["q1", "q2", "q3"])
    assert second.name == "Rewritten key"
    assert gs.load_instrument(key) is second            # unchanged on disk: the parsed key is reused

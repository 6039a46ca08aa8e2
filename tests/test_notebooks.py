"""The notebooks in notebooks/: stored without outputs, parameterisable, and they run from top to bottom.

Execution uses scripts/run_notebooks.py (the same code `make notebooks` runs): parameters are
injected after the cell tagged ``parameters``, as papermill does.
"""

import ast
import importlib.util
import re

import nbformat
import pytest

from conftest import FIXTURES, REFERENCE, ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = ["01_tour", "02_measurement", "03_procrastination", "04_persistence_and_setbacks", "05_dysphoria",
            "06_staff_survey"]

_spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "scripts" / "run_notebooks.py")
run_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_notebooks)


def _read(path):
    return nbformat.read(path, as_version=4)


def _parameters(nb) -> dict:
    """Names and literal values assigned in the cell tagged ``parameters``."""
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged 'parameters'"
    assert cells[0].cell_type == "code"
    out = {}
    for node in ast.parse(cells[0].source).body:
        assert isinstance(node, ast.Assign), "the parameters cell holds assignments only"
        out[node.targets[0].id] = ast.literal_eval(node.value)
    return out


def _errors(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


def _stdout(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                   if o.output_type == "stream" and o.name == "stdout")


def _images(nb) -> int:
    return sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)


FIGURES = {"03_procrastination": 1, "04_persistence_and_setbacks": 1, "05_dysphoria": 2}


def test_the_set_of_notebooks():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_stored_without_outputs(path):
    nb = _read(path)
    nbformat.validate(nb)
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None, f"{path.name}: store notebooks without outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_parameters_cell_names_an_existing_input(path):
    params = _parameters(_read(path))
    source = params.get("study") or params.get("responses")
    assert source, f"{path.name}: the parameters cell names the study file (or the export)"
    assert not source.startswith("/"), "paths are relative to the repository root"
    assert (ROOT / source).is_file()
    if path.stem not in ("01_tour", "06_staff_survey"):
        assert params["study"] == "data/raw/demo/study.yaml"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_uses_the_public_api(path):
    code = "\n".join(c.source for c in _read(path).cells if c.cell_type == "code")
    private = re.findall(r"from analysis\.[\w.]*\._\w+|import analysis\.\w*\._", code)
    assert not private, f"{path.name} imports private modules: {private}"
    written = re.findall(r"['\"](?:data/processed|reports)\b", code)
    assert not written, f"{path.name}: notebooks write to a temporary folder only"


def test_registry_ids_named_in_notebooks_exist():
    from analysis import published_findings

    ids = set(published_findings()["id"])
    for path in NOTEBOOKS:
        code = "\n".join(c.source for c in _read(path).cells if c.cell_type == "code")
        for prefix in re.findall(r"startswith\('([a-z0-9-]+)'\)", code):
            assert any(i.startswith(prefix) for i in ids), f"{path.name}: no registry entry starts with {prefix!r}"


def test_inject_parameters_follows_the_tagged_cell():
    nb = _read(ROOT / "notebooks" / "03_procrastination.ipynb")
    n = len(nb.cells)
    run_notebooks.inject_parameters(nb, {"study": "x.yaml", "n_boot": 10})
    i = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    assert len(nb.cells) == n + 1
    assert nb.cells[i + 1].metadata["tags"] == ["injected-parameters"]
    assert nb.cells[i + 1].source == "# Injected parameters\nstudy = 'x.yaml'\nn_boot = 10"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path):
    nb = run_notebooks.execute(path)
    assert not _errors(nb)
    assert _images(nb) == FIGURES.get(path.stem, 0), "every figure is shown once"
    out = _stdout(nb)
    if path.stem in ("02_measurement", "03_procrastination", "04_persistence_and_setbacks", "05_dysphoria"):
        assert "N analysed = 385" in out           # the demo's kept respondents (15 excluded by screening)
    if path.stem == "02_measurement":
        assert "Lowest BIC: the 2x2 model (N = 282)" in out
        assert "non-binary (n = 18)" in out        # the group left out of the invariance test is named
    if path.stem == "04_persistence_and_setbacks":
        assert "count models skipped" in out       # persistence=None by default (the fixture test sets it)
    if path.stem == "06_staff_survey":
        assert "18 row(s) of suppressed units left out" in out


@pytest.mark.slow
def test_persistence_notebook_on_a_study_with_a_count():
    """Notebook 04 on a study with a count column; its count models equal R glm / MASS::glm.nb to 1e-6."""
    import json

    import pandas as pd

    study = FIXTURES / "notebooks" / "persistence" / "study.yaml"
    read_back = ("import json; print('RESULT ' + json.dumps({'table': count_table.to_dict('records'), "
                 "'theta': theta, 'aic_poisson': poisson.aic, 'aic_nb': ml.aic}))")
    nb = run_notebooks.execute(ROOT / "notebooks" / "04_persistence_and_setbacks.ipynb",
                               {"study": str(study.relative_to(ROOT)), "persistence": "extra_tasks"},
                               append=[read_back])
    assert not _errors(nb)
    out = _stdout(nb)
    assert "N analysed = 378" in out
    assert "N = 378 (rows with both extra_tasks and goals_mastery_approach)" in out
    got = json.loads(out.split("RESULT ", 1)[1])
    table = pd.DataFrame(got["table"])
    ref = pd.read_csv(REFERENCE / "notebooks" / "counts_coefficients.csv")
    assert table[["model", "term"]].values.tolist() == ref[["model", "term"]].values.tolist()
    for col in ["estimate", "se", "statistic", "p_val", "rate_ratio"]:
        assert table[col].to_numpy() == pytest.approx(ref[col].to_numpy(), abs=1e-6, rel=0), col
    assert (table["n"] == ref["n"]).all()
    fit = pd.read_csv(REFERENCE / "notebooks" / "counts_fit.csv").set_index("model")
    assert got["theta"] == pytest.approx(fit.loc["negative_binomial", "theta"], abs=1e-6, rel=0)
    assert got["aic_poisson"] == pytest.approx(fit.loc["poisson", "aic"], abs=1e-6, rel=0)
    assert got["aic_nb"] == pytest.approx(fit.loc["negative_binomial", "aic"], abs=1e-6, rel=0)


def test_persistence_reference_input_is_the_fixture():
    """The R reference's input is the fixture study's analysed rows (rebuilt here without R)."""
    import tempfile

    import pandas as pd

    from analysis.study import run_study

    with tempfile.TemporaryDirectory() as out:
        res = run_study(FIXTURES / "notebooks" / "persistence" / "study.yaml", processed_dir=f"{out}/p",
                        reports_dir=f"{out}/r")
        kept = res.analysed[["extra_tasks", "goals_mastery_approach"]].dropna().reset_index(drop=True)
    ref = pd.read_csv(REFERENCE / "notebooks" / "persistence_counts.csv")
    assert len(kept) == len(ref) == 378
    assert kept["extra_tasks"].astype(float).tolist() == ref["extra_tasks"].astype(float).tolist()
    assert kept["goals_mastery_approach"].to_numpy() == pytest.approx(ref["goals_mastery_approach"].to_numpy(),
                                                                      abs=1e-12)


@pytest.mark.slow
def test_staff_notebook_goal_statements():
    """The staff demo's goal column is coded by default (its shares shown); goal_text=None skips the section."""
    nb = run_notebooks.execute(ROOT / "notebooks" / "06_staff_survey.ipynb")
    assert not _errors(nb)
    html = [o["data"]["text/plain"] for c in nb.cells if c.cell_type == "code" and "goal_shares" in c.source
            for o in c.outputs if "data" in o]
    assert html and "share_mastery" in html[0]
    nb = run_notebooks.execute(ROOT / "notebooks" / "06_staff_survey.ipynb", {"goal_text": None})
    assert not _errors(nb)
    assert "No goal statements in this survey (set `goal_text` to the column that holds them)." in _stdout(nb)


def test_runner_refuses_an_undeclared_parameter(capsys):
    code = run_notebooks.main([str(ROOT / "notebooks" / "02_measurement.ipynb"), "-p", "studdy", "x.yaml"])
    assert code == 2
    err = capsys.readouterr().err
    assert err == ("error: notebook '02_measurement.ipynb' has no parameter studdy "
                   "(its parameters: study, goals, group, min_group_n, n_boot)\n")


def test_runner_refuses_a_missing_notebook(capsys, tmp_path):
    assert run_notebooks.main([str(tmp_path / "nope.ipynb")]) == 2
    assert capsys.readouterr().err == f"error: notebook '{tmp_path / 'nope.ipynb'}' does not exist\n"


@pytest.mark.slow
def test_runner_reports_a_user_error_without_traceback(capsys, tmp_path):
    code = run_notebooks.main([str(ROOT / "notebooks" / "05_dysphoria.ipynb"), "-p", "study", "nope/study.yaml",
                               "-o", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.endswith("error: 05_dysphoria.ipynb: file 'nope/study.yaml' does not exist. Check the path of the study "
                       "file.\n")
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []          # nothing written for a notebook that did not run


def _tiny_notebook(path, source):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.cells[0].id = "only"
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_runner_reports_in_the_notebooks_order_when_two_run_at_once(capsys, tmp_path):
    # the first takes longer and the second fails: the report still follows the notebooks' order,
    # and a failed notebook stops neither the other nor the count of failures
    slow = _tiny_notebook(tmp_path / "a_slow.ipynb", "import time\ntime.sleep(3)\nprint('a done')")
    bad = _tiny_notebook(tmp_path / "b_bad.ipynb", "raise ValueError('b is broken')")
    fine = _tiny_notebook(tmp_path / "c_fine.ipynb", "print('c done')")
    code = run_notebooks.main([str(slow), str(bad), str(fine), "-j", "2", "-o", str(tmp_path / "out")])
    assert code == 1
    captured = capsys.readouterr()
    lines = [" ".join(re.sub(r"\d+\.\d s", "#.# s", line).split()) for line in captured.out.splitlines()]
    assert lines == [f"a_slow.ipynb: #.# s -> {tmp_path / 'out' / 'a_slow.html'}",
                     f"c_fine.ipynb: #.# s -> {tmp_path / 'out' / 'c_fine.html'}",
                     "all 3 notebook(s): #.# s; FAILED: b_bad.ipynb"]
    err = re.sub(r"\x1b\[[0-9;]*m", "", captured.err)       # the traceback comes in terminal colours
    assert err.startswith("b_bad.ipynb: failed\n") and "\nValueError: b is broken\n" in err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a_slow.html", "c_fine.html"]
    assert "a done" in (tmp_path / "out" / "a_slow.html").read_text()


@pytest.mark.slow
def test_runner_stops_at_the_first_bad_input_in_order(capsys, tmp_path):
    # a user error in the first notebook stops the run although the second finished first: nothing
    # after it is written or reported, as when they ran one at a time
    first = _tiny_notebook(tmp_path / "a.ipynb", "import time\ntime.sleep(3)\n"
                           "from analysis.errors import DataError\nraise DataError('a bad study file')")
    second = _tiny_notebook(tmp_path / "b.ipynb", "print('b done')")
    code = run_notebooks.main([str(first), str(second), "-j", "2", "-o", str(tmp_path / "out")])
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "error: a.ipynb: a bad study file\n"
    assert not (tmp_path / "out").exists()


def test_join_streams_joins_consecutive_pieces_of_one_stream_only():
    piece = nbformat.v4.new_output
    outputs = [piece("stream", name="stdout", text="Highest level that held: strict (N = 268)"),
               piece("stream", name="stdout", text="\n"),
               piece("stream", name="stderr", text="a warning\n"),
               piece("display_data", data={"text/plain": "figure"}),
               piece("stream", name="stdout", text="after the figure\n")]
    joined = run_notebooks.join_streams(outputs)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in joined] == [
        ("stream", "stdout", "Highest level that held: strict (N = 268)\n"),
        ("stream", "stderr", "a warning\n"),
        ("display_data", None, None),
        ("stream", "stdout", "after the figure\n")]


def _setup_lines(nb) -> str:
    """The lines of the first code cell after the parameters that settle the working directory."""
    cell = next(c for c in nb.cells if c.cell_type == "code" and "os.chdir" in c.source)
    lines = cell.source.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("if "))
    return "\n".join(lines[start:start + 2])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
@pytest.mark.parametrize("start, expected", [("root/notebooks", "root"), ("root", "root"),
                                             ("notebooks", "notebooks"), ("notebooks/notebooks", "notebooks"),
                                             ("elsewhere", "elsewhere")])
def test_notebook_moves_to_the_repository_root_only_from_its_folder(path, start, expected, tmp_path, monkeypatch):
    # a checkout whose root is itself named 'notebooks' must not be left for its parent
    for folder in ("root/analysis", "root/notebooks", "notebooks/analysis", "notebooks/notebooks", "elsewhere"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(tmp_path / start)
    import os
    import pathlib
    exec(_setup_lines(_read(path)), {"os": os, "pathlib": pathlib})
    assert pathlib.Path.cwd() == tmp_path / expected

"""``run_study(..., chunk_rows=N)`` / ``goalscope run --chunk-rows N``: a study whose export is read in
chunks, keeping only the columns the study reads, writes the bytes a whole read writes.

The decision table of :mod:`analysis.pipeline.read_export` is tested row by row below.
"""

import hashlib
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.errors import GoalscopeError, StudyError
from analysis.io import chunks as chunks_module
from analysis.io import read_responses
from analysis.pipeline.read_export import chunk_rows_of, study_columns
from analysis.pipeline.schema import load_study
from analysis.study import run_study
from conftest import ROOT
from messages import flat

CASES = ROOT / "tests" / "corpus" / "cases"
CASE_STUDIES = sorted(CASES.glob("*run*/study.yaml"))


def _outputs(*folders) -> dict:
    return {f"{k}/{p.relative_to(d)}": hashlib.sha256(p.read_bytes()).hexdigest()
            for k, d in enumerate(folders) for p in sorted(Path(d).rglob("*")) if p.is_file()}


def _run(study, tmp_path, name, rows):
    """The outputs' hashes, or the refusal, of a run into tmp_path/name (the report names tmp_path/p, r)."""
    out = tmp_path / name
    try:
        run_study(study, out / "p", out / "r", chunk_rows=rows, named_dirs=(tmp_path / "p", tmp_path / "r"),
                  allow_outside_data=True)
    except GoalscopeError as exc:
        return re.sub(re.escape(str(out)), "OUT", flat(str(exc)))
    return _outputs(out / "p", out / "r")


@pytest.mark.parametrize("study, rows", [("demo", 97), ("pisa_demo", 7)])
def test_the_demo_studies_read_in_chunks_write_the_bytes_of_a_whole_read(tmp_path, study, rows):
    path = ROOT / "data" / "raw" / study / "study.yaml"
    whole = _run(path, tmp_path, "whole", 0)
    chunked = _run(path, tmp_path, "chunked", rows)
    assert isinstance(whole, dict) and len(whole) >= 19
    assert chunked == whole


@pytest.mark.filterwarnings("ignore:.*not answers of real respondents")
@pytest.mark.parametrize("path", CASE_STUDIES, ids=[p.parent.name for p in CASE_STUDIES])
def test_every_corpus_study_run_in_chunks_gives_the_outputs_or_the_refusal_of_a_whole_run(tmp_path, path, monkeypatch):
    monkeypatch.setenv("GOALSCOPE_PSEUDONYM_KEY", "chunk-test-key")
    whole = _run(path, tmp_path, "whole", 0)
    chunked = _run(path, tmp_path, "chunked", 3)
    if isinstance(chunked, str) and ("chunk_rows=3 is given" in chunked or "not read in chunks" in chunked):
        study = load_study(path)
        data = study.resolve(study.data)
        assert study.qualtrics or data.suffix.lower() not in (".csv", ".tsv", ".txt", ".sav") \
            or read_responses(data).attrs.get("qualtrics")
        return
    assert chunked == whole


def test_the_pisa_study_reads_its_columns_only():
    study = load_study(ROOT / "data" / "raw" / "pisa_demo" / "study.yaml")
    first = read_responses(study.resolve(study.data)).head(2)
    cols = study_columns(study, first)
    assert len(first.columns) == 112
    assert sorted(set(first.columns) - set(cols)) == ["CNTSCHID", "ZONE"]
    assert cols[:3] == ["CNTSTUID", "female", "ESCS"] and cols[-1] == "W_FSTURWT80"


@pytest.mark.parametrize("change", [
    {"keep": ["female", "ESCSS"]},                                    # a kept column the export lacks
    {"weights": {"final": "W_FSTUWT", "replicates": "W_REP{n}", "method": "fay", "fay_k": 0.5}},   # no such pattern
    {"instruments": {"goals": {"instrument": "agq-r", "columns": "item_{n}"}}},
])
def test_a_name_the_export_lacks_reads_every_column_and_is_refused_as_in_a_whole_run(tmp_path, change):
    import yaml

    src = ROOT / "data" / "raw" / "pisa_demo"
    spec = yaml.safe_load((src / "study.yaml").read_text()) | change
    shutil.copy(src / "responses.csv", tmp_path / "responses.csv")
    (tmp_path / "study.yaml").write_text(yaml.safe_dump(spec))
    study = load_study(tmp_path / "study.yaml")
    assert study_columns(study, read_responses(tmp_path / "responses.csv").head(2)) is None
    whole = _run(tmp_path / "study.yaml", tmp_path, "whole", 0)
    assert isinstance(whole, str)
    assert _run(tmp_path / "study.yaml", tmp_path, "chunked", 50) == whole


def test_screening_rules_name_the_columns_they_read(tmp_path):
    study = load_study(ROOT / "data" / "raw" / "demo" / "study.yaml")
    header = pd.DataFrame(columns=[*read_responses(study.resolve(study.data)).columns, "Status", "secs"])
    study = study.model_copy(update={"screening": {"speed": {"column": "secs", "min_seconds": 10},
                                                   "response_type": {}}})
    assert {"secs", "Status"} <= set(study_columns(study, header))


# ---------------------------------------------------------------------------------------------
# the decision table (analysis.pipeline.read_export)

def _study(tmp_path, data="responses.csv", **fields):
    import yaml

    (tmp_path / data).write_text("id,q1\nr1,3\n")
    spec = {"name": "t", "data": data, "instruments": {"a": {"instrument": "agq-r", "columns": "q{n}"}}} | fields
    (tmp_path / "study.yaml").write_text(yaml.safe_dump(spec))
    return load_study(tmp_path / "study.yaml"), tmp_path / data


@pytest.mark.parametrize("rows, big, fields, data, expected", [
    (0, True, {}, "responses.csv", None),                     # 0: whole, whatever the file
    (None, True, {}, "responses.csv", 0),                     # default, a file goalscope score chunks: default size
    (None, True, {"qualtrics": True}, "responses.csv", None),  # ... unless the study file says qualtrics: true
    (None, False, {}, "responses.csv", None),                 # default, anything else: whole
    (50, False, {}, "responses.csv", 50),                     # N: chunks of N rows
    (50, False, {}, "responses.sav", 50),                     # an SPSS export too
    (np.int64(50), False, {}, "responses.csv", 50),           # a numpy whole number is a number of rows
    (50, False, {}, "responses.xlsx", "refused"),             # Excel: refused
    (50, False, {"qualtrics": True}, "responses.csv", "refused"),
    (-1, False, {}, "responses.csv", "refused"),
    (True, False, {}, "responses.csv", "refused"),
    ("3", False, {}, "responses.csv", "refused"),
])
def test_when_a_run_reads_in_chunks(tmp_path, monkeypatch, rows, big, fields, data, expected):
    monkeypatch.setattr(chunks_module, "reads_in_chunks", lambda p: big)
    study, data_file = _study(tmp_path, data, **fields)
    if expected == "refused":
        with pytest.raises(StudyError) as err:
            chunk_rows_of(study, data_file, rows)
        said = flat(str(err.value))
        assert said.startswith(f"study file '{study.path}': chunk_rows=") if rows == 50 else said.startswith(
            f"chunk_rows={rows!r} is not a number of rows")
    else:
        assert chunk_rows_of(study, data_file, rows) == expected


def test_goalscope_run_reads_in_chunks_on_the_command_line(tmp_path, capsys):
    src = ROOT / "data" / "raw" / "pisa_demo" / "study.yaml"
    outs = []
    for name, rows in (("whole", "0"), ("chunked", "100")):
        assert main(["run", str(src), "--processed", str(tmp_path / "p"), "--reports", str(tmp_path / "r"),
                     "--chunk-rows", rows, "--no-progress"]) == 0
        outs.append(_outputs(tmp_path / "p", tmp_path / "r"))
        shutil.rmtree(tmp_path / "p")
        shutil.rmtree(tmp_path / "r")
    assert outs[0] == outs[1]
    with pytest.raises(SystemExit):
        main(["run", str(src), "--chunk-rows", "-5"])
    assert "'-5' is not a whole number of rows" in flat(capsys.readouterr().err)


def test_a_study_over_an_spss_export_with_user_missing_codes_reads_alike_in_chunks(tmp_path):
    import pyreadstat

    src = ROOT / "data" / "raw" / "pisa_demo"
    df = pd.read_csv(src / "responses.csv")
    for row, col in [(3, "agq_2"), (10, "agq_5"), (500, "agq_7")]:      # in three different chunks of 37 rows
        df.loc[row, col] = 9
    pyreadstat.write_sav(df, tmp_path / "responses.sav", missing_ranges={c: [9] for c in ("agq_2", "agq_5", "agq_7")})
    (tmp_path / "study.yaml").write_text((src / "study.yaml").read_text().replace("data: responses.csv",
                                                                                 "data: responses.sav"))
    whole = _run(tmp_path / "study.yaml", tmp_path, "whole", 0)
    assert _run(tmp_path / "study.yaml", tmp_path, "chunked", 37) == whole
    audit = pd.read_csv(tmp_path / "whole" / "p" / "audit.csv")
    assert audit[["row", "column", "reason"]].values.tolist() == [
        [501, "agq_7", "SPSS user-missing code 9"], [4, "agq_2", "SPSS user-missing code 9"],
        [11, "agq_5", "SPSS user-missing code 9"]]

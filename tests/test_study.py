"""The study pipeline on the bundled demo: outputs, identifiers, determinism."""

import subprocess
import sys

import pandas as pd
import pytest

from analysis import DataError, StudyError
from analysis.study import load_study, run_study
from conftest import DEMO, ROOT
from messages import says


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
    res = run_study(DEMO / "study.yaml", processed_dir=base / "p", reports_dir=base / "r")
    return base, res


def test_outputs_exist_and_rows_in_equal_rows_out(demo_run):
    base, res = demo_run
    raw = pd.read_csv(DEMO / "responses.csv")
    scores = pd.read_csv(base / "p" / "scores.csv")
    assert len(scores) == len(raw) == 400
    for f in ("p/audit.csv", "p/missing.csv", "p/manifest.json", "r/index.html", "r/tables/scales.csv"):
        assert (base / f).is_file(), f
    assert "goals_mastery_approach" in scores and "mood_total_band" in scores


def test_screening_flags_everyone_and_drops_no_one(demo_run):
    base, res = demo_run
    flags = pd.read_csv(base / "p" / "screening_flags.csv")
    flow = pd.read_csv(base / "p" / "screening_flow.csv")
    scores = pd.read_csv(base / "p" / "scores.csv")
    assert len(flags) == len(scores) == 400
    assert list(flow["rule"]) == ["attention", "speed", "longstring", "mahad"]
    assert flow["n_after"].iloc[-1] == (~scores["excluded"]).sum() == res.screening.n_analysed
    assert flow["n_before"].iloc[0] - flow["n_excluded"].sum() == flow["n_after"].iloc[-1]
    # attention failures are exactly the rows whose att_1 is not 4
    raw = pd.read_csv(DEMO / "responses.csv")
    assert (scores["excluded_by"] == "attention").sum() == (raw["att_1"] != 4).sum()
    assert (flags["respondent"] == scores["respondent"]).all()
    assert (base / "r" / "figures" / "flow.png").is_file()
    html = (base / "r" / "index.html").read_text()
    assert "Exclusion flow" in html and f"{res.screening.n_analysed} respondents were analysed" in html


def test_no_identifier_reaches_processed_or_report(demo_run):
    base, _ = demo_run
    raw = pd.read_csv(DEMO / "responses.csv")
    text = "".join(p.read_text() for p in base.rglob("*") if p.is_file() and p.suffix != ".png")
    assert "@example.edu" not in text
    assert not any(rid in text for rid in raw["respondent_id"].head(50))
    assert "email" not in pd.read_csv(base / "p" / "scores.csv").columns


def test_audit_counts_every_minus_99(demo_run):
    base, res = demo_run
    raw = pd.read_csv(DEMO / "responses.csv")
    item_cols = [c for c in raw.columns if c.split("_")[0] in ("agq", "pps", "disorg", "grit", "phq")]
    assert (res.audit["reason"] == "missing code").sum() == int((raw[item_cols] == -99).sum().sum())


def test_same_inputs_give_byte_identical_outputs(demo_run, tmp_path):
    base, _ = demo_run
    # the second run is given what load_study returned (a notebook's habit): the same run
    run_study(load_study(DEMO / "study.yaml"), processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    first = sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file())
    second = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert first == second and len(first) > 40          # every table and figure of every analysis
    for f in first:
        assert (base / f).read_bytes() == (tmp_path / f).read_bytes(), f


@pytest.mark.parametrize("given, kind", [(3, "int"), (None, "NoneType"), (["study.yaml"], "list")])
def test_a_study_that_is_not_a_path_is_refused_by_name(given, kind):
    with pytest.raises(StudyError) as err:
        run_study(given)
    assert says(str(err.value), f"path={given!r} must be the path of a study file, not a value of type {kind}. "
                                "Give the path of the study file (study.yaml), or what load_study returned for it.")


def test_demo_file_regenerates_byte_for_byte(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_demo.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    assert (tmp_path / "responses.csv").read_bytes() == (DEMO / "responses.csv").read_bytes()


def test_study_file_errors_name_the_field(tmp_path):
    p = tmp_path / "study.yaml"
    p.write_text("name: x\ndata: r.csv\ninstruments:\n  g: {instrument: agq-r, colums: 'a{n}'}\n")
    with pytest.raises(StudyError, match=r"field 'instruments.g.colums': Extra inputs are not permitted"):
        load_study(p)


def test_cli_run_demo(tmp_path):
    res = subprocess.run([sys.executable, "-m", "analysis", "run", str(DEMO / "study.yaml"), "--processed",
                          str(tmp_path / "p"), "--reports", str(tmp_path / "r")], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert says(res.stdout, "400 respondents")


def test_study_on_invalid_missing_reaches_scoring_and_screening(tmp_path):
    import yaml

    raw = pd.read_csv(DEMO / "responses.csv")
    raw.loc[3, "agq_2"] = 9                                   # outside the 1-7 administration
    raw.to_csv(tmp_path / "responses.csv", index=False)
    spec = yaml.safe_load((DEMO / "study.yaml").read_text())
    spec["on_invalid"] = "missing"
    spec["instruments"]["strategies"]["instrument"] = str(DEMO / "keys" / "disorganization.yaml")
    (tmp_path / "study.yaml").write_text(yaml.safe_dump(spec))
    res = run_study(tmp_path / "study.yaml", processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    bad = res.audit[res.audit["reason"].str.startswith("outside")]
    assert bad[["row", "column", "value"]].values.tolist() == [[5, "agq_2", "9"]]
    assert res.screening.n_received == 400 and len(res.scores) == 400


def test_wrong_screening_rule_names_the_study_file(tmp_path):
    p = tmp_path / "study.yaml"
    p.write_text(f"name: b\ndata: {DEMO / 'responses.csv'}\nallow_outside_data: true\nscreening: {{longstrng: {{max: 3}}}}\n"
                 "instruments:\n  g: {instrument: agq-r, columns: 'agq_{n}', response: {min: 1, max: 7}, missing: [-99]}\n")
    with pytest.raises(DataError) as err:
        run_study(p, processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    assert says(err.value, f"file '{p}', field 'screening.longstrng': unknown rule 'longstrng' "
                           "(did you mean 'longstring'?). Name one of the rules: response_type,")
    assert err.value.parts()["field"] == "screening.longstrng"


def _demo_study(tmp_path, **top):
    """The demo study folder copied into tmp_path, its study file with top-level fields replaced."""
    import shutil

    import yaml

    home = tmp_path / "demo"
    if not home.exists():
        shutil.copytree(DEMO, home)
    spec = yaml.safe_load((DEMO / "study.yaml").read_text())
    spec.update(top)
    p = home / "study.yaml"
    p.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True))
    return p


def _flat(text):
    return " ".join(str(text).split())


def test_unknown_construct_stops_with_near_matches(tmp_path):
    p = _demo_study(tmp_path, constructs={"task_aproach": "goals_mastery_approach", "depression": "mood_total"})
    with pytest.raises(StudyError) as exc:
        load_study(p)
    msg = _flat(exc.value)
    assert msg.startswith(f"file '{p}', field 'constructs': unknown construct 'task_aproach' (did you mean "
                          "'task_approach' or 'self_approach' or 'mastery_approach'?). Valid constructs: ability_goal,")
    assert msg.endswith("work_avoidance; use one of the valid names (`goalscope findings` lists what each construct "
                        "links)")
    assert exc.value.parts()["field"] == "constructs" and exc.value.parts()["file"] == str(p)


def test_a_study_file_that_is_not_a_mapping_is_refused_with_its_file(tmp_path):
    p = tmp_path / "study.yaml"
    p.write_text("- name: s\n- data: x.csv\n", encoding="utf-8")
    with pytest.raises(StudyError) as exc:
        load_study(p)
    assert _flat(exc.value) == (f"file '{p}' must be a study: a mapping with name, data and instruments. Write "
                                "name:, data: and instruments: as fields at the top level of the file.")


def test_replicate_without_two_constructs_names_the_field(tmp_path):
    p = _demo_study(tmp_path, replicate=True, constructs={"depression": "mood_total"})
    with pytest.raises(StudyError) as exc:
        load_study(p)
    assert _flat(exc.value) == (f"file '{p}', field 'replicate': 'replicate: true' needs 'constructs:' naming at "
                                "least two of the study's columns (construct: column), so registered findings can be "
                                "matched; map two or more constructs under 'constructs:', or remove 'replicate: true'")


def test_measures_field_is_checked(tmp_path):
    p = _demo_study(tmp_path, measures={"performance_approach": "normativ"})
    with pytest.raises(StudyError, match=r"field 'measures': unknown measure 'normativ' \(did you mean 'normative'\?\)"):
        load_study(p)
    p = _demo_study(tmp_path, measures={"performance": "normative"})
    with pytest.raises(StudyError, match=r"field 'measures': unknown construct in 'measures' \(map it under "
                                         r"'constructs:' first\) 'performance'"):
        load_study(p)
    assert load_study(_demo_study(tmp_path, measures={"performance_approach": "normative"})).measures == {
        "performance_approach": "normative"}


def test_construct_measures_from_study_file_and_key_default(tmp_path):
    from analysis.pipeline.walk import construct_measures, instrument_specs

    key = yaml_key = (ROOT / "analysis" / "instruments" / "agq_r.yaml").read_text()
    key = key.replace("id: agq-r", "id: agq-r-normative").replace(
        "performance_approach:  {items: [2, 4, 8],  method: mean, min_valid: 2, label: Performance-approach}",
        "performance_approach:  {items: [2, 4, 8],  method: mean, min_valid: 2, label: Performance-approach, "
        "measure: normative}")
    assert key != yaml_key
    study_file = _demo_study(tmp_path)
    (study_file.parent / "agq_norm.yaml").write_text(key)
    import yaml

    spec = yaml.safe_load((DEMO / "study.yaml").read_text())
    instruments = spec["instruments"] | {"goals": spec["instruments"]["goals"] | {"instrument": "agq_norm.yaml"}}
    study = load_study(_demo_study(tmp_path, instruments=instruments))
    assert construct_measures(study, instrument_specs(study)) == {"performance_approach": "normative"}
    study = load_study(_demo_study(tmp_path, instruments=instruments, measures={"performance_approach": "appearance"}))
    assert construct_measures(study, instrument_specs(study)) == {"performance_approach": "appearance"}
    study = load_study(_demo_study(tmp_path))
    assert construct_measures(study, instrument_specs(study)) == {}     # no shipped key states a kind


def test_scoring_and_screening_alone_write_the_same_processed_files(demo_run, tmp_path):
    base, full = demo_run
    res = run_study(DEMO / "study.yaml", processed_dir=tmp_path / "p", analyses=False)
    written = sorted(p.name for p in (tmp_path / "p").iterdir())
    assert written == ["audit.csv", "manifest.json", "missing.csv", "scores.csv", "screening_flags.csv",
                       "screening_flow.csv"]
    for name in [w for w in written if w != "manifest.json"]:       # the manifest lists what was written
        assert (tmp_path / "p" / name).read_bytes() == (base / "p" / name).read_bytes(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p"]          # no report folder anywhere
    assert res.options["analyses"] is False and res.options["reports_dir"] is None
    assert str(res).splitlines()[0] == str(full).splitlines()[0]
    pd.testing.assert_frame_equal(res.analysed, full.analysed)


def test_a_report_folder_without_analyses_is_refused(tmp_path):
    with pytest.raises(StudyError) as err:
        run_study(DEMO / "study.yaml", processed_dir=tmp_path / "p", reports_dir=tmp_path / "r", analyses=False)
    assert says(str(err.value), f"reports_dir='{tmp_path / 'r'}' is given, but analyses=False writes no report. "
                                "Leave out reports_dir, or run the analyses (analyses=True) to write the report.")
    assert not (tmp_path / "p").exists()

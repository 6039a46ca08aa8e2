"""The study file's analyses block: schema errors, column patterns, and each type's tidy table equal to
the station's own result (whose R references live in tests/models and tests/findings)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import correlations, mediation, moderation, regression
from analysis.errors import StudyError
from analysis.findings import power_correlation
from analysis.models import count_regression
from analysis.pipeline.analyses import CORRELATION_COLUMNS, MODEL_COLUMNS, run_analyses
from analysis.pipeline.analysis_specs import expand_columns, parse_analyses
from analysis.study import run_study

from conftest import ROOT
from messages import flat, says


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    base = tmp_path_factory.mktemp("pipeline")
    res = run_study(ROOT / "data" / "raw" / "demo" / "study.yaml", processed_dir=base / "p", reports_dir=base / "r")
    return base, res


def test_patterns_match_scale_scores_only():
    cols = ["goals_mastery_approach", "goals_mastery_approach_n_valid", "mood_total", "mood_total_band", "exam1"]
    assert expand_columns(["goals_*", "mood_*", "exam1"], cols) == ["goals_mastery_approach", "mood_total", "exam1"]
    with pytest.raises(StudyError, match="the pattern 'grit_\\*' matches no scored column"):
        expand_columns(["grit_*"], cols)
    with pytest.raises(StudyError, match="column 'goals_mastery' is not in the scores"):
        expand_columns(["goals_mastery"], cols)


@pytest.mark.parametrize("entry, message", [
    ({"id": "x", "type": "anova"}, "value 'anova': unknown type"),
    ({"id": "x"}, "needs a 'type'"),
    ({"id": "x y", "type": "correlations", "columns": ["a"]}, "an analysis id names its output files"),
    ({"id": "x", "type": "regression", "outcome": "y", "family": "gamma"}, "field 'family'"),
    ({"id": "x", "type": "mediation", "x": "a", "y": "b", "m": []}, "field 'm'"),
    ({"id": "x", "type": "correlations", "columns": ["a"], "colums": 1}, "field 'colums'"),
    ({"id": "x", "type": "correlations", "columns": ["a"], "level": 1.5}, "field 'level'"),
])
def test_schema_errors_name_the_entry_and_field(entry, message):
    with pytest.raises(StudyError, match=message) as err:
        parse_analyses([entry], source="study file 's.yaml'")
    assert says(err.value, "study file 's.yaml'") and (says(err.value, "entry 1") or says(err.value, "analyses[1]"))


TYPES = "correlations, regression, mediation, moderation, setback_recovery, mixed, profiles, power"


@pytest.mark.parametrize("entries, said, field", [
    ([{"id": "x", "type": "anova"}],
     f"field 'analyses[1].type', value 'anova': unknown type (types: {TYPES}). Name one of these types.",
     "analyses[1].type"),
    ([{"id": "a", "type": "correlations", "columns": ["x"]}, {"id": "b"}],
     f"field 'analyses[2]' needs a 'type' (one of {TYPES}). Add 'type:' to the entry.", "analyses[2]"),
    ({"id": "x"}, "field 'analyses', value {'id': 'x'} must be a list of entries, each with an id and a type. Start "
                  "each entry with '- ', e.g. '- {id: links, type: correlations, columns: [...]}'.", "analyses"),
    ([{"id": "a", "type": "correlations", "columns": ["x"]}, {"id": "a", "type": "profiles", "columns": ["x"]}],
     "field 'analyses[2].id', value 'a': two analyses have the id 'a' (entries 1 and 2); ids name output files and "
     "must differ", "analyses[2].id"),
])
def test_a_refused_entry_names_the_study_file_and_its_field(entries, said, field):
    with pytest.raises(StudyError) as err:
        parse_analyses(entries, file="s.yaml")
    assert flat(err.value) == f"file 's.yaml', {said}"
    assert err.value.parts()["file"] == "s.yaml" and err.value.parts()["field"] == field


def test_duplicate_ids_are_refused():
    with pytest.raises(StudyError, match="two analyses have the id 'a'"):
        parse_analyses([{"id": "a", "type": "correlations", "columns": ["x"]},
                        {"id": "a", "type": "profiles", "columns": ["x"]}])


def test_each_table_is_the_station_result(demo):
    base, res = demo
    s = res.analysed
    goals = ["goals_mastery_approach", "goals_performance_approach", "goals_mastery_avoidance",
             "goals_performance_avoidance"]
    t = pd.read_csv(base / "r" / "tables" / "goal_links.csv")
    assert list(t.columns) == CORRELATION_COLUMNS + ["p_adj"]
    ct = correlations(s, goals + ["strategies_disorganization", "procr_total", "grit_grit", "mood_total"],
                      padjust="holm")
    np.testing.assert_allclose(t["r"], ct.long["r"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(t["p_adj"], ct.long["p_adj"], rtol=0, atol=1e-12)

    t = pd.read_csv(base / "r" / "tables" / "goals_procrastination.csv")
    assert list(t.columns) == MODEL_COLUMNS + ["beta"]
    reg = regression(s, "procr_total", goals).coefficients
    np.testing.assert_allclose(t[["estimate", "se", "statistic", "p_val", "ci_low", "ci_high"]],
                               reg[["estimate", "se", "t", "p_val", "ci_low", "ci_high"]], rtol=0, atol=1e-12)
    assert (t["df"] == regression(s, "procr_total", goals).df_resid).all()

    t = pd.read_csv(base / "r" / "tables" / "persistence_count.csv")
    assert list(t.columns) == MODEL_COLUMNS + ["rate_ratio"]
    nb = count_regression(s, "extra_tasks", goals, family="negative_binomial").table()
    np.testing.assert_allclose(t["estimate"], nb["estimate"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(t["rate_ratio"], nb["rate_ratio"], rtol=0, atol=1e-12)

    t = pd.read_csv(base / "r" / "tables" / "disorganization_path.csv")
    med = mediation(s, "goals_mastery_avoidance", ["strategies_disorganization"], "procr_total",
                    covar=["goals_mastery_approach"], n_boot=5000, seed=2026, progress=False).table()
    np.testing.assert_allclose(t["estimate"], med["estimate"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(t[["ci_low", "ci_high"]], med[["ci_low", "ci_high"]], rtol=0, atol=1e-12)

    t = pd.read_csv(base / "r" / "tables" / "grit_buffer.csv")
    mod = moderation(s, "goals_performance_avoidance", "grit_grit", "mood_total")
    np.testing.assert_allclose(t["estimate"].iloc[:4], mod.coefficients["estimate"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(t["estimate"].iloc[4:], mod.simple_slopes["estimate"], rtol=0, atol=1e-12)

    t = pd.read_csv(base / "r" / "tables" / "depression_power.csv")
    pair = int(s[["goals_mastery_approach", "mood_total"]].notna().all(axis=1).sum())   # the finding's columns
    assert t["term"].tolist() == ["N for 80% power", "N for 90% power", "N for 95% power",
                                  f"power at N = {pair}"] and pair == 299
    assert t["estimate"].iloc[:3].tolist() == [240, 320, 395]            # pwr.r.test(r = .18): 239.1, 319.4, 394.5
    assert t["estimate"].iloc[3] == pytest.approx(power_correlation(r=-0.18, n=pair).table()["power"].iloc[0],
                                                  abs=1e-12)


def test_power_for_a_direction_only_finding_is_refused(demo):
    _, res = demo
    with pytest.raises(StudyError) as err:
        run_analyses(parse_analyses([{"id": "p", "type": "power", "finding": "howell-watson-2007-map-procrastination"}],
                                    file="s.yaml"), res.analysed)
    assert flat(err.value) == ("file 's.yaml', field 'analyses[1].finding', value "
                               "'howell-watson-2007-map-procrastination' has no published r (direction only), so "
                               "there is no effect to plan for; give r: instead")
    with pytest.raises(StudyError) as err:
        run_analyses(parse_analyses([{"id": "p", "type": "power"}], file="s.yaml"), res.analysed)
    assert flat(err.value) == "file 's.yaml', field 'analyses[1]' names no effect to plan for; give r: or finding:"


def test_a_study_analysis_refuses_a_missing_column_at_its_entry(demo):
    _, res = demo
    specs = parse_analyses([{"id": "a", "type": "correlations", "columns": ["goals_*"]},
                            {"id": "b", "type": "regression", "outcome": "mood_total", "predictors": ["goals_mastery"]}],
                           file="s.yaml")
    with pytest.raises(StudyError) as err:
        run_analyses(specs, res.analysed)
    assert flat(err.value).startswith("file 's.yaml', field 'analyses[2]': column 'goals_mastery' is not in the "
                                      "scores. Name a scored or kept column. Columns of that instrument: ")
    with pytest.raises(StudyError) as err:
        run_analyses(parse_analyses([{"id": "m", "type": "mediation", "x": "goals_mastery_approach",
                                      "m": ["mood_total", "procr_total"], "y": "procr_total",
                                      "w": "goals_performance_approach"}], file="s.yaml"), res.analysed)
    assert flat(err.value) == ("file 's.yaml', field 'analyses[1].m', value ['mood_total', 'procr_total']: moderated "
                               "mediation takes one mediator; give one column under 'm:', or leave out 'w:' for a "
                               "mediation without a moderator")



def test_the_report_has_every_section_and_replication_power(demo):
    base, res = demo
    html = (base / "r" / "index.html").read_text(encoding="utf-8")
    for sid in ("summary", "sample", "measurement", "scores", "descriptives", "goal_links", "goals_procrastination",
                "disorganization_path", "grit_buffer", "persistence_count", "depression_cases", "recovery",
                "profiles", "depression_power", "replication", "methods", "manifest"):
        assert f'<section id="{sid}">' in html, sid
    assert "Mastery-approach goals" in html and "goals_mastery_approach</td>" not in html
    power = pd.read_csv(base / "r" / "tables" / "replication_power.csv")
    rep = pd.read_csv(base / "r" / "tables" / "replication.csv")
    assert set(power["finding_id"]) == set(rep.loc[rep["published"].notna(), "finding_id"])
    for row in power.itertuples():
        assert row.power == pytest.approx(power_correlation(r=row.published, n=row.n).table()["power"].iloc[0],
                                          abs=1e-12)


def test_every_measurable_finding_is_in_the_replication_table(demo):
    """No silent drop: each registered finding whose two constructs the demo maps has a row, tested or
    "not applicable" with its reason; a mapped construct that no finding links is named in a note."""
    from analysis.findings import load_findings
    from analysis.pipeline.schema import load_study

    base, res = demo
    study = load_study(ROOT / "data" / "raw" / "demo" / "study.yaml")
    measured = [f.id for f in load_findings() if set(f.constructs) <= set(study.constructs)]
    rep = pd.read_csv(base / "r" / "tables" / "replication.csv")
    assert list(rep["finding_id"]) == measured and len(measured) == 13
    assert rep["verdict"].notna().all() and rep["estimate"].notna().all()   # all 13 tested in the demo
    html = (base / "r" / "index.html").read_text(encoding="utf-8")
    assert "Note: grit: no registered finding links it with another construct this study measures" in html

"""Per-instrument scoring rules in a study file (issue 9, item 7): method and min_valid.

PHQ-9's key scores only complete answers (min_valid 9), which leaves 93 of the 400 demo respondents
without a score. A study can ask for the prorated sum of at least 7 answers instead; the bands then
apply to the prorated sum. Reference: tests/reference/study/phq9_prorated.R (base R).
"""

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import StudyError
from analysis.study import load_study, run_study, scoring_key, scoring_rules
from conftest import DEMO, REFERENCE

R = REFERENCE / "study"


def _study(tmp_path, alias="mood", **fields):
    """The demo study copied into tmp_path, with one instrument's fields updated (default PHQ-9, 'mood')."""
    home = tmp_path / "demo"
    shutil.copytree(DEMO, home)
    spec = yaml.safe_load((DEMO / "study.yaml").read_text())
    spec["instruments"][alias].update(fields)
    (home / "study.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return home / "study.yaml"


@pytest.fixture(scope="module")
def prorated(tmp_path_factory):
    base = tmp_path_factory.mktemp("prorated")
    path = _study(base, method="prorated_sum", min_valid=7)
    return base, run_study(path, processed_dir=base / "p", reports_dir=base / "r")


def test_prorated_sum_min_valid_7_matches_r_on_every_demo_row(prorated):
    base, res = prorated
    ref = pd.read_csv(R / "phq9_prorated.csv", keep_default_na=False, na_values=[""])
    scores = pd.read_csv(base / "p" / "scores.csv", keep_default_na=False, na_values=[""])
    assert len(scores) == len(ref) == 400
    np.testing.assert_allclose(scores["mood_total"], ref["total"], rtol=0, atol=1e-12)   # NaN where R has NA
    assert scores["mood_total_n_valid"].tolist() == ref["n_valid"].tolist()
    assert scores["mood_total_band"].fillna("").tolist() == ref["band"].fillna("").tolist()
    # 396 scored instead of 310 under the key's all-nine rule
    assert int(scores["mood_total"].notna().sum()) == 396
    assert int((ref["n_valid"] == 9).sum()) == 310


def test_bands_follow_the_prorated_score(prorated):
    _, res = prorated
    s = res.scores
    # row 2 of the file: 8 answers summing to 11 -> 11 / 8 * 9 = 12.375, banded moderate (a plain sum 11 is too)
    # row 155: 14 / 8 * 9 = 15.75 is "moderately severe" where the plain sum 14 would be "moderate";
    # row 33: 3 / 8 * 9 = 3.375 stays "none-minimal"
    assert s.loc[0, ["mood_total", "mood_total_n_valid"]].tolist() == [12.375, 8]
    assert s.loc[0, "mood_total_band"] == "moderate"
    assert s.loc[153, ["mood_total", "mood_total_band"]].tolist() == [15.75, "moderately severe"]
    assert s.loc[31, ["mood_total", "mood_total_band"]].tolist() == [3.375, "none-minimal"]


def test_missing_summary_and_report_name_the_rule(prorated):
    base, res = prorated
    missing = pd.read_csv(base / "p" / "missing.csv")
    mood = missing[missing["instrument"] == "mood"].iloc[0]
    assert mood[["n", "n_missing_score", "n_complete", "method", "min_valid", "rule_from"]].tolist() == \
        [396, 4, 310, "prorated_sum", 7, "study file"]
    goals = missing[missing["instrument"] == "goals"].iloc[0]
    assert goals[["method", "min_valid", "rule_from"]].tolist() == ["mean", 2, "key"]
    scales = pd.read_csv(base / "r" / "tables" / "scales.csv")
    assert scales.loc[scales["instrument"] == "mood", "rule"].item() == \
        "prorated sum, at least 7 of 9 items answered (study file)"
    html = (base / "r" / "index.html").read_text()
    assert "prorated sum, at least 7 of 9 items answered (study file)" in html
    assert "mean, at least 2 of 3 items answered (key)" in html


def test_the_default_rule_is_the_keys(tmp_path):
    study = load_study(DEMO / "study.yaml")
    rules = scoring_rules(study, "mood")
    assert rules[["method", "min_valid", "n_items", "rule_from"]].values.tolist() == [["sum", 9, 9, "key"]]


def test_per_scale_rules_and_sum_with_lower_min_valid(tmp_path):
    path = _study(tmp_path, method={"total": "sum"}, min_valid={"total": 8})
    key = scoring_key(load_study(path), "mood")
    assert (key.scales["total"].method, key.scales["total"].n_required) == ("sum", 8)
    assert scoring_rules(load_study(path), "mood")["rule_from"].tolist() == ["study file"]


@pytest.mark.parametrize("mood, message", [
    (dict(method="mean"), r"scale 'total': method mean would put the score on another metric than the key's "
                          r"severity bands \(set for sum\); use sum or prorated_sum"),
    (dict(method="scaled_sum"), r"method scaled_sum would put the score on another metric"),
    (dict(alias="goals", method="scaled_sum"), r"field 'instruments.goals.method': scale 'mastery_approach': method "
                                               r"scaled_sum needs the key's multiplier; set it in the key file instead"),
    (dict(alias="goals", min_valid=4), r"field 'instruments.goals.min_valid', value 4 must be between 1 and 3 "
                                       r"\(instrument 'agq-r', scale 'mastery_approach'\); give how many of its 3 items "
                                       r"must be answered for a score"),
    (dict(method={"totl": "sum"}), r"field 'instruments.mood.method' names scale\(s\) totl, which key 'phq-9' does not "
                                   r"have \(scales: total\); name the key's scales only"),
    (dict(min_valid={"total": 10}), r"field 'instruments.mood.min_valid.total', value 10 must be between 1 and 9 "
                                    r"\(instrument 'phq-9', scale 'total'\)"),
    (dict(min_valid={"total": 2.5}), r"field 'instruments.mood.min_valid"),
    (dict(method="median"), r"field 'instruments.mood.method"),
])
def test_bad_rules_name_the_study_file_instrument_and_scale(tmp_path, mood, message):
    path = _study(tmp_path, **mood)
    with pytest.raises(StudyError, match=message):
        run_study(path, processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    assert not (tmp_path / "p").exists() and not (tmp_path / "r").exists()

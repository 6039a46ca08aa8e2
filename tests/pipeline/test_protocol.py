"""The study results keep the result protocol (tests/protocol.py), on the shipped demo study."""

import pytest

from analysis.datasets import study_path
from analysis.pipeline.check import check_study
from analysis.pipeline.walk import run_study

from protocol import assert_protocol


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return run_study(study_path("demo"), processed_dir=out / "processed", reports_dir=out / "reports"), out


def test_study_result(demo_run):
    assert_protocol(demo_run[0])


def test_check_result(demo_run):
    _, out = demo_run
    res = check_study(study_path("demo"), processed_dir=out / "processed", reports_dir=out / "reports")
    assert res.ok
    assert_protocol(res)


def test_study_result_counts_and_text(demo_run):
    res = demo_run[0]
    assert (res.n, res.n_excluded) == (385, 15)   # 10 failed the attention check, 5 were too fast (screening flow)
    s = res.summary()
    assert s.loc[0, "n_received"] == 400 and s.loc[0, "n_analysed"] == 385 and s.loc[0, "n_scales"] == 13
    assert s.loc[0, "n_set_to_missing"] == len(res.audit) == 185
    t = res.table()
    assert len(t) == 13 and t.loc[0, "column"] == "goals_mastery_approach" and t.loc[12, "column"] == "mood_total"
    assert all(c in res.scores.columns for c in t["column"])
    text = str(res)
    assert text.splitlines()[0] == "study 'demo': 400 respondents, 5 instrument(s), 185 value(s) set to missing"
    assert str(res.apa()) == text and res.apa().estimate == "N = 385"
    assert res.options["allow_outside_data"] is False and res.options["study"].endswith("study.yaml")


def test_check_result_table_and_text():
    from analysis.pipeline.check import CheckResult

    res = CheckResult(study="demo", changed=["p/scores.csv", "r/new.csv"], reasons=["pandas is 9 now (was 2.2)"],
                      status={"r/new.csv": "only in a fresh run"}, n_files=12)
    assert res.table().to_dict("list") == {"file": ["p/scores.csv", "r/new.csv"], "status": ["differs", "only in a fresh run"]}
    assert res.summary().to_dict("records") == [{"study": "demo", "ok": False, "n_files": 12, "n_changed": 2,
                                                 "reasons": "pandas is 9 now (was 2.2)"}]
    assert str(res) == ("study 'demo': a run would change 2 output file(s):\n  p/scores.csv\n  r/new.csv\n"
                        "  because pandas is 9 now (was 2.2)")
    ok = CheckResult(study="demo", n_files=3)
    assert ok.ok and str(ok.apa()) == "study 'demo': the outputs in place are what a run gives now"
    assert list(ok.table().columns) == ["file", "status"] and len(ok.table()) == 0

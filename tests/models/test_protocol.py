"""Every model result keeps the result protocol (tests/protocol.py) on the shipped demo data.

The demo export (``read_dataset("demo")``) is scored here once: the AGQ-R goals (administered on
1–7, -99 = no answer) beside the exams, the persistence count and age, and a screening column
(``excluded``) marks the respondents who failed the attention check, so ``n_excluded`` counts
screening and listwise deletion together.
"""

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.datasets import read_dataset

from tests.protocol import assert_protocol

GOALS = ["mastery_approach", "performance_approach", "mastery_avoidance", "performance_avoidance"]


@pytest.fixture(scope="module")
def demo():
    raw = read_dataset("demo")
    goals = analysis.score(raw, "agq-r", columns="agq_{n}", missing=[-99], response={"min": 1, "max": 7}).scores
    d = raw[["respondent_id", "age", "exam1", "exam2", "exam3", "extra_tasks"]].join(goals[GOALS])
    d["excluded"] = raw["att_1"] != 4          # the demo study's attention rule
    return d


def _long(d):
    return analysis.wide_to_long(d, ["exam1", "exam2", "exam3"], id_column="respondent_id", keep=GOALS)


# one entry per model entry point (and per result class it can return); id = the result's name
BUILDERS = {
    "regression": lambda d: analysis.regression(d, "exam3", GOALS),
    "regression_formula_hc3": lambda d: analysis.regression(d, formula="exam3 ~ mastery_approach * exam1", hc3=True),
    "hierarchical_regression": lambda d: analysis.hierarchical_regression(d, "exam3", [["exam1"], GOALS]),
    "logistic_regression": lambda d: analysis.logistic_regression(d, "exam3", GOALS, threshold=60),
    "count_regression": lambda d: analysis.count_regression(d, "extra_tasks", GOALS, family="negative_binomial"),
    "count_mediation": lambda d: analysis.count_mediation(d, "mastery_approach", "exam1", "extra_tasks",
                                                          n_boot=200, seed=1),
    "mediation": lambda d: analysis.mediation(d, "mastery_avoidance", ["exam1", "exam2"], "exam3",
                                              covar="age", n_boot=300, seed=1),
    "mediation_serial_bca": lambda d: analysis.mediation(d, "mastery_avoidance", ["exam1", "exam2"], "exam3",
                                                         serial=True, ci_method="bca", n_boot=300, seed=1),
    "moderation": lambda d: analysis.moderation(d, "performance_avoidance", "mastery_approach", "exam3"),
    "moderated_mediation": lambda d: analysis.moderated_mediation(d, "mastery_approach", "exam2", "exam3",
                                                                  w="age", n_boot=300, seed=1),
    "mixed_model": lambda d: analysis.mixed_model(_long(d), "score ~ time * mastery_approach",
                                                  group="respondent_id"),
    "setback_recovery": lambda d: analysis.setback_recovery(d, ["exam1", "exam2", "exam3"], ["mastery_approach"],
                                                            id_column="respondent_id"),
    "goal_profiles": lambda d: analysis.goal_profiles(d, GOALS, k_max=2, seed=1, n_init=2),
    "correlations": lambda d: analysis.correlations(d, GOALS + ["exam3"], padjust="holm"),
    "partial_correlation": lambda d: analysis.partial_correlation(d, "mastery_approach", "exam3", covar="exam1"),
}
CLASSES = {"regression": "RegressionResult", "regression_formula_hc3": "RegressionResult",
           "hierarchical_regression": "HierarchicalResult", "logistic_regression": "LogisticResult",
           "count_regression": "CountResult", "count_mediation": "CountMediationResult",
           "mediation": "MediationResult", "mediation_serial_bca": "MediationResult",
           "moderation": "ModerationResult", "moderated_mediation": "ModeratedMediationResult",
           "mixed_model": "MixedResult", "setback_recovery": "RecoveryResult", "goal_profiles": "ProfileResult",
           "correlations": "CorrelationTable", "partial_correlation": "PartialCorrelationResult"}


@pytest.fixture(scope="module")
def results(demo):
    return {}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt
    plt.close("all")


def _get(results, demo, name):
    if name not in results:
        results[name] = BUILDERS[name](demo)
    return results[name]


@pytest.mark.parametrize("name", list(BUILDERS))
def test_result_keeps_the_protocol(name, demo, results, tmp_path):
    res = _get(results, demo, name)
    assert type(res).__name__ == CLASSES[name]
    assert isinstance(res, analysis.results.Result)
    assert_protocol(res, figure=hasattr(type(res), "figure"), tmp_path=tmp_path)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_n_excluded_is_screening_plus_listwise(name, demo, results):
    """Every respondent received is either analysed or excluded (the counts add up to the 400 rows;
    the mixed model gets the long rows, person × occasion, of the respondents wide_to_long kept)."""
    res = _get(results, demo, name)
    screened = int(demo["excluded"].sum())
    received = 3 * (len(demo) - screened) if name == "mixed_model" else len(demo)
    screened = 0 if name == "mixed_model" else screened
    assert res.n_excluded_by_screening == screened
    assert res.n + res.n_excluded == received, (res.n, res.n_excluded)
    assert res.options["include_excluded"] is False


def test_the_examples_sample_facts(demo, results):
    """The counts on the demo: 400 received; the attention rule excludes some; the goals miss a few."""
    n_screened = int(demo["excluded"].sum())
    kept = demo[~demo["excluded"]]
    reg = _get(results, demo, "regression")
    assert reg.n == int(kept[["exam3"] + GOALS].notna().all(axis=1).sum())
    assert reg.n_excluded == n_screened + len(reg.excluded)
    med = _get(results, demo, "mediation")
    assert med.n == int(kept[["mastery_avoidance", "exam1", "exam2", "exam3", "age"]].notna().all(axis=1).sum())


def test_summary_is_the_model_and_table_the_estimates(demo, results):
    reg = _get(results, demo, "regression")
    t, s = reg.table(), reg.summary()
    assert list(t.columns) == ["term", "estimate", "se", "statistic", "df", "p_val", "ci_low", "ci_high", "beta"]
    assert t["statistic"].tolist() == reg.coefficients["t"].tolist() and (t["df"] == reg.df_resid).all()
    assert s.shape[0] == 1 and s.loc[0, "r2"] == reg.r2 and s.loc[0, "statistic"] == reg.f
    assert s.loc[0, "n"] == reg.n and s.loc[0, "n_excluded"] == reg.n_excluded
    assert reg.r_call == ("lm(exam3 ~ mastery_approach + performance_approach + mastery_avoidance + "
                          "performance_avoidance, data)")
    assert list(reg.apa().table.columns)[:2] == ["Predictor", "b"]
    hc3 = _get(results, demo, "regression_formula_hc3")
    assert hc3.r_call.startswith("lmtest::coeftest(m <- lm(exam3 ~ mastery_approach * exam1, data)")
    assert hc3.options["hc3"] is True and hc3.options["formula"] == "exam3 ~ mastery_approach * exam1"


def test_mediation_table_is_the_old_mediation_frame(demo, results):
    med = _get(results, demo, "mediation")
    t = med.table()
    assert list(t.columns) == ["path", "estimate", "se", "ci_low", "ci_high", "p_val", "kind"]
    pd.testing.assert_frame_equal(t, med.paths)
    # the old DataFrame look-ups go to the table
    assert med["estimate"].tolist() == t["estimate"].tolist() and med.loc[0, "path"] == t.loc[0, "path"]
    s = med.summary().iloc[0]
    ind = t.set_index("path").loc["indirect total"]
    assert (s.indirect, s.indirect_ci_low, s.indirect_ci_high) == (ind.estimate, ind.ci_low, ind.ci_high)
    assert s.seed == 1 and s.n_boot == 300 and med.options["seed"] == 1
    assert "a1*mastery_avoidance" in med.r_call and "exam1 ~~ exam2" in med.r_call


def test_correlation_table_is_tidy_pairs(demo, results):
    ct = _get(results, demo, "correlations")
    t = ct.table()
    assert len(t) == 10 and list(t.columns[:2]) == ["x", "y"]
    assert t["estimate"].tolist() == ct.long["r"].tolist() and t["statistic"].tolist() == ct.long["t"].tolist()
    assert {"ci_low", "ci_high", "df", "p_val", "p_adj", "n"} <= set(t.columns)
    assert ct.apa().table.equals(ct.apa_table())
    assert ct.to_markdown().startswith("| Variable | M | SD | 1 |")


def test_partial_correlation_keeps_the_old_keys(demo, results):
    p = _get(results, demo, "partial_correlation")
    assert p["estimate"].iloc[0] == p.table().loc[0, "estimate"]
    with pytest.warns(FutureWarning, match="PartialCorrelationResult.r is renamed PartialCorrelationResult.estimate"):
        assert p["r"].iloc[0] == p.table().loc[0, "estimate"]
    with pytest.warns(FutureWarning):
        assert p[["r", "t"]].columns.tolist() == ["estimate", "statistic"]


def test_figures_are_the_report_figures(demo, results, tmp_path):
    """The coefficient figure of a model result draws the tidy table (intercept left out)."""
    reg = _get(results, demo, "regression")
    fig = reg.figure()
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "mastery_approach", "performance_approach", "mastery_avoidance", "performance_avoidance"]
    assert np.allclose(sorted(ax.lines[0].get_xdata()), sorted(reg.table()["estimate"][1:]))

"""goal_profiles against mclust (model VVV) and aov (tests/reference/models/profiles.R) on psychTools
bfi scales; the demo goals for the plot and the API."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.errors import DataError
from analysis.formatting.apa import apa
from analysis.models import goal_profiles

from .conftest import load_csv, load_json

REF = load_json("profiles_bfi.json")
BFI = load_csv("bfi_scales.csv")
DEMO = load_csv("demo_exams.csv")
GOALS = ["mastery_approach", "performance_approach", "mastery_avoidance", "performance_avoidance"]


@pytest.fixture(scope="module")
def bfi():
    # plain ML (no ridge) and a tight EM tolerance, as mclust
    return goal_profiles(BFI, ["A", "C", "E", "O"], k_max=3, n_init=2, seed=1, reg_covar=0.0, tol=1e-10)


def test_fit_indices_match_mclust(bfi):
    ref = pd.DataFrame(REF["fit"])
    fit = bfi.fit_indices
    assert list(fit.n_params) == list(ref.n_params)
    # k = 1 is closed form
    assert fit.loglik[0] == pytest.approx(ref.loglik[0], abs=1e-8)
    assert fit.bic[0] == pytest.approx(ref.bic[0], abs=1e-8)
    # k = 2, 3: two EM implementations stop at their tolerances; measured |Δ logL| ≤ 2.2e-5
    # (ours is the higher likelihood), |Δ entropy| ≤ 4e-5
    assert_allclose(fit.loglik, ref.loglik, atol=1e-4)
    assert_allclose(fit.bic, ref.bic, atol=2e-4)
    assert_allclose(fit.entropy[1:], ref.entropy[1:], atol=1e-4)
    assert (fit.loglik[1:].to_numpy() >= ref.loglik[1:].to_numpy() - 1e-9).all()
    assert_allclose(fit.aic, -2 * fit.loglik + 2 * fit.n_params)
    assert bfi.k == 3          # lowest BIC


@pytest.mark.parametrize("k", [2, 3])
def test_solution_close_to_mclust_and_anova_matches_aov(bfi, k):
    ref = [a for a in REF["anova"] if a["k"] == k][0]
    res = goal_profiles(BFI, ["A", "C", "E", "O"], k_max=3, k=k, n_init=2, seed=1, reg_covar=0.0, tol=1e-10)
    # EM solutions of two implementations: measured |Δ mean| ≤ 1.3e-4, class sizes within 3 rows
    assert np.abs(res.class_sizes.n.to_numpy() - np.array(ref["sizes"])).max() <= 5
    means = np.array(ref["means"])
    for row in res.means.to_numpy():    # same profiles, any order
        assert np.min(np.abs(means - row).max(axis=1)) < 5e-4
    # the ANOVA itself is deterministic: on mclust's classification it equals aov() to 1e-8
    res.classes = pd.Series(ref["classification"], index=res.classes.index, name="profile")
    a = res.outcome_differences(BFI, "N").iloc[0]
    assert (a.df1, a.df2) == (ref["df1"], ref["df2"])
    assert a.f == pytest.approx(ref["f"], abs=1e-8)
    assert a.p_val == pytest.approx(ref["p_val"], rel=1e-7)
    assert a.eta2 == pytest.approx(ref["eta2"], abs=1e-10)


def test_demo_profiles_api_plot_and_apa(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    res = goal_profiles(DEMO, GOALS, k_max=3, n_init=3, seed=7)
    again = goal_profiles(DEMO, GOALS, k_max=3, n_init=3, seed=7)
    pd.testing.assert_series_equal(res.classes, again.classes)      # seeded
    assert res.class_sizes.n.sum() + len(res.excluded) == len(DEMO)
    assert list(res.class_sizes.n) == sorted(res.class_sizes.n, reverse=True)
    assert_allclose(res.posterior.sum(axis=1), 1.0)
    assert list(res.means.columns) == GOALS
    fig = res.plot(path=tmp_path / "profiles.png")
    assert (tmp_path / "profiles.png").stat().st_size > 1000 and fig.axes
    a = apa(res)
    assert list(a.table.columns) == ["Profiles", "log L", "p", "AIC", "BIC", "SABIC", "Entropy", "Smallest class"]
    assert a.full_result.startswith("Gaussian mixture models with 1–3 profiles of mastery_approach")
    diff = res.outcome_differences(DEMO, ["phq9", "exam3"])
    assert list(diff.columns[:7]) == ["outcome", "n", "f", "df1", "df2", "p_val", "eta2"]


def test_bad_input():
    with pytest.raises(DataError, match="k=5"):
        goal_profiles(DEMO, GOALS, k_max=3, k=5)
    with pytest.raises(DataError, match="covariance"):
        goal_profiles(DEMO, GOALS, covariance="VVV")
    with pytest.raises(DataError, match="too few"):
        goal_profiles(DEMO.head(20), GOALS, k_max=3)

"""Renamed keywords of the teams station: the old name still works, warns, and gives the same result."""

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.teams import ad_m, aggregate, awg, center_within_teams, centre_within_teams, rgr_agree
from analysis.teams import team_climate_model
from tests.conftest import REFERENCE

# integer answers in five teams, drawn once with a seed (no linear algebra)
_rng = np.random.default_rng(11)
D = pd.DataFrame({"team": np.repeat(list("abcde"), 8), "q1": _rng.integers(1, 6, 40), "q2": _rng.integers(1, 6, 40)})


def _warns(old, new):
    return pytest.warns(FutureWarning, match=rf"'{old}' is renamed '{new}'; the old name stops working")


def test_aggregate_ci_is_level():
    new = aggregate(D, ["q1", "q2"], "team", level=0.9)
    with _warns("ci", "level"):
        old = aggregate(D, ["q1", "q2"], "team", ci=0.9)
    pd.testing.assert_frame_equal(old, new)
    assert not new.equals(aggregate(D, ["q1", "q2"], "team"))  # the level is used


def test_ad_m_type_is_method_and_awg_range_is_response():
    for method in ("mean", "median"):
        new = ad_m(D, ["q1", "q2"], "team", method=method)
        with _warns("type", "method"):
            old = ad_m(D, ["q1", "q2"], "team", type=method)
        pd.testing.assert_frame_equal(old.table(), new.table())
        assert old.options["method"] == new.options["method"] == method
        pd.testing.assert_frame_equal(ad_m(D, ["q1", "q2"], "team", method).table(), new.table())  # positional
    new = awg(D, ["q1", "q2"], "team", response=(1, 5))
    with _warns("range", "response"):
        old = awg(D, ["q1", "q2"], "team", range=(1, 5))
    pd.testing.assert_frame_equal(old.table(), new.table())
    pd.testing.assert_frame_equal(awg(D, ["q1", "q2"], "team", {"min": 1, "max": 5}).table(), new.table())
    with pytest.raises(analysis.errors.DataError, match="is not a response range"):
        awg(D, "q1", "team", response="1-5")
    with pytest.raises(analysis.errors.DataError, match="method='mode' is not a centre; method must be 'mean' or 'median'"):
        ad_m(D, "q1", "team", method="mode")


def test_center_within_teams_and_covar():
    d = pd.read_csv(REFERENCE / "teams" / "lq2002_scales.csv")
    new = center_within_teams(d, ["LEAD"], "COMPID")
    with pytest.warns(FutureWarning, match=r"centre_within_teams\(\) is renamed center_within_teams\(\)"):
        old = centre_within_teams(d, ["LEAD"], "COMPID")
    pd.testing.assert_frame_equal(old, new)
    a = team_climate_model(d, "HOSTILE", ["LEAD"], "COMPID", covar=["TSIG"]).fixed_effects
    with _warns("covariates", "covar"):
        b = team_climate_model(d, "HOSTILE", ["LEAD"], "COMPID", covariates=["TSIG"]).fixed_effects
    pd.testing.assert_frame_equal(a, b)
    assert "TSIG" in a["term"].tolist()


def test_rgr_agree_states_the_seed_it_drew():
    a = rgr_agree(D, "q1", "team", 100)
    assert isinstance(a.seed, int)
    b = rgr_agree(D, "q1", "team", 100, seed=a.seed)
    np.testing.assert_array_equal(a.random_vars, b.random_vars)
    with pytest.raises(analysis.errors.DataError, match="rgr_agree: seed=-1 is not a seed"):
        rgr_agree(D, "q1", "team", 100, seed=-1)

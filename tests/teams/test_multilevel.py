"""Two-level team-climate models against lme4 (tests/reference/teams/teams.R)."""

import numpy as np
import pandas as pd
from scipy import stats

from analysis.formatting.apa import apa
from analysis.teams.multilevel import center_within_teams, team_climate_model
from tests.conftest import REFERENCE

REF = REFERENCE / "teams"


def _compare(res, fixture, n_terms, atol):
    ref = pd.read_csv(REF / fixture)
    ref["term"] = ref["term"].str.replace("(Intercept)", "Intercept", regex=False)
    m = ref.merge(res.fixed_effects, on="term", suffixes=("_r", ""))
    assert len(m) == n_terms
    for col in ["estimate", "se", "ci_low", "ci_high"]:
        np.testing.assert_allclose(m[col], m[f"{col}_r"], rtol=0, atol=atol, err_msg=col)
    # z = estimate / se reaches 34 and 74 here: the REML criterion is flat to 1e-12 over theta +- 3e-8
    # (measured with lme4's devFunOnly), so lme4 itself stops at se values 1e-7 apart (relative) from
    # one machine to the next, and z then moves by up to 3.5e-6 (teams.R on two machines)
    np.testing.assert_allclose(m["z"], m["z_r"], rtol=0, atol=max(atol, 1e-5), err_msg="z")
    # Wald p from lme4's z (lme4 prints none)
    np.testing.assert_allclose(m["p_val"], 2 * stats.norm.sf(np.abs(m["z_r"])), rtol=1e-4, atol=1e-12)


def test_centring_matches_r():
    d = pd.read_csv(REF / "lq2002_scales.csv")
    ours = center_within_teams(d, ["LEAD", "TSIG"], "COMPID").iloc[:200]
    ref = pd.read_csv(REF / "mlm_centred_head.csv")
    for col in ["LEAD_cwc", "LEAD_team", "TSIG_cwc", "TSIG_team"]:
        np.testing.assert_allclose(ours[col], ref[col], rtol=0, atol=1e-12)


def test_cross_level_model_matches_lme4():
    d = pd.read_csv(REF / "lq2002_scales.csv")
    res = team_climate_model(d, "HOSTILE", ["LEAD", "TSIG"], "COMPID", cross_level=[("LEAD", "TSIG")])
    _compare(res, "mlm_fixed.csv", 6, 1e-6)
    vc = pd.read_csv(REF / "mlm_varcomp.csv")
    np.testing.assert_allclose(res.random_effects["vcov"].to_numpy()[[0, -1]], vc["vcov"], rtol=1e-5)
    assert "LEAD_cwc:TSIG_team" in str(apa(res))


def test_random_slopes_match_lme4():
    d = pd.read_csv(REF / "lq2002_scales.csv")
    res = team_climate_model(d, "LEAD", ["TSIG"], "COMPID", random_slopes=True)
    _compare(res, "mlm_slopes_fixed.csv", 3, 1e-5)


def test_team_climate_model_centres_on_the_kept_respondents_only():
    """Respondents excluded by screening never enter the team means used for centring."""
    import numpy as np
    import pandas as pd

    from analysis import team_climate_model

    rng = np.random.default_rng(5)
    n = 120
    d = pd.DataFrame({"team": np.repeat(np.arange(12), 10), "x": rng.integers(1, 7, n).astype(float)})
    d["y"] = 0.5 * d["x"] + rng.integers(0, 3, n)
    d["excluded"] = False
    d.loc[d.index % 10 == 0, "excluded"] = True
    d.loc[d["excluded"], "x"] = 100.0                     # wild values that would shift every team mean
    kept = d[~d["excluded"]].drop(columns="excluded")
    a = team_climate_model(d, "y", ["x"], "team").fixed_effects
    b = team_climate_model(kept, "y", ["x"], "team").fixed_effects
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))

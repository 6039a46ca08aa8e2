"""Calibrated simulation: do the latent targets come back out of scored data?

Over 200 seeds (n = 300 each; AGQ-R's four scales and the PPS total, ten correlations per run) the
scored correlations, disattenuated by the sample α of both scales, must cover the target latent
correlations with their 95 % CIs (Fisher-z CI of the scored r divided by √(α_x α_y)) in 93–97 % of
the 2000 intervals. With one large sample the scored correlations must equal target × √(α_x α_y)
within 4 SEs of a correlation, (1 − r²)/√n. And the share of the 200 runs in which a scored
correlation is significant must agree with the analytic power of the attenuated correlation within
3 Monte Carlo SEs. (All statistics, never rows: the latent draws use a Cholesky factor.)
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import load_instrument, reliability, score, simulate
from analysis.findings.power import power_correlation

NAMES = ["goals_mastery_approach", "goals_performance_approach", "goals_mastery_avoidance",
         "goals_performance_avoidance", "procr"]
TARGET = pd.DataFrame([[1, .30, .45, .15, -.25],
                       [.30, 1, .25, .55, .05],
                       [.45, .25, 1, .40, .20],
                       [.15, .55, .40, 1, .15],
                       [-.25, .05, .20, .15, 1]], index=NAMES, columns=NAMES)
AGQ = load_instrument("agq-r")
PPS = load_instrument("pps")
PAIRS = [(i, j) for i in range(5) for j in range(i + 1, 5)]
Z975 = stats.norm.ppf(0.975)


def _alpha(x: np.ndarray) -> float:
    """Cronbach's α of complete items (the simulated items here have no reversed or missing ones)."""
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def _scored(seed: int, n: int):
    d = simulate({"goals": "agq-r", "procr": "pps"}, TARGET, n=n, seed=seed).data
    goals = score(d, "agq-r", columns="goals_{n}")
    procr = score(d, "pps", columns="procr_{n}")
    scores = pd.concat([goals[list(AGQ.scales)].add_prefix("goals_"), procr[["total"]].rename(columns={"total": "procr"})],
                       axis=1)
    alphas = {f"goals_{s}": _alpha(d[[f"goals_{i}" for i in AGQ.scales[s].items]].to_numpy(float)) for s in AGQ.scales}
    alphas["procr"] = _alpha(d[[f"procr_{i}" for i in PPS.all_items]].to_numpy(float))
    return d, scores[NAMES].corr().to_numpy(), alphas


def test_own_alpha_equals_the_package_reliability():
    d, _, alphas = _scored(0, 300)
    rel = reliability(d, "agq-r", columns="goals_{n}", omega=False).set_index("scale")["alpha"]
    for s in AGQ.scales:
        assert alphas[f"goals_{s}"] == pytest.approx(rel[s], abs=1e-12)


def test_scored_correlations_are_target_times_sqrt_alpha_product():
    n = 20000
    _, r, alphas = _scored(12345, n)
    for i, j in PAIRS:
        expected = TARGET.iloc[i, j] * math.sqrt(alphas[NAMES[i]] * alphas[NAMES[j]])
        se = (1 - expected ** 2) / math.sqrt(n)
        assert abs(r[i, j] - expected) <= 4 * se, (NAMES[i], NAMES[j], r[i, j], expected)


@pytest.mark.slow
def test_disattenuated_cis_cover_the_latent_targets_and_power_matches():
    n, runs = 300, 200
    covered, significant, attenuation = [], [], []
    h = Z975 / math.sqrt(n - 3)
    for seed in range(runs):
        _, r, alphas = _scored(seed, n)
        for i, j in PAIRS:
            a = math.sqrt(alphas[NAMES[i]] * alphas[NAMES[j]])
            z = math.atanh(r[i, j])
            lo, hi = math.tanh(z - h) / a, math.tanh(z + h) / a
            covered.append(lo <= TARGET.iloc[i, j] <= hi)
        # the mastery-approach – procrastination pair: significant at .05 (two-sided t test)?
        rr = r[0, 4]
        t = rr * math.sqrt((n - 2) / (1 - rr ** 2))
        significant.append(2 * stats.t.sf(abs(t), n - 2) < 0.05)
        attenuation.append(math.sqrt(alphas[NAMES[0]] * alphas[NAMES[4]]))
    coverage = np.mean(covered)
    assert 0.93 <= coverage <= 0.97, coverage
    analytic = power_correlation(r=TARGET.iloc[0, 4] * np.mean(attenuation), n=n).power
    mc_se = math.sqrt(analytic * (1 - analytic) / runs)
    assert abs(np.mean(significant) - analytic) <= 3 * mc_se, (np.mean(significant), analytic)

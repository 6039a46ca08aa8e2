"""mediation against lm, lavaan ':=' (normal theory), a leave-one-out jackknife and
boot::boot.ci (percentile, BCa; R = 20000) — tests/reference/models/mediation.R — on bfi scales."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.errors import DataError
from analysis.formatting.apa import apa
from analysis.models import mediation

from .conftest import load_csv, load_json
from messages import says

REF = load_json("mediation_bfi.json")
BFI = load_csv("bfi_scales.csv")
ARGS = dict(x="C", m=["A", "E"], y="N", covar="gender")

# our path names → lavaan labels
PAR = {"A ~ C": "a1", "E ~ C": "a2", "N ~ A": "b1", "N ~ E": "b2", "direct": "cp", "total": "total",
       "indirect A": "ind1", "indirect E": "ind2", "indirect total": "indtot", "contrast (A) − (E)": "con12"}
SER = {**{k: v for k, v in PAR.items() if k != "contrast (A) − (E)"}, "E ~ A": "d21",
       "indirect A → E": "ind12", "contrast (A) − (E)": "con1_2", "contrast (A) − (A → E)": "con1_12",
       "contrast (E) − (A → E)": "con2_12"}


@pytest.fixture(scope="module")
def parallel():
    return mediation(BFI, **ARGS, n_boot=2000, seed=11)


@pytest.fixture(scope="module")
def serial():
    return mediation(BFI, **ARGS, serial=True, n_boot=2000, seed=11)


@pytest.mark.parametrize("which, names", [("parallel", PAR), ("serial", SER)])
def test_normal_theory_matches_lavaan(which, names, request):
    res = request.getfixturevalue(which)
    lav = pd.DataFrame(REF[which]["lavaan"]).set_index("label")
    nt = res.normal_theory.set_index("path")
    assert set(nt.index) == set(names)
    for ours, lab in names.items():
        for c in ["estimate", "se", "ci_low", "ci_high"]:
            assert nt.loc[ours, c] == pytest.approx(lav.loc[lab, c], abs=1e-9), (ours, c)
        # lavaan's iterative optimum (the A ~~ E model) is ~1e-10 off the closed form: z ~ 1e-8
        assert nt.loc[ours, "z"] == pytest.approx(lav.loc[lab, "z"], abs=1e-7), ours
        # lavaan computes 2 * (1 - pnorm(|z|)), which is 0 below ~1e-16
        assert nt.loc[ours, "p_val"] == pytest.approx(lav.loc[lab, "p_val"], rel=1e-6, abs=1e-15), ours


@pytest.mark.parametrize("which, names", [("parallel", PAR), ("serial", SER)])
def test_paths_match_lm_and_point_estimates_match_lavaan(which, names, request):
    res = request.getfixturevalue(which)
    p = res.paths.set_index("path")
    assert list(res.paths.columns) == ["path", "estimate", "se", "ci_low", "ci_high", "p_val", "kind"]
    lm = pd.DataFrame(REF[which]["lm"]).set_index("label")
    lav = pd.DataFrame(REF[which]["lavaan"]).set_index("label")
    for ours, lab in names.items():
        assert p.loc[ours, "estimate"] == pytest.approx(lav.loc[lab, "estimate"], abs=1e-12), ours
        if lab in lm.index:
            for c in ["se", "ci_low", "ci_high"]:
                assert p.loc[ours, c] == pytest.approx(lm.loc[lab, c], abs=1e-10), (ours, c)
            assert p.loc[ours, "p_val"] == pytest.approx(lm.loc[lab, "p_val"], rel=1e-7, abs=1e-300)
    assert res.n == REF["n"]


def test_bca_acceleration_matches_jackknife():
    res = mediation(BFI, **ARGS, n_boot=1000, seed=3, ci_method="bca")
    acc = res.bca.set_index("path").acceleration
    ref = REF["jackknife_acceleration"]
    for ours, lab in PAR.items():
        if lab in ref:
            assert acc[ours] == pytest.approx(ref[lab], abs=1e-10), ours


@pytest.mark.slow
@pytest.mark.parametrize("ci, cols", [("percentile", ("perc_low", "perc_high")), ("bca", ("bca_low", "bca_high"))])
def test_bootstrap_cis_agree_with_boot_within_mc_error(ci, cols):
    """boot (R = 20000) vs ours (B = 20000): the 2.5/97.5% quantiles of two independent runs differ
    by ≈ 0.038·SD each → ≈ 0.054·SD for the difference; we allow 0.2·SD (3.7 Monte-Carlo SEs)."""
    res = mediation(BFI, **ARGS, n_boot=20000, seed=2026, ci_method=ci)
    p = res.paths.set_index("path")
    ref = pd.DataFrame(REF["boot"]).set_index("label")
    for ours, lab in PAR.items():
        if lab not in ref.index:
            continue
        sd = ref.loc[lab, "boot_sd"]
        assert p.loc[ours, "estimate"] == pytest.approx(ref.loc[lab, "estimate"], abs=1e-12)
        assert p.loc[ours, "se"] == pytest.approx(sd, rel=0.05)       # SD of SD ≈ 0.5% at B = 20000
        assert abs(p.loc[ours, "ci_low"] - ref.loc[lab, cols[0]]) < 0.2 * sd, (ours, "low")
        assert abs(p.loc[ours, "ci_high"] - ref.loc[lab, cols[1]]) < 0.2 * sd, (ours, "high")


def test_deterministic_with_seed_and_api_shape():
    a = mediation(BFI, **ARGS, n_boot=500, seed=5)
    b = mediation(BFI, **ARGS, n_boot=500, seed=5)
    pd.testing.assert_frame_equal(a.table(), b.table())
    c = mediation(BFI, **ARGS, n_boot=500, seed=6)
    assert not np.allclose(a.table().ci_low, c.table().ci_low)
    assert list(a.table().columns) == ["path", "estimate", "se", "ci_low", "ci_high", "p_val", "kind"]
    assert list(a.table().path) == ["A ~ C", "E ~ C", "N ~ A", "N ~ E", "direct", "total", "indirect A",
                            "indirect E", "indirect total", "contrast (A) − (E)"]


def test_total_equals_direct_plus_indirect(parallel):
    p = parallel.paths.set_index("path").estimate
    assert p["total"] == pytest.approx(p["direct"] + p["indirect total"], abs=1e-12)


def test_bootstrap_p_matches_ci(parallel):
    """p < .05 exactly when the 95% percentile CI excludes 0 (the p is the CI inverted)."""
    for r in parallel.paths[parallel.paths.kind != "a"].itertuples():
        if r.kind in ("indirect", "contrast"):
            excludes = r.ci_low > 0 or r.ci_high < 0
            assert (r.p_val < .05) == excludes, r.path
    boot = parallel.boot["contrast (A) − (E)"].to_numpy()
    expected = 2 * min(np.mean(boot < 0), np.mean(boot > 0))
    assert parallel.paths.set_index("path").loc["contrast (A) − (E)", "p_val"] == pytest.approx(expected)


def test_percentile_ci_is_the_quantile_of_the_draws(parallel):
    row = parallel.paths.set_index("path").loc["indirect A"]
    draws = parallel.boot["indirect A"].to_numpy()
    assert row.ci_low == np.quantile(draws, 0.025) and row.ci_high == np.quantile(draws, 0.975)
    assert row.se == pytest.approx(draws.std(ddof=1))


def test_vectorised_bootstrap_equals_refitting_the_resample():
    """One resample: the count-weighted solve equals OLS on the drawn rows."""
    from analysis.models.path_bootstrap import PathModel
    d = BFI[["C", "A", "E", "N"]].dropna()
    pm = PathModel(d, {"A": ["C"], "N": ["C", "A", "E"]})
    idx = np.random.default_rng(0).integers(0, len(d), len(d))
    counts = np.bincount(idx, minlength=len(d)).astype(float)[None, :]
    coefs = pm.coefs_from_counts(counts)
    r = d.iloc[idx]
    X = np.column_stack([np.ones(len(r)), r[["C", "A", "E"]]])
    assert_allclose(coefs["N"][0], np.linalg.lstsq(X, r.N.to_numpy(), rcond=None)[0], atol=1e-10)


def test_apa(parallel):
    a = apa(parallel)
    assert a.full_result.startswith("A parallel mediation model of N on C through A, E, controlling for gender")
    assert "95% percentile CI" in a.full_result
    assert list(a.table.columns) == ["Path", "Estimate", "SE", "95% CI", "p", "CI type"]


def test_single_mediator_has_no_total_indirect():
    p = mediation(BFI, "C", "A", "N", n_boot=200, seed=1)
    assert list(p.table().kind) == ["a", "b", "direct", "total", "indirect"]


def test_missing_rows_listed():
    res = mediation(BFI, "C", "A", "N", covar="education", n_boot=200, seed=1)
    assert res.n + len(res.excluded) == len(BFI)


@pytest.mark.parametrize("kwargs, msg", [
    (dict(x="C", m=[], y="N"), "at least one mediator"),
    (dict(x="C", m=["C"], y="N"), "more than one role"),
    (dict(x="C", m=["zz"], y="N"), "'zz' are not in the data"),
    (dict(x="C", m=["A"], y="N", ci_method="basic"), "ci_method="),
    (dict(x="C", m=["A"], y="N", n_boot=10), "too few resamples"),
])
def test_bad_input(kwargs, msg):
    with pytest.raises(DataError, match=msg):
        mediation(BFI, **kwargs)


def test_progress_bar_can_be_forced(capsys):
    a = mediation(BFI, "C", "A", "N", n_boot=300, seed=2, progress=True)
    b = mediation(BFI, "C", "A", "N", n_boot=300, seed=2, progress=False)
    pd.testing.assert_frame_equal(a.table(), b.table())          # the bar does not change the draws
    assert says(capsys.readouterr().err, "bootstrap")

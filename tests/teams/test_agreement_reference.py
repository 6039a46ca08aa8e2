"""Agreement, ICC and aggregation against R multilevel 2.7 (fixtures: tests/reference/teams/teams.R)."""

import numpy as np
import pandas as pd
import pytest

from analysis.teams import ad_m, agreement, awg, icc, null_variance, rgr_agree, rwg, rwg_j, rwg_j_lindell
from tests.conftest import REFERENCE

REF = REFERENCE / "teams"
TOL = 1e-8
BHR_ITEMS = ["AF06", "AF07", "AP12", "AP17", "AP33", "AP34", "AS14", "AS15", "AS16", "AS17", "AS28"]


def _bhr_na():
    """bhr2000 with the missing-answer pattern teams.R writes into its bhr_na copy (1-based seq)."""
    d = pd.read_csv(REF / "bhr2000.csv")
    d.loc[np.arange(4, len(d), 97), "AF07"] = np.nan
    d.loc[np.arange(10, len(d), 131), "AS16"] = np.nan
    d.loc[np.arange(2, len(d), 53), "HRS"] = np.nan
    return d


def _cases():
    bhr = pd.read_csv(REF / "bhr2000.csv")
    coh = pd.read_csv(REF / "cohesion.csv")
    coh["unit_platoon"] = coh["UNIT"] + " " + coh["PLATOON"]
    lq = pd.read_csv(REF / "lq2002.csv")
    edge = pd.read_csv(REF / "edge.csv")
    hostil = [f"HOSTIL0{i}" for i in range(1, 6)]
    return {
        # case: (data, items, item1, group, null variance, response range)
        "bhr2000_uniform": (bhr, BHR_ITEMS, "AF06", "GRP", 2.0, (1, 5)),
        "bhr2000_slight_skew": (bhr, BHR_ITEMS, "AF06", "GRP", "slight_skew", (1, 5)),
        "bhr2000_heavy_skew": (bhr, BHR_ITEMS, "AF06", "GRP", "heavy_skew", (1, 5)),
        "bhr2000_na_uniform": (_bhr_na(), BHR_ITEMS, "AF07", "GRP", "uniform", (1, 5)),
        "cohesion_unit": (coh, [f"COH0{i}" for i in range(1, 6)], "COH02", "UNIT", 2.0, (1, 5)),
        "cohesion_platoon": (coh, [f"COH0{i}" for i in range(1, 6)], "COH01", "unit_platoon", 2.0, (1, 5)),
        "lq2002_tsig": (lq, ["TSIG01", "TSIG02", "TSIG03"], "TSIG01", "COMPID", 2.0, (1, 5)),
        "lq2002_hostil": (lq, hostil, "HOSTIL01", "COMPID", "uniform", (0, 4)),
        "edge": (edge, ["i1", "i2", "i3"], "i1", "grp", 2.0, (1, 5)),
    }


@pytest.fixture(scope="module")
def ref_agreement():
    return pd.read_csv(REF / "agreement.csv", dtype={"grpid": str})


def _merge(ours: pd.DataFrame, ref: pd.DataFrame) -> pd.DataFrame:
    ours = ours.assign(grpid=ours["group"].astype(str))
    m = ref.merge(ours, on="grpid", how="outer", suffixes=("_r", ""), indicator=True)
    assert (m["_merge"] == "both").all(), m.loc[m["_merge"] != "both", "grpid"].tolist()
    return m


def _close(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    ok = ~np.isnan(a)
    if ok.any():
        assert np.max(np.abs(a[ok] - b[ok])) < TOL


@pytest.mark.parametrize("case", list(_cases()))
def test_agreement_matches_multilevel(case, ref_agreement):
    data, items, item1, group, null, rng = _cases()[case]
    ref = ref_agreement[ref_agreement["case"] == case]
    n_options = int(rng[1] - rng[0] + 1)
    ours = agreement(data, items, group, n_options, null=null, response=rng)
    m = _merge(ours, ref)
    assert np.isclose(ours.attrs["null_variance"], ref["ranvar"].iloc[0], atol=1e-12)
    np.testing.assert_array_equal(m["n"], m["gsize"])
    for col in ["rwg_j", "rwg_j_lindell", "ad_m", "ad_md", "awg"]:
        _close(m[col], m[f"{col}_r"])
    # single-item indices
    one = rwg(data, item1, group, n_options, null=null)
    m1 = _merge(one, ref)
    np.testing.assert_array_equal(m1["n"], m1["gsize_item1"])
    _close(m1["rwg"], m1["rwg_item1"])
    a_mean = _merge(ad_m(data, item1, group), ref)
    _close(a_mean["ad_m"], a_mean["ad_m_item1"])
    a_median = _merge(ad_m(data, item1, group, "median"), ref)
    _close(a_median["ad_m"], a_median["ad_md_item1"])
    a1 = _merge(awg(data, item1, group, rng), ref)
    _close(a1["awg"], a1["awg_item1"])
    # the single-index functions equal the combined table
    _close(_merge(rwg_j(data, items, group, n_options, null=null), ref)["rwg_j"], m["rwg_j"])
    _close(_merge(rwg_j_lindell(data, items, group, n_options, null=null), ref)["rwg_j_lindell"], m["rwg_j_lindell"])
    _close(_merge(awg(data, items, group, rng), ref)["awg"], m["awg"])


def test_fixture_has_truncated_and_undefined_cases(ref_agreement):
    """The references exercise multilevel's special rules, so the comparisons above can fail."""
    heavy = ref_agreement[ref_agreement["case"] == "bhr2000_heavy_skew"]
    assert (heavy["rwg_item1"] == 0).sum() > 10          # s² > σ²_EU truncated to 0
    assert (heavy["rwg_j_lindell"] < 0).sum() > 10       # r*_wg(j) is not truncated
    edge = ref_agreement[ref_agreement["case"] == "edge"].set_index("grpid")
    assert np.isnan(edge.loc["a", "rwg_j"]) and np.isnan(edge.loc["g", "rwg_j"])   # one complete row
    assert edge.loc["e", "awg_item1"] == 1                 # mean at the bound
    assert edge.loc["b", "awg_item1"] == -1                # 1 and 5: the largest possible variance
    assert np.isnan(edge.loc["c", "awg_item1"])            # mean 2 < (1·2 + 5)/3: a_wg undefined
    assert edge.loc["d", "awg"] == 1                       # items with undefined a_wg are skipped in the mean


def test_null_variances():
    assert null_variance(5) == 2.0
    assert null_variance(7) == 4.0
    expected = {"slight_skew": 1.34, "moderate_skew": 0.90, "heavy_skew": 0.44, "triangular": 1.32, "normal": 1.04}
    for name, v in expected.items():
        assert null_variance(5, name) == pytest.approx(v, abs=1e-12)
    assert null_variance(5, [0.2] * 5) == pytest.approx(2.0, abs=1e-12)


@pytest.fixture(scope="module")
def ref_icc():
    return pd.read_csv(REF / "icc.csv")


def test_icc_matches_multilevel(ref_icc):
    data = {"bhr2000": pd.read_csv(REF / "bhr2000.csv"), "bhr2000_na": _bhr_na(), "lq2002": pd.read_csv(REF / "lq2002.csv"),
            "cohesion": pd.read_csv(REF / "cohesion.csv"), "edge": pd.read_csv(REF / "edge.csv")}
    groups = {"bhr2000": "GRP", "bhr2000_na": "GRP", "lq2002": "COMPID", "cohesion": "UNIT", "edge": "grp"}
    worst = 0.0
    for case, ref in ref_icc.groupby("case", sort=False):
        ours = icc(data[case], ref["variable"].tolist(), groups[case])
        for col in ["icc1", "icc2", "msb", "msw", "f", "p_val"]:
            d = np.abs(ours[col].to_numpy() - ref[col].to_numpy())
            worst = max(worst, d.max())
            assert d.max() < TOL, (case, col)
        np.testing.assert_array_equal(ours["df_between"], ref["df_between"])
        np.testing.assert_array_equal(ours["df_within"], ref["df_within"])
    assert worst < TOL


def test_rgr_agree_replays_r_draws():
    """With R's own random groups (replayed in teams.R) every number equals rgr.agree's."""
    bhr = pd.read_csv(REF / "bhr2000.csv")
    summ = pd.read_csv(REF / "rgr_summary.csv").iloc[0]
    perm = pd.read_csv(REF / "rgr_permutations.csv")
    perms = perm["row"].to_numpy().reshape(int(summ["nreps"]), len(bhr)) - 1
    res = rgr_agree(bhr, "HRS", "GRP", 500, permutations=perms)
    np.testing.assert_allclose(res.random_vars, pd.read_csv(REF / "rgr_vars.csv")["rgr_var"], rtol=0, atol=TOL)
    assert res.n_random_groups == summ["n_random_groups"]
    for ours, theirs in [(res.mean_random_var, "mean_random_var"), (res.sd_random_var, "sd_random_var"),
                         (res.mean_group_var, "mean_group_var"), (res.z, "z")]:
        assert abs(ours - summ[theirs]) < TOL
    q = res.quantiles()["random_var"].to_numpy()
    np.testing.assert_allclose(q, summ[["q005", "q01", "q025", "q05", "q10", "q90", "q95", "q975", "q99", "q995"]]
                               .to_numpy(float), rtol=0, atol=TOL)


def test_rgr_agree_own_draws_within_monte_carlo_error():
    """Our seeded draws agree with R's in distribution.

    Under random grouping the expected pseudo-group variance is the total sample variance (the
    unbiased variance of a simple random sample without replacement has expectation S², N − 1
    denominator), so both means must lie within Monte-Carlo error of var(x); the mean real
    variance is deterministic and must equal R's exactly.
    """
    bhr = pd.read_csv(REF / "bhr2000.csv")
    summ = pd.read_csv(REF / "rgr_summary.csv").iloc[0]
    res = rgr_agree(bhr, "HRS", "GRP", 5000, seed=7)
    assert abs(res.mean_group_var - summ["mean_group_var"]) < TOL
    total = bhr["HRS"].var()
    assert abs(summ["total_var"] - total) < TOL
    mc_se_ours = res.sd_random_var / np.sqrt(res.n_random_groups)
    mc_se_r = summ["sd_random_var"] / np.sqrt(summ["n_random_groups"])
    assert abs(res.mean_random_var - total) < 4 * mc_se_ours
    assert abs(summ["mean_random_var"] - total) < 4 * mc_se_r
    # SD of the random-group variances: same population quantity; its sampling error is about
    # sd / sqrt(2 (n - 1)) for near-normal draws, inflated here (skewed variances) -> 4 SE with a 2x margin
    se_sd = summ["sd_random_var"] * np.sqrt(2.0 / (summ["n_random_groups"] - 1)) * 2
    assert abs(res.sd_random_var - summ["sd_random_var"]) < 4 * se_sd
    # same seed, same answer
    again = rgr_agree(bhr, "HRS", "GRP", 5000, seed=7)
    np.testing.assert_array_equal(again.random_vars, res.random_vars)


def test_aggregate_matches_r():
    from analysis.teams import aggregate

    ref = pd.read_csv(REF / "aggregate_hrs.csv", dtype={"grpid": str})
    ours = aggregate(_bhr_na(), "HRS", "GRP")
    ours["grpid"] = ours["unit"].astype(str)
    m = ref.merge(ours, on="grpid", suffixes=("_r", ""))
    assert len(m) == len(ref) == 100
    np.testing.assert_array_equal(m["n"], m["n_r"])
    for col in ["mean", "sd", "ci_low", "ci_high"]:
        assert np.max(np.abs(m[col] - m[f"{col}_r"])) < TOL, col


def test_rgr_agree_apa_text():
    from analysis.formatting.apa import apa

    bhr = pd.read_csv(REF / "bhr2000.csv")
    summ = pd.read_csv(REF / "rgr_summary.csv").iloc[0]
    perm = pd.read_csv(REF / "rgr_permutations.csv")["row"].to_numpy().reshape(int(summ["nreps"]), len(bhr)) - 1
    text = str(apa(rgr_agree(bhr, "HRS", "GRP", 500, permutations=perm)))
    assert "z = −9.48" in text and "p < .001" in text and "495 random groups" in text


def test_bad_input_messages():
    from analysis.errors import DataError

    df = pd.DataFrame({"team": [1, 1, 2, 2], "q": ["4", "x", "3", "2"]})
    with pytest.raises(DataError, match=r"row with index 1, column 'q', value 'x' is not a number"):
        agreement(df, ["q"], "team", 5)
    df.attrs.update(source="t.csv", first_row=2)   # as read_table sets them: the header is row 1
    with pytest.raises(DataError, match=r"^agreement: file 't.csv', row 3, column 'q', value 'x' is not a number"):
        agreement(df, ["q"], "team", 5)
    with pytest.raises(DataError, match="not in the data"):
        agreement(df, ["nope"], "team", 5)
    with pytest.raises(DataError, match="5 response options"):
        null_variance(7, "slight_skew")
    with pytest.raises(DataError, match="n_options"):
        agreement(pd.DataFrame({"team": [1, 1], "q": [1, 2]}), ["q"], "team")
    with pytest.raises(DataError, match="at least two people"):
        rgr_agree(pd.DataFrame({"team": [1, 1, 2], "q": [1.0, 2.0, 3.0]}), "q", "team", 10, seed=1)


def test_icc_with_one_group_names_the_column_and_says_what_to_do():
    from analysis.errors import DataError

    one = pd.DataFrame({"team": [1, 1, 1], "q": [1.0, 2.0, 3.0]})
    one.attrs.update(source="t.csv", first_row=2)
    with pytest.raises(DataError) as caught:
        icc(one, "q", "team")
    assert " ".join(str(caught.value).split()) == (
        "file 't.csv', column 'q' (grouped by 'team'): ICC needs at least two groups and more people than groups "
        "(have 3 people in 1 groups). Collect answers from more groups, or check that the group column gives "
        "each respondent's group.")
    assert caught.value.parts()["column"] == "q" and caught.value.parts()["file"] == "t.csv"


@pytest.mark.parametrize("integer", [True, False])
def test_median_paths_equal_pandas(integer):
    """AD_Md by counting (answer codes) and by sorting (any numbers) equal a pandas groupby."""
    rng = np.random.default_rng(3)
    g = rng.integers(0, 40, 900)
    x = rng.integers(1, 8, (900, 3)).astype(float) if integer else rng.normal(0, 2, (900, 3))
    df = pd.DataFrame(x, columns=["a", "b", "c"]).assign(team=g)
    ours = ad_m(df, ["a", "b", "c"], "team", "median").set_index("group")["ad_m"]
    med = df.groupby("team")[["a", "b", "c"]].transform("median")
    ref = (df[["a", "b", "c"]] - med).abs().groupby(df["team"]).mean().mean(axis=1)
    np.testing.assert_allclose(ours.loc[ref.index], ref, rtol=0, atol=1e-12)

"""Replication verdicts: Fisher-z tests, TOST and small telescopes against R (findings.R) and by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis import replicate, replicate_study
from analysis.errors import DataError
from analysis.findings import FindingsError
from analysis.findings.verdicts import r33

from .conftest import load_csv, load_json

CASES = load_json("replication.json")
STUDY = load_json("study.json")
COLS = {"mastery_approach": "map", "mastery_avoidance": "mav", "performance_approach": "pap",
        "performance_avoidance": "pav", "depression": "dep", "anxiety": "anx", "procrastination": "pro"}


def _finding(r_pub=None, n_pub=None, direction="negative"):
    """A registry entry written inline (the shipped registry has no numeric r with its own N)."""
    effect = {"kind": "r", "value": r_pub} if r_pub is not None else {"kind": "direction", "direction": direction}
    sample = {"population": "students"} | ({"n": n_pub} if n_pub else {})
    return dict(id="test-2020-map-procrastination", citation="Test, A. (2020). Journal, 1, 1-2.",
                design="correlational", sample=sample, constructs=["mastery_approach", "procrastination"],
                effect=effect, status="V", source={"urls": ["https://example.org"], "location": "Table 1"})


@pytest.mark.parametrize("name", sorted(CASES))
def test_against_r(name):
    c = CASES[name]
    if c["r_pub"] is None:
        finding = _finding(n_pub=c["n_pub"], direction="negative")
    else:
        finding = _finding(r_pub=c["r_pub"], n_pub=c["n_pub"])
    row = replicate(c["r"], finding, n=c["n"], sesoi=c["sesoi"], level=c["level"]).table().iloc[0]
    assert row["ci_low"] == pytest.approx(c["ci_low"], abs=1e-12)
    assert row["ci_high"] == pytest.approx(c["ci_high"], abs=1e-12)
    assert row["ci_low"] == pytest.approx(c["ci_low_psych"], abs=1e-12)   # psych::r.con
    if "call" in c:   # psych::r.test reports |z|
        assert row["test"] == "fisher_z_two_sample"
        assert abs(row["statistic"]) == pytest.approx(c["statistic"], abs=1e-12)
    else:
        assert row["statistic"] == pytest.approx(c["statistic"], abs=1e-12)
    assert row["p_val"] == pytest.approx(c["p_val"], abs=1e-12)
    assert row["tost_p"] == pytest.approx(c["tost_p"], abs=1e-12)
    if c.get("r33") is not None:
        assert row["r33"] == pytest.approx(c["r33"], abs=1e-10)
        assert row["r33"] == pytest.approx(c["r33_pwr"], abs=1e-5)   # pwr's own root finder stops near 1e-5
        assert row["telescope_p"] == pytest.approx(c["telescope_p"], abs=1e-10)
    else:
        assert math.isnan(row["r33"]) and math.isnan(row["telescope_p"])


def test_hand_computed_fixed_value_test():
    # z = (atanh(-0.05) - atanh(-0.18)) * sqrt(380) = (-0.0500417 + 0.1819719) * 19.4935887
    row = replicate(-0.05, "diaconu-gherasim-2024-map-depression", n=383).table().iloc[0]
    zo, zp = 0.5 * math.log(0.95 / 1.05), 0.5 * math.log(0.82 / 1.18)
    assert row["statistic"] == pytest.approx((zo - zp) * math.sqrt(380), abs=1e-12)
    assert row["statistic"] == pytest.approx(2.572002792, abs=1e-8)
    assert row["test"] == "fisher_z_fixed" and pd.isna(row["published_n"])
    # TOST, bounds ±.10: max(P(Z > (zo + atanh .1)·√380), P(Z < (zo − atanh .1)·√380))
    assert row["tost_p"] == pytest.approx(0.163443587155174, abs=1e-12)


def test_hand_computed_two_sample_test():
    row = replicate(-0.21, _finding(-0.30, 170), n=383).table().iloc[0]
    z = (math.atanh(-0.21) - math.atanh(-0.30)) / math.sqrt(1 / 380 + 1 / 167)
    assert row["statistic"] == pytest.approx(z, abs=1e-12) and z > 0
    assert row["test"] == "fisher_z_two_sample" and row["published_n"] == 170


def test_r33_reaches_one_third_power():
    from analysis.findings.power import _r_power

    for n in (20, 92, 170, 397, 5000):
        assert _r_power(n, r33(n), 0.05, "two-sided") == pytest.approx(1 / 3, abs=1e-12)
    assert r33(170) == pytest.approx(CASES["two_sample"]["r33"], abs=1e-10)


def test_replicate_errors():
    with pytest.raises(DataError, match="estimate=1.2 is not a correlation; the observed correlation must lie strictly between -1 and 1"):
        replicate(1.2, "diaconu-gherasim-2024-map-depression", n=100)
    with pytest.raises(DataError, match="n=3 is too few respondents"):
        replicate(0.1, "diaconu-gherasim-2024-map-depression", n=3)
    with pytest.raises(DataError, match="sesoi must lie between 0 and 1"):
        replicate(0.1, "diaconu-gherasim-2024-map-depression", n=100, sesoi=10)
    d = _finding(-0.2, 100) | {"effect": {"kind": "d", "value": 0.4}}
    with pytest.raises(FindingsError, match="reports a d; replication verdicts are computed for correlations"):
        replicate(0.1, d, n=100)
    with pytest.raises(FindingsError, match="unknown finding 'nope'"):
        replicate(0.1, "nope", n=100)


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_replicate_study_against_r(policy):
    scores = load_csv("study_scores.csv")
    res = replicate_study(scores, COLS, nan_policy=policy)
    t = res.table().set_index("finding_id")
    ref = STUDY[policy]
    assert list(t.index) == [r["finding_id"] for r in ref]   # registry order, every measurable finding
    for r in ref:
        row = t.loc[r["finding_id"]]
        assert row["n"] == r["n"]
        for name in ("estimate", "ci_low", "ci_high", "statistic", "p_val", "tost_p"):
            assert row[name] == pytest.approx(r[name], abs=1e-10), (r["finding_id"], name)
        if r["r33"] is None:
            assert math.isnan(row["telescope_p"])
        else:
            assert row["telescope_p"] == pytest.approx(r["telescope_p"], abs=1e-10)
    assert res.n == 150 and res.options["nan_policy"] == policy
    # listwise drops the 7 rows with a missing value (dep 3, 17, 40; map 5, 88; pro 17, 120, 121)
    assert res.n_excluded == {"pairwise": 0, "listwise": 7}[policy]
    assert t.loc["diaconu-gherasim-2024-map-depression", "column_x"] == "map"


def test_replicate_study_restrict_and_notes():
    scores = load_csv("study_scores.csv")
    res = replicate_study(scores, {"mastery_approach": "map", "depression": "dep"},
                          findings=["diaconu-gherasim-2024-map-depression", "howell-watson-2007-map-procrastination"])
    assert list(res.table()["finding_id"]) == ["diaconu-gherasim-2024-map-depression"]
    assert res.notes == ["howell-watson-2007-map-procrastination: not tested, the study does not measure procrastination"]
    empty = replicate_study(scores, {"grit": "map", "job_performance": "dep"})
    assert len(empty) == 0 and "no registered finding links two of the constructs mapped" in empty.notes[0]
    assert empty.apa().full_result == "No registered finding links two constructs this study measures."


def test_replicate_study_errors():
    scores = load_csv("study_scores.csv")
    with pytest.raises(DataError, match="unknown construct 'mastery'"):
        replicate_study(scores, {"mastery": "map"})
    with pytest.raises(DataError, match=r"column 'nope' \(for depression\) is not in the scores; columns are: map, mav"):
        replicate_study(scores, {"mastery_approach": "map", "depression": "nope"})
    bad = scores.copy().astype({"dep": object})
    bad.loc[6, "dep"] = "n/a"
    with pytest.raises(DataError, match=r"^replicate_study \(construct depression\): row with index 6, column 'dep', "
                                        r"value 'n/a' is not a number; give scored \(numeric\) columns"):
        replicate_study(bad, {"mastery_approach": "map", "depression": "dep"})
    bad.attrs["first_row"] = 2   # as read from a CSV: data start on line 2
    with pytest.raises(DataError, match=r"row 8, column 'dep', value 'n/a'"):
        replicate_study(bad, {"mastery_approach": "map", "depression": "dep"})
    const = scores.assign(dep=1.0)
    with pytest.raises(DataError, match=r"column 'dep' \(construct depression\) has the same value in every"):
        replicate_study(const, {"mastery_approach": "map", "depression": "dep"})
    with pytest.raises(DataError, match=r"^replicate_study: nan_policy='fiml' is not a choice; give 'pairwise' or 'listwise'$"):
        replicate_study(scores, COLS, nan_policy="fiml")


def test_result_protocol(tmp_path):
    res = replicate_study(load_csv("study_scores.csv"), COLS)
    assert list(res.summary().columns) == ["finding_id", "published", "published_direction", "estimate", "ci_low",
                                           "ci_high", "n", "verdict"]
    assert res.summary()["published"].isna().iloc[0] and res.summary()["published_direction"].iloc[0] == "negative"
    assert list(res.apa().table.columns) == ["finding_id", "published", "observed", "n", "verdict"]
    assert res.apa().table["published"].iloc[0] == "negative (direction only)"
    text = res.apa().full_result
    assert text.startswith("howell-watson-2007-map-procrastination: consistent: same direction as published")
    assert "psych::r.test" in res.r_call and "pwr::pwr.r.test" in res.r_call
    assert res.options["sesoi"] == 0.10 and res.level == 0.95
    assert {"finding_id", "construct_x", "construct_y", "published", "published_ci_low", "published_ci_high",
            "estimate", "ci_low", "ci_high", "n", "test", "statistic", "p_val", "tost_p", "telescope_p",
            "verdict"} <= set(res.table().columns)


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(derandomize=True, max_examples=200, deadline=None)
@given(r=st.floats(-0.95, 0.95), r_pub=st.floats(-0.9, 0.9), n=st.integers(4, 5000),
       n_pub=st.one_of(st.none(), st.integers(4, 5000)))
def test_mirror_symmetry_and_ranges(r, r_pub, n, n_pub):
    """Flipping the sign of both correlations flips the statistic and leaves every p unchanged."""
    a = replicate(r, _finding(r_pub, n_pub), n=n).table().iloc[0]
    b = replicate(-r, _finding(-r_pub, n_pub), n=n).table().iloc[0]
    assert b["statistic"] == pytest.approx(-a["statistic"], abs=1e-9)
    for name in ("p_val", "tost_p"):
        assert 0 <= a[name] <= 1 and b[name] == pytest.approx(a[name], abs=1e-12)
    if n_pub is not None and r_pub != 0:
        assert b["telescope_p"] == pytest.approx(a["telescope_p"], abs=1e-12)
    assert a["ci_low"] < r < a["ci_high"] or r == 0

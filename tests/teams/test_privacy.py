"""Re-identification: try to recover every suppressed unit from every published table, and fail.

The attacker holds every table the staff report publishes (organisation, departments, teams and
sites, each with n and the mean of every scale, hence the sum mean × n) and the organisation chart
(which team sits in which department, which team/site combinations exist). Three attacks:

1. parent minus its published children (department − published teams);
2. organisation minus the published units of a grouping;
3. two overlapping reports combined (teams × sites): a linear programme over the chart's finest
   cells gives the smallest and largest count and sum a hidden unit can have.

Each attack is first run against a naive report (only units below the minimum hidden): it must
recover true values there, which shows the attacks work. Against goalscope's report it must recover
nothing.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from analysis import score
from analysis.errors import DataError
from analysis.teams import aggregate, build_staff_report, write_staff_report
from analysis.anonymity.units import unit_labels
from analysis.anonymity.privacy import check_min_group, plan_suppression
from tests.conftest import ROOT
from tests.teams.organisations import SCALES, add_random_scores

DEMO = ROOT / "data" / "raw" / "staff_demo" / "responses.csv"
K = 5


@pytest.fixture(scope="module")
def demo():
    return pd.read_csv(DEMO)


@pytest.fixture(scope="module")
def frame(demo):
    s = score(demo, "vandewalle", columns="wdgo_{n}").scores
    f = pd.DataFrame({c: unit_labels(demo, c) for c in ["team", "department", "site"]})
    for c in SCALES:
        f[c] = s[c].to_numpy()
    return f


@pytest.fixture(scope="module")
def published(demo, tmp_path_factory):
    """goalscope's report, as the attacker reads it: the CSV that `goalscope teams` writes."""
    rep = build_staff_report(demo, "vandewalle", "team", parent="department", also=["site"], columns="wdgo_{n}")
    path = write_staff_report(rep, tmp_path_factory.mktemp("rep") / "teams.csv")
    return pd.read_csv(path, dtype={"unit": str, "parent": str})


@pytest.fixture(scope="module")
def naive(frame):
    """The same tables with only primary suppression (n < K): what the attacks must break."""
    t = pd.concat([aggregate(frame, SCALES, "team", parent="department"),
                   aggregate(frame, SCALES, "site", organisation=False)], ignore_index=True)
    t = t.rename(columns={"variable": "scale"})
    small = t.groupby(["level", "unit"])["n"].transform("min") < K
    t["suppressed"] = small
    t.loc[small, ["n", "mean"]] = np.nan
    return t


def truth(frame, level, unit, scale):
    v = frame.loc[frame[level] == unit, scale].dropna()
    return len(v), float(v.sum())


def _known(pub):
    """{(level, unit, scale): (n, sum)} of every published cell."""
    shown = pub[~pub["suppressed"].astype(bool)]
    return {(r.level, str(r.unit), r.scale): (float(r.n), float(r.mean) * float(r.n)) for r in shown.itertuples()}


def _hidden(pub):
    h = pub[pub["suppressed"].astype(bool)]
    return sorted(set(zip(h["level"], h["unit"].astype(str))))


def differencing_attack(pub, frame):
    """Attacks 1 and 2: total minus the published parts; returns what it recovered."""
    known = _known(pub)
    hidden = _hidden(pub)
    chart = frame[["team", "department", "site"]].drop_duplicates()
    relations = []  # (total cell or None for the organisation, level of the parts, parts)
    for lv in ["department", "team", "site"]:
        relations.append((None, lv, sorted(chart[lv].unique())))
    for d, sub in chart.groupby("department"):
        relations.append((("department", d), "team", sorted(sub["team"].unique())))
    recovered = {}
    for total, lv, parts in relations:
        for s in SCALES:
            tot = known.get(("organisation", "organisation", s) if total is None else (*total, s))
            if tot is None:
                continue
            gone = [u for u in parts if (lv, u) in hidden]
            if not gone:
                continue
            rest_n = tot[0] - sum(known[(lv, u, s)][0] for u in parts if (lv, u) not in hidden)
            rest_s = tot[1] - sum(known[(lv, u, s)][1] for u in parts if (lv, u) not in hidden)
            if len(gone) == 1:
                recovered[(lv, gone[0], s, "n")] = rest_n
                recovered[(lv, gone[0], s, "sum")] = rest_s
            elif round(rest_n) == len(gone):  # every hidden unit has at least one person -> exactly one
                for u in gone:
                    recovered[(lv, u, s, "n")] = 1.0
    return recovered


def overlap_attack(pub, frame, lo=1.0, hi=6.0):
    """Attack 3: combine all published reports over the chart's finest cells (linear programme)."""
    known = _known(pub)
    hidden = _hidden(pub)
    cells = frame[["team", "department", "site"]].drop_duplicates().reset_index(drop=True)
    f = len(cells)
    recovered = {}
    for s in SCALES:
        rows, rhs = [], []
        for (lv, u, sc), (n, tot) in known.items():
            if sc != s:
                continue
            member = np.ones(f) if lv == "organisation" else (cells[lv] == u).to_numpy(float)
            rows.append(np.concatenate([member, np.zeros(f)]))
            rhs.append(n)
            rows.append(np.concatenate([np.zeros(f), member]))
            rhs.append(tot)
        eye = np.eye(f)
        a_ub = np.vstack([np.hstack([lo * eye, -eye]), np.hstack([-hi * eye, eye])])  # lo n <= S <= hi n
        bounds = [(0, None)] * f + [(None, None)] * f
        for lv, u in hidden:
            member = (cells[lv] == u).to_numpy(float)
            for q, obj in (("n", np.concatenate([member, np.zeros(f)])), ("sum", np.concatenate([np.zeros(f), member]))):
                mn = linprog(obj, A_ub=a_ub, b_ub=np.zeros(2 * f), A_eq=np.array(rows), b_eq=np.array(rhs),
                             bounds=bounds, method="highs")
                mx = linprog(-obj, A_ub=a_ub, b_ub=np.zeros(2 * f), A_eq=np.array(rows), b_eq=np.array(rhs),
                             bounds=bounds, method="highs")
                assert mn.status == 0
                lo_v, hi_v = mn.fun, (-mx.fun if mx.status == 0 else np.inf)
                pinned = (np.floor(hi_v + 1e-7) == np.ceil(lo_v - 1e-7)) if q == "n" else (hi_v - lo_v < 1e-6)
                if pinned:
                    recovered[(lv, u, s, q)] = lo_v
    return recovered


def _check_true(recovered, frame):
    for (lv, u, s, q), v in recovered.items():
        n, tot = truth(frame, lv, u, s)
        assert v == pytest.approx(n if q == "n" else tot, abs=1e-6)


def test_attacks_break_the_naive_report(naive, frame):
    rec = differencing_attack(naive, frame)
    assert rec, "the differencing attack should recover hidden units of a primary-only report"
    _check_true(rec, frame)
    rec3 = overlap_attack(naive, frame)
    assert rec3
    _check_true(rec3, frame)


def test_no_suppressed_unit_can_be_recovered(published, frame):
    hidden = _hidden(published)
    assert ("team", "FIN-01") in hidden and len(hidden) >= 5   # a 1-person team, and complementary cells
    assert differencing_attack(published, frame) == {}
    assert overlap_attack(published, frame) == {}


def test_suppressed_rows_carry_no_numbers(published):
    hid = published[published["suppressed"].astype(bool)]
    stats = ["n", "mean", "sd", "ci_low", "ci_high", "difference", "rwg_j", "rwg_j_lindell", "ad_m", "ad_md", "awg"]
    assert hid[stats].isna().all().all()
    assert hid["org_mean"].notna().all()    # the organisation's own mean is public


def test_primary_and_complementary_are_not_told_apart(published):
    assert set(published.columns) >= {"suppressed"} and "status" not in published.columns


def test_rule_blocks_pairs_of_tiny_units():
    # two one-person teams and one of five in a department of seven: hiding only the two
    # leaves "department minus the rest = 2 people", i.e. one each
    df = pd.DataFrame({"team": ["a", "b"] + ["c"] * 5 + ["d"] * 6, "dept": ["x"] * 7 + ["y"] * 6,
                       "y": np.arange(13.0)})
    plan = plan_suppression(df, ["team", "dept"], parents={"team": "dept"}, values=["y"], k=5, bounds={"y": (0, 12)})
    st = dict(zip(plan.cells["unit"], plan.cells["status"]))
    assert st["a"] == st["b"] == "primary"
    assert st["c"] != "published" or st["x"] != "published"
    assert plan.audit["protected"].all()


def test_min_group_floor():
    assert check_min_group(3) == 3
    for bad in (2, 0, 4.5, "x"):
        with pytest.raises(DataError, match="minimum group size"):
            check_min_group(bad)


def test_a_report_that_would_expose_a_unit_is_refused_with_its_grouping_column():
    """Seven people in three teams and three sites: with k = 5 site 'x' stays pinned down by the
    organisation's total, whatever else is suppressed."""
    df = pd.DataFrame({"team": ["a", "c", "b", "a", "a", "b", "c"], "site": ["y", "z", "x", "x", "z", "z", "x"]})
    with pytest.raises(DataError) as caught:
        plan_suppression(df, ["team", "site"], k=5)
    assert " ".join(str(caught.value).split()) == (
        "column(s) 'site': no report can be published without exposing site 'x': the organisation as a whole is the "
        "only other total. Raise the group sizes (merge small units) or report fewer groupings.")
    assert caught.value.parts()["column"] == ["site"]


@st.composite
def organisations(draw):
    n_dept = draw(st.integers(1, 4))
    rows = []
    for d in range(n_dept):
        for t in range(draw(st.integers(1, 5))):
            size = draw(st.integers(1, 12))
            site = draw(st.sampled_from(["N", "S"]))
            split = draw(st.booleans())
            for i in range(size):
                rows.append((f"T{d}{t}", f"D{d}", ("N" if site == "S" else "S") if split and i % 3 == 0 else site))
    df = pd.DataFrame(rows, columns=["team", "department", "site"])
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    return add_random_scores(df, rng)


@pytest.mark.slow
@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(organisations())
def test_random_organisations_resist_every_attack(df):
    try:
        plan = plan_suppression(df, ["team", "department", "site"], parents={"team": "department"}, values=SCALES,
                                k=K, bounds={s: (1.0, 6.0) for s in SCALES})
    except DataError as exc:  # a legitimate refusal: the organisation is too small to report safely
        assert "no report can be published" in str(exc) or "fewer than the minimum" in str(exc) or "only" in str(exc)
        return
    table = pd.concat([aggregate(df, SCALES, "team", parent="department"),
                       aggregate(df, SCALES, "site", organisation=False)], ignore_index=True)
    pub = plan.mask(table.rename(columns={"variable": "scale"}), keep=("level", "unit", "parent", "scale"))
    assert differencing_attack(pub, df) == {}
    assert overlap_attack(pub, df) == {}

"""Cohen's kappa, its SE, CI and z test against R; Krippendorff's alpha against a hand computation
and the published example.

References: tests/reference/goals/kappa.R (psy::ckappa for kappa, psych::cohen.kappa for the
Fleiss-Cohen-Everitt SE and CI, irr::kappa2's null-variance z test written out) on pairs.csv
(made by make_pairs.py).
"""

import numpy as np
import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.goals import agreement_between, cohen_kappa, krippendorff_alpha
from analysis.goals.agreement import confusion
from tests.conftest import REFERENCE

HERE = REFERENCE / "goals"
PAIRS = pd.read_csv(HERE / "pairs.csv", keep_default_na=False, na_values=[""])
REF = pd.read_csv(HERE / "kappa.csv", skipinitialspace=True)
CASES = [(r.dataset, round(r.level, 2)) for r in REF.itertuples()]
TOL = 1e-10


def _pair(name):
    d = PAIRS[PAIRS["dataset"] == name]
    return d["coder_1"].astype(object).where(d["coder_1"].notna(), None), \
        d["coder_2"].astype(object).where(d["coder_2"].notna(), None)


def _ref(name, level):
    r = REF[(REF["dataset"] == name) & (np.isclose(REF["level"], level))]
    assert len(r) == 1
    return r.iloc[0]


@pytest.mark.parametrize("name,level", CASES)
def test_kappa_se_ci_z_p_equal_r(name, level):
    a, b = _pair(name)
    both = a.notna() & b.notna()
    k = cohen_kappa(a[both], b[both], level=level)
    ref = _ref(name, level)
    assert k["n"] == ref["n"]
    for ours, theirs in [("agreement", "agreement"), ("kappa", "kappa"), ("se", "se"), ("ci_low", "ci_low"),
                         ("ci_high", "ci_high"), ("se0", "se0"), ("statistic", "statistic"), ("p_val", "p_val")]:
        assert k[ours] == pytest.approx(ref[theirs], abs=TOL), ours
    assert ref["psych_kappa"] == pytest.approx(ref["kappa"], abs=1e-15)  # psy and psych agree


@pytest.mark.parametrize("name", sorted(set(PAIRS["dataset"])))
def test_pairwise_table_drops_only_uncoded_rows(name):
    a, b = _pair(name)
    res = agreement_between(pd.DataFrame({"coder_1": a.to_numpy(), "coder_2": b.to_numpy()}))
    ref = _ref(name, 0.95)
    t = res.table().set_index("measure")
    assert t.loc["cohen_kappa", "estimate"] == pytest.approx(ref["kappa"], abs=TOL)
    assert t.loc["cohen_kappa", "ci_low"] == pytest.approx(ref["ci_low"], abs=TOL)
    assert t.loc["percent_agreement", "estimate"] == pytest.approx(ref["agreement"], abs=TOL)
    assert t.loc["cohen_kappa", "n"] == ref["n"]
    assert res.excluded["coder_1 vs coder_2"] == len(a) - ref["n"]


def test_kappa_perfect_and_undefined():
    k = cohen_kappa(["mastery", "outcome", "mastery"], ["mastery", "outcome", "mastery"])
    assert k["kappa"] == 1.0 and k["se"] == 0.0 and k["ci_low"] == 1.0 and k["agreement"] == 100.0
    u = cohen_kappa(["outcome"] * 4, ["outcome"] * 4)  # one class only: p_e = 1
    assert u["agreement"] == 100.0 and np.isnan(u["kappa"]) and np.isnan(u["se"])
    with pytest.raises(DataError, match="level must be between 0 and 1"):
        cohen_kappa(["a"], ["a"], level=95)


def _alpha_by_hand(*codings):
    """Krippendorff's nominal alpha from the coincidence matrix (Krippendorff 2011, section C)."""
    data = np.array([[np.nan if v is None else v for v in c] for c in codings], dtype=object)
    cats = sorted({v for row in data for v in row if isinstance(v, str)})
    o = np.zeros((len(cats), len(cats)))
    for u in range(data.shape[1]):
        vals = [v for v in data[:, u] if isinstance(v, str)]
        m = len(vals)
        if m < 2:
            continue
        for i, x in enumerate(vals):
            for j, y in enumerate(vals):
                if i != j:
                    o[cats.index(x), cats.index(y)] += 1.0 / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    d_o = o.sum() - np.trace(o)
    d_e = (n * n - np.sum(n_c ** 2)) / (n - 1)
    return 1.0 - d_o / d_e


@pytest.mark.parametrize("name", sorted(set(PAIRS["dataset"])))
def test_alpha_equals_hand_computation(name):
    a, b = _pair(name)
    assert krippendorff_alpha(a, b) == pytest.approx(_alpha_by_hand(a.tolist(), b.tolist()), abs=1e-12)


def test_alpha_published_example():
    """Krippendorff (2011), 'Computing Krippendorff's alpha-reliability', 4 observers x 12 units with
    missing values: nominal alpha = 0.743 (three decimals in the paper)."""
    rows = ["1 2 3 3 2 1 4 1 2 . . .", "1 2 3 3 2 2 4 1 2 5 . 3", ". 3 3 3 2 3 4 2 2 5 1 .", "1 2 3 3 2 4 4 1 2 5 1 ."]
    codings = [[None if v == "." else v for v in r.split()] for r in rows]
    alpha = krippendorff_alpha(*codings)
    assert alpha == pytest.approx(0.743, abs=5e-4)
    assert alpha == pytest.approx(_alpha_by_hand(*codings), abs=1e-12)


def test_confusion_counts_every_class_either_coder_used():
    tab = confusion(["mastery", "outcome", None, "unclear"], ["mastery", "mastery", "outcome", "outcome"])
    assert list(tab.index) == ["mastery", "outcome", "unclear"]
    assert tab.to_numpy().tolist() == [[1, 0, 0], [1, 0, 0], [0, 1, 0]]


def _fleiss_cohen_everitt(tab):
    """The hand-written kappa SEs that statsmodels replaced (issue 20), kept here as the check."""
    p = tab / tab.sum()
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    po, pe = float(np.trace(p)), float(rows @ cols)
    kappa = (po - pe) / (1.0 - pe)
    a_term = float(np.sum(np.diag(p) * (1.0 - (rows + cols) * (1.0 - kappa)) ** 2))
    off = p.copy()
    np.fill_diagonal(off, 0.0)
    b_term = (1.0 - kappa) ** 2 * float(np.sum(off * (cols[:, None] + rows[None, :]) ** 2))
    var = (a_term + b_term - (kappa - pe * (1.0 - kappa)) ** 2) / (tab.sum() * (1.0 - pe) ** 2)
    e = np.outer(rows, cols)
    var0 = (float(np.sum(e * (np.eye(len(rows)) - (cols[:, None] + rows[None, :])) ** 2)) - pe ** 2) / (
        tab.sum() * (1.0 - pe) ** 2)
    return kappa, np.sqrt(var), np.sqrt(var0)


def test_kappa_from_statsmodels_equals_the_hand_written_formulas():
    from analysis.goals.agreement import cohen_kappa, confusion

    rng = np.random.default_rng(20)
    for _ in range(100):
        k, n = int(rng.integers(2, 6)), int(rng.integers(8, 80))
        a = rng.integers(0, k, n).astype(str)
        b = np.where(rng.random(n) < 0.6, a, rng.integers(0, k, n).astype(str))
        tab = confusion(a, b).to_numpy(dtype=float)
        if len(tab) < 2:
            continue
        kappa, se, se0 = _fleiss_cohen_everitt(tab)
        got = cohen_kappa(a, b)
        assert abs(got["kappa"] - kappa) <= 1e-14 and abs(got["se"] - se) <= 1e-14
        assert abs(got["se0"] - se0) <= 1e-14

"""EFA, KMO, Bartlett, parallel analysis and polychoric against psych 2.2.9 (tests/reference/psychometrics/efa.R)."""

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.errors import DataError
from analysis.formatting.apa import apa
from analysis.psychometrics import bartlett, efa, kmo, parallel_analysis, polychoric

from .conftest import REF

# psych's minres stops when R's L-BFGS-B sees a relative change of f below 2e-9; we converge fully.
# Loadings therefore agree to ~2e-6 (measured max 1.5e-6), not to machine precision.
FA_TOL = 3e-6


@pytest.fixture(scope="module")
def ref():
    return json.loads((REF / "efa_psych.json").read_text())


@pytest.fixture(scope="module")
def items(bfi):
    return bfi.iloc[:, :25]


@pytest.mark.parametrize("rotation,psych_name", [("oblimin", "oblimin"), ("varimax", "varimax"),
                                                 ("promax", "promax"), ("geomin", "geominQ"), ("none", "none")])
def test_fa_equals_psych(items, ref, rotation, psych_name):
    res = efa(items, 5, rotation=rotation)
    r = ref["fa"][psych_name]
    assert_allclose(res.loadings.to_numpy(), np.array(r["loadings"]), atol=FA_TOL)
    assert_allclose(res.communality.to_numpy(), r["communality"], atol=FA_TOL)
    assert_allclose(res.eigenvalues, r["values"], atol=FA_TOL)
    if r.get("Phi"):
        assert_allclose(res.phi.to_numpy(), np.array(r["Phi"]), atol=FA_TOL)
    else:
        assert res.phi is None


def test_kmo_and_bartlett_equal_psych(items, ref):
    k = kmo(items)
    assert_allclose(k.overall, ref["kmo"]["msa"], atol=1e-12)
    assert_allclose(k.summary()["msa"].iloc[0], ref["kmo"]["msa"], atol=1e-12)
    assert_allclose(k.table()["msa"].to_numpy(), ref["kmo"]["msai"], atol=1e-12)
    assert k.table()["item"].tolist() == list(items.columns)
    b = bartlett(items).table().iloc[0]
    assert_allclose(b["statistic"], ref["bartlett"]["chisq"], rtol=1e-12)
    assert b["df"] == ref["bartlett"]["df"] and b["n"] == ref["bartlett"]["n"]
    assert b["p_val"] == ref["bartlett"]["p"] == 0.0
    # p from the survival function, not the density (factor_analyzer PR #66): a small case
    small = items.iloc[:40, :4]
    bb = bartlett(small).table().iloc[0]
    from scipy import stats
    assert bb["p_val"] == pytest.approx(stats.chi2.sf(bb["statistic"], 6), rel=1e-12)
    assert bb["p_val"] != pytest.approx(stats.chi2.pdf(bb["statistic"], 6), rel=1e-3)


def test_parallel_analysis(items, ref):
    pa = parallel_analysis(items, n_iter=20, seed=42)
    # deterministic parts equal psych; the random part uses numpy's stream, not R's
    assert_allclose(pa["pc_observed"], ref["parallel"]["pc_values"], atol=1e-10)
    assert_allclose(pa["fa_observed"], ref["parallel"]["fa_values"], atol=FA_TOL)
    assert pa.n_factors == ref["parallel"]["nfact"] == 6
    assert pa.n_components == ref["parallel"]["ncomp"] == 6
    assert pa.table()["position"].tolist() == list(range(1, 26))
    small = items.iloc[:300, :8]
    assert parallel_analysis(small, n_iter=3, seed=1).table().equals(parallel_analysis(small, n_iter=3, seed=1).table())


def test_polychoric_equals_psych(items, ref):
    res = polychoric(items.iloc[:, :10])
    assert_allclose(res.tau.to_numpy(), np.array(ref["polychoric"]["tau"]), atol=1e-12)
    # psych's optimize() stops at tol ≈ 1.2e-4 in ρ; measured max |Δ| 2e-5
    rho_r = np.array(ref["polychoric"]["rho"])
    assert_allclose(res.rho.to_numpy(), rho_r, atol=5e-5)
    # the tidy table: one row per pair, in the order of the lower triangle by column, equal to the matrix
    t = res.table()
    assert len(t) == 45 and list(t.iloc[0][["item_1", "item_2"]]) == ["A1", "A2"]
    i, j = np.tril_indices(10, -1)
    order = np.lexsort((i, j))
    assert_allclose(t["estimate"].to_numpy(), rho_r[i[order], j[order]], atol=5e-5)
    assert (t["n"] <= len(items)).all() and t["n"].iloc[0] == int(items[["A1", "A2"]].notna().all(axis=1).sum())


def test_efa_apa_and_errors(items):
    res = efa(items, 5)
    text = apa(res).statistic
    assert text.startswith("KMO = .85, Bartlett's χ²(300) = 20163.79, p < .001; 5 factor(s)")
    with pytest.raises(DataError, match="n_factors"):
        efa(items, 30)
    with pytest.raises(DataError, match="rotation"):
        efa(items, 2, rotation="equimax-ish")
    with pytest.raises(DataError, match="integer"):
        polychoric(pd.DataFrame({"a": [1.5, 2, 3], "b": [1, 2, 3]}))


@pytest.mark.parametrize("values, said", [
    ({"a": [1.5, 2, 3], "b": [1, 2, 3], "c": [1, 2, 2.25]},
     "file 'x.csv', column(s) 'a', 'c': polychoric correlations need integer response codes, and these hold other "
     "numbers. Recode the answers to whole response codes, or use Pearson correlations"),
    ({"a": [1, 2, 3, 9], "b": [1, 2, 3, 10], "c": [1, 1, 2, 2]},
     "file 'x.csv', column(s) 'a', 'b': 10 response categories: polychoric correlations are meant for ≤ 8; use "
     "Pearson correlations for these items"),
])
def test_polychoric_refusals_name_the_columns_and_what_to_do(values, said):
    frame = pd.DataFrame(values)
    frame.attrs["source"] = "x.csv"
    with pytest.raises(DataError) as caught:
        polychoric(frame)
    assert " ".join(str(caught.value).split()) == said


def test_old_shapes_still_work_for_one_release(items):
    """kmo's Series keys, bartlett's chisq, parallel_analysis's attrs and polychoric's tuple warn and work."""
    small = items.iloc[:300, :6]
    k = kmo(small)
    with pytest.warns(FutureWarning, match=r'KMOResult.\["overall"\] is renamed KMOResult.overall'):
        assert k["overall"] == k.overall
    with pytest.warns(FutureWarning, match=r'msa\["A2"\]'):
        assert k["A2"] == k.msa["A2"]
    b = bartlett(small)
    with pytest.warns(FutureWarning, match="BartlettResult.chisq is renamed BartlettResult.statistic"):
        assert float(b.chisq.iloc[0]) == b.statistic
    with pytest.warns(FutureWarning, match="statistic"):
        assert float(b["chisq"].iloc[0]) == b.statistic
    pa = parallel_analysis(small, n_iter=2, seed=3)
    with pytest.warns(FutureWarning, match="ParallelAnalysisResult.attrs is renamed"):
        assert pa.attrs["n_factors"] == pa.n_factors and pa.attrs["seed"] == 3
    res = polychoric(small.iloc[:, :3])
    with pytest.warns(FutureWarning, match="PolychoricResult.*rho and .tau"):
        rho, tau = res
    assert rho is res.rho and tau is res.tau
    with pytest.warns(FutureWarning, match="PolychoricResult"):
        assert res[0] is res.rho
    e = efa(small, 2)
    with pytest.warns(FutureWarning, match=r"EFAResult.apa_text is renamed EFAResult.apa\(\)"):
        assert e.apa_text == str(e.apa())

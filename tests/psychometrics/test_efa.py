"""EFA, KMO, Bartlett, parallel analysis and polychoric against psych 2.2.9 (tests/reference/psychometrics/efa.R)."""

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.errors import DataError
from analysis.psychometrics import bartlett, efa, kmo, parallel_analysis, polychoric
from analysis.report.apa import apa

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
    assert_allclose(k["overall"], ref["kmo"]["msa"], atol=1e-12)
    assert_allclose(k.iloc[:-1].to_numpy(), ref["kmo"]["msai"], atol=1e-12)
    b = bartlett(items).iloc[0]
    assert_allclose(b["chisq"], ref["bartlett"]["chisq"], rtol=1e-12)
    assert b["df"] == ref["bartlett"]["df"] and b["n"] == ref["bartlett"]["n"]
    assert b["p_val"] == ref["bartlett"]["p"] == 0.0
    # p from the survival function, not the density (factor_analyzer PR #66): a small case
    small = items.iloc[:40, :4]
    bb = bartlett(small).iloc[0]
    from scipy import stats
    assert bb["p_val"] == pytest.approx(stats.chi2.sf(bb["chisq"], 6), rel=1e-12)
    assert bb["p_val"] != pytest.approx(stats.chi2.pdf(bb["chisq"], 6), rel=1e-3)


def test_parallel_analysis(items, ref):
    pa = parallel_analysis(items, n_iter=20, seed=42)
    # deterministic parts equal psych; the random part uses numpy's stream, not R's
    assert_allclose(pa["pc_observed"], ref["parallel"]["pc_values"], atol=1e-10)
    assert_allclose(pa["fa_observed"], ref["parallel"]["fa_values"], atol=FA_TOL)
    assert pa.attrs["n_factors"] == ref["parallel"]["nfact"] == 6
    assert pa.attrs["n_components"] == ref["parallel"]["ncomp"] == 6
    small = items.iloc[:300, :8]
    assert parallel_analysis(small, n_iter=3, seed=1).equals(parallel_analysis(small, n_iter=3, seed=1))


def test_polychoric_equals_psych(items, ref):
    rho, tau = polychoric(items.iloc[:, :10])
    assert_allclose(tau.to_numpy(), np.array(ref["polychoric"]["tau"]), atol=1e-12)
    # psych's optimize() stops at tol ≈ 1.2e-4 in ρ; measured max |Δ| 2e-5
    assert_allclose(rho.to_numpy(), np.array(ref["polychoric"]["rho"]), atol=5e-5)


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

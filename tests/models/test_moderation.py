"""moderation / moderated_mediation against lm + vcov (simple slopes, Johnson–Neyman; also HC3 via
sandwich) and lavaan ':=' point estimates (tests/reference/models/moderation.R) on bfi scales."""

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.errors import DataError
from analysis.formatting.apa import apa
from analysis.models import moderated_mediation, moderation

from .conftest import load_csv, load_json

REF = load_json("moderation_bfi.json")
BFI = load_csv("bfi_scales.csv")


@pytest.mark.parametrize("key, scaling, hc3", [("center", "center", False), ("standardize", "standardize", False),
                                               ("center_hc3", "center", True)])
def test_slopes_and_jn_match_r(key, scaling, hc3):
    ref = REF[key]
    res = moderation(BFI, x="E", w="C", y="N", covar="gender", scaling=scaling, hc3=hc3)
    co = pd.DataFrame(ref["coef"])
    co["term"] = co.term.map({"(Intercept)": "Intercept", "x": "E", "w": "C", "x:w": "E:C", "gender": "gender"})
    co = co.set_index("term").loc[list(res.coefficients.term)]
    assert_allclose(res.coefficients.estimate, co.estimate, atol=1e-10)
    assert_allclose(res.coefficients.se, co.se, atol=1e-10)
    ss = pd.DataFrame(ref["slopes"])
    for c in ["w_value", "estimate", "se", "t", "ci_low", "ci_high"]:
        assert_allclose(res.simple_slopes[c], ss[c], atol=1e-9, err_msg=c)
    assert_allclose(res.simple_slopes.p_val, ss.p_val, rtol=1e-7)
    assert list(res.simple_slopes.level) == ["−1 SD", "mean", "+1 SD"]
    assert_allclose(res.johnson_neyman.w_value, ref["jn"], atol=1e-8)
    assert list(res.johnson_neyman.within_range) == [BFI.C.min() <= v <= BFI.C.max() for v in ref["jn"]]


def test_jn_text_and_apa():
    res = moderation(BFI, x="E", w="C", y="N", covar="gender")
    lo, hi = REF["center"]["jn"]
    assert res.jn_text.startswith(f"the slope of E is significant when C < {lo:.3f} or C > {hi:.3f}")
    a = apa(res)
    assert a.statistic.startswith("t(2795) = −2.74")
    assert "Johnson–Neyman" in a.full_result
    assert list(a.table["C at"]) == ["−1 SD", "mean", "+1 SD"]


def test_plot(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    res = moderation(BFI, x="E", w="C", y="N")
    fig = res.plot(path=tmp_path / "inter.png")
    assert (tmp_path / "inter.png").stat().st_size > 1000
    lines = fig.axes[0].get_lines()
    b = res.coefficients.set_index("term").estimate
    # the +1 SD line's slope over the original x scale equals the simple slope at +1 SD
    slopes = sorted((ln.get_ydata()[-1] - ln.get_ydata()[0]) / (ln.get_xdata()[-1] - ln.get_xdata()[0])
                    for ln in lines if len(ln.get_xdata()) == 50)
    assert_allclose(sorted(slopes), sorted(res.simple_slopes.estimate), atol=1e-10)
    assert b["E:C"] < 0


@pytest.mark.parametrize("stage, labels", [
    ("first", {"index of moderated mediation": "imm", "A ~ C": "a1", "A ~ E": "a2", "A ~ C:E": "a3",
               "N ~ C": "cp", "N ~ A": "b"}),
    ("second", {"index of moderated mediation": "imm", "A ~ C": "a", "N ~ C": "cp", "N ~ A": "b1",
                "N ~ E": "b2", "N ~ A:E": "b3"}),
])
def test_moderated_mediation_matches_lavaan(stage, labels):
    res = moderated_mediation(BFI, x="C", m="A", y="N", w="E", stage=stage, n_boot=500, seed=1)
    ref = REF[stage]
    p = res.paths.set_index("path").estimate
    for ours, lab in labels.items():
        assert p[ours] == pytest.approx(ref[lab], abs=1e-10), ours
    cond = res.paths[res.paths.kind == "conditional"].estimate.to_numpy()
    assert_allclose(cond, [ref["lo"], ref["mid"], ref["hi"]], atol=1e-10)
    assert res.index.estimate == pytest.approx(ref["imm"], abs=1e-10)


def test_moderated_mediation_bootstrap_consistency():
    res = moderated_mediation(BFI, x="C", m="A", y="N", w="E", stage="second", n_boot=1000, seed=4, ci_method="bca")
    draws = res.boot["index of moderated mediation"]
    assert res.index.se == pytest.approx(draws.std(ddof=1))
    # the index equals the difference of conditional indirect effects per SD of w, in every draw
    b = res.boot
    diff = (b.iloc[:, 3] - b.iloc[:, 1]) / (2 * BFI.E.std())
    assert_allclose(diff, draws, atol=1e-12)
    assert apa(res).estimate.startswith("index = −0.028, 95% BCa CI")


def test_bad_input():
    with pytest.raises(DataError, match="scaling"):
        moderation(BFI, "E", "C", "N", scaling="zscore")
    with pytest.raises(DataError, match="stage"):
        moderated_mediation(BFI, "C", "A", "N", "E", stage="both")
    with pytest.raises(DataError, match="more than one role"):
        moderation(BFI, "E", "E", "N")


@pytest.mark.parametrize("level, label", [(0.95, "95% CI"), (0.90, "90% CI"), (0.99, "99% CI")])
def test_apa_names_the_confidence_level_that_ran(level, label):
    # the interval's label follows level= (it said 95% whatever the level)
    res = moderation(BFI, x="E", w="C", y="N", covar="gender", level=level)
    a = apa(res)
    assert a.estimate.startswith("b = −0.05, " + label + " [")
    assert f"b = −0.05, {label} [" in a.full_result
    assert list(a.table.columns) == ["C at", "C", "Slope", "SE", label, "t", "p"]

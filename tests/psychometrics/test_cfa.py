"""CFA by ML against lavaan 0.6-14 (tests/reference/psychometrics/cfa.R) on HolzingerSwineford1939 and bfi."""

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.errors import DataError
from analysis.formatting.apa import apa
from analysis.psychometrics import cfa, compare_models, competing_models
from analysis.psychometrics.syntax import build_spec, parse_model

from .conftest import REF

LAVAAN_FIT = {"npar": "npar", "chisq": "chisq", "df": "df", "pvalue": "p_val", "baseline.chisq": "baseline_chisq",
              "baseline.df": "baseline_df", "cfi": "cfi", "tli": "tli", "rmsea": "rmsea",
              "rmsea.ci.lower": "rmsea_ci_low", "rmsea.ci.upper": "rmsea_ci_high", "srmr": "srmr",
              "logl": "loglik", "unrestricted.logl": "loglik_unrestricted", "aic": "aic", "bic": "bic",
              "ntotal": "n"}


@pytest.fixture(scope="module")
def ref():
    return json.loads((REF / "cfa_lavaan.json").read_text())


def assert_matches_lavaan(res, ref_case, grouped=False):
    for theirs, mine in LAVAAN_FIT.items():
        assert_allclose(res.fit_indices[mine], ref_case["fit"][theirs], rtol=0, atol=1e-3, err_msg=mine)
    keys = ["lhs", "op", "rhs"] + (["group"] if grouped else [])
    est = res.estimates.set_index(keys)
    assert len(est) == len(ref_case["estimates"])
    for row in ref_case["estimates"]:
        got = est.loc[tuple(row[k] for k in keys)]
        assert_allclose([got["est"], got["se"], got["std_all"]], [row["est"], row["se"], row["std.all"]],
                        rtol=0, atol=1e-3, err_msg=str(row))
        if "z" in row:
            assert_allclose([got["z"], got["p_val"]], [row["z"], row["pvalue"]], rtol=0, atol=1e-3)
        else:
            assert np.isnan(got["z"]) and got["se"] == 0


@pytest.mark.parametrize("case", ["hs3", "hs2", "hs3_cov"])
def test_holzinger_swineford_equals_lavaan(hs, ref, case):
    res = cfa(hs, ref[case]["model"])
    assert_matches_lavaan(res, ref[case])
    assert res.nan_policy == "listwise" and res.n_excluded == 0


@pytest.mark.parametrize("case", ["bfi3", "bfi1"])
def test_bfi_equals_lavaan_with_listwise_deletion(bfi_keyed, ref, case):
    res = cfa(bfi_keyed, ref[case]["model"])
    assert_matches_lavaan(res, ref[case])
    assert res.n + res.n_excluded == len(bfi_keyed)


def test_fit_indices_are_much_closer_than_required(hs, ref):
    # the fit indices agree with lavaan to ~1e-7 (lavaan's own optimiser tolerance)
    res = cfa(hs, ref["hs3"]["model"])
    for theirs, mine in LAVAAN_FIT.items():
        assert abs(res.fit_indices[mine] - ref["hs3"]["fit"][theirs]) < 1e-6, mine


def test_instrument_structure_uses_keys_once(bfi, bfi_key, bfi_keyed, ref):
    # the declared structure of a key (one factor per scale) with its reverse keys == lavaan on keyed items
    from analysis.instruments.registry import instrument_from_dict

    from .conftest import BFI_KEY

    three = dict(BFI_KEY, scales={s: BFI_KEY["scales"][s] for s in ("agree", "consc", "open")})
    res = cfa(bfi, instrument=instrument_from_dict(three))
    assert_allclose(res.fit_indices["chisq"], ref["bfi3"]["fit"]["chisq"], atol=1e-3)
    same = cfa(bfi, ref["bfi3"]["model"], instrument=instrument_from_dict(three))
    assert_allclose(same.fit_indices["chisq"], ref["bfi3"]["fit"]["chisq"], atol=1e-3)


def test_model_comparison_equals_lavaan_anova(hs, ref):
    cmp = compare_models(hs, {"three": ref["hs3"]["model"], "two": ref["hs2"]["model"]})
    a = ref["anova_hs2_hs3"]
    assert list(cmp["model"]) == ["three", "two"]
    assert_allclose(cmp.loc[1, "chisq_diff"], a["chisq_diff"], atol=1e-3)
    assert cmp.loc[1, "df_diff"] == a["df_diff"]
    assert_allclose(cmp.loc[1, "p_diff"], a["p"], atol=1e-12)
    assert_allclose(cmp["aic"], a["aic"], atol=1e-3)
    assert_allclose(cmp["bic"], a["bic"], atol=1e-3)
    assert_allclose(cmp.loc[1, "aic_diff"], a["aic"][1] - a["aic"][0], atol=1e-3)


def test_apa_text(hs, ref):
    res = cfa(hs, ref["hs3"]["model"])
    text = "χ²(24) = 85.31, p < .001, CFI = .93, TLI = .90, RMSEA = .09 [.07, .11], SRMR = .07"
    assert res.apa() == text and apa(res).statistic == text
    with pytest.warns(FutureWarning, match=r"CFAResult.apa_text is renamed CFAResult.apa\(\)"):
        assert res.apa_text == text
    assert list(res.factor_correlations().columns) == ["visual", "textual", "speed"]


def test_goal_models_for_a_2x2_instrument():
    rng = np.random.default_rng(11)
    # four goals correlating .5 (a common factor plus unique parts), three items each loading .8;
    # elementwise arithmetic only, so the draws are the same on every CPU
    f = np.sqrt(0.5) * rng.normal(size=(800, 1)) + np.sqrt(0.5) * rng.normal(size=(800, 4))
    x = np.clip(np.round(4 + 0.8 * np.repeat(f, 3, axis=1) + rng.normal(scale=0.9, size=(800, 12))), 1, 7)
    df = pd.DataFrame(x, columns=[f"AGQ_{i}" for i in range(1, 13)])
    cols = {i: f"AGQ_{i}" for i in range(1, 13)}
    models = competing_models("agq", cols)
    cmp = compare_models(df, models, instrument="agq", columns="AGQ_{n}")
    assert list(cmp["model"]) == ["2x2", "trichotomous", "mastery_performance"]
    assert list(cmp["df"]) == [48, 51, 53]
    assert cmp.loc[0, "aic_diff"] == 0.0


def test_bad_models_and_data(hs):
    with pytest.raises(DataError, match="no factor"):
        parse_model("x1 ~~ x2")
    with pytest.raises(DataError, match="regressions"):
        parse_model("f =~ x1 + x2\n y ~ x1")
    with pytest.raises(DataError, match="does not have|do not have"):
        cfa(hs, "f =~ x1 + x2 + nope")
    bad = hs.copy().astype({"x1": object})
    bad.loc[3, "x1"] = "4,5"
    with pytest.raises(DataError, match=r"^cfa: row with index 3, column 'x1', value '4,5' is not a number"):
        cfa(bad, "f =~ x1 + x2 + x3")
    bad.attrs.update(source="hs.csv", first_row=2)   # as read_table sets them: the file row, not the index
    with pytest.raises(DataError, match=r"^cfa: file 'hs.csv', row 5, column 'x1', value '4,5' is not a number"):
        cfa(bad, "f =~ x1 + x2 + x3")
    bad.loc[3, "x1"] = "n/a"   # a "no answer" token is missing, as in scoring: listwise, one respondent fewer
    assert cfa(bad, "f =~ x1 + x2 + x3").n == len(hs) - 1


def test_parser_modifiers():
    spec = build_spec("f =~ NA*x1 + a*x2 + a*x3\n f ~~ 1*f\n x1 ~~ 0*x2")
    lam = [p for p in spec.params if p.op == "=~"]
    assert lam[0].free and lam[1].free == lam[2].free and lam[1].label == "a"
    assert [p.value for p in spec.params if p.lhs == "f" and p.op == "~~"] == [1.0]


def test_total_scales_are_not_factors():
    from analysis.instruments.registry import load_instrument
    from analysis.psychometrics.syntax import facet_scales, model_from_instrument

    grit = load_instrument("grit-s")
    facets = facet_scales(grit)
    assert len(facets) == len(grit.scales) - 1 and "grit" not in facets
    assert model_from_instrument(grit, {i: f"grit_{i}" for i in grit.all_items}).count("=~") == 2


def test_two_indicators_per_factor_equal_lavaan():
    # the 3×2 short form (six correlated goals, two items each) on agq_3x2_short.csv: identified because
    # the factors correlate (tests/reference/psychometrics/cfa_short_form.R)
    ref = json.loads((REF / "cfa_short_form_lavaan.json").read_text())["six_factor"]
    short = pd.read_csv(REF / "agq_3x2_short.csv")
    res = cfa(short, ref["model"])
    assert_matches_lavaan(res, ref)
    assert (res.n, res.n_excluded) == (237, 3)
    for key in ("chisq", "cfi", "tli", "rmsea", "srmr", "bic"):
        assert_allclose(res.fit_indices[LAVAAN_FIT.get(key, key)], ref["fit"][key], rtol=0, atol=1e-6)


#: four items, x3 = x1 + x2 exactly (integers: the dependency is exact on every machine)
DEPENDENT = pd.DataFrame({"x1": [1, 2, 3, 4, 5, 2, 3, 4, 1, 5], "x2": [2, 1, 3, 3, 4, 5, 1, 2, 2, 4],
                          "x3": [3, 3, 6, 7, 9, 7, 4, 6, 3, 9], "x4": [5, 3, 1, 4, 2, 2, 4, 3, 5, 1]})
SINGULAR = ("the items' covariance matrix is singular (an item is constant or a linear combination of others); "
            "drop one of these items, or check the data")


@pytest.mark.parametrize("nan_policy", ["listwise", "fiml"])
@pytest.mark.parametrize("x4, said", [
    (DEPENDENT["x4"], f"column(s) 'x1', 'x2', 'x3': {SINGULAR}"),
    (3, {"listwise": f"column(s) 'x4': {SINGULAR}",
         "fiml": "column(s) 'x4': no variance among the answers; drop it, or check the data"}),
], ids=["linear_combination", "constant"])
def test_singular_items_are_refused_with_the_items_behind_it(nan_policy, x4, said):
    data = DEPENDENT.assign(x4=x4)
    with pytest.raises(DataError) as caught:
        cfa(data, "f =~ x1 + x2 + x3 + x4", nan_policy=nan_policy)
    said = said[nan_policy] if isinstance(said, dict) else said
    assert " ".join(str(caught.value).split()) == said


NAME_HINT = "Name a factor or a column with letters, digits, '_' and '.', not starting with a digit."


@pytest.mark.parametrize("model, said, parts", [
    ("", "model='' is empty; write it as lavaan syntax, e.g. 'f1 =~ x1 + x2 + x3'", {"argument": "model"}),
    ("x1 ~~ x2", "model='x1 ~~ x2' has no factor; write at least one 'factor =~ item1 + item2 + item3'",
     {"argument": "model"}),
    ("f =~ x1 + x2\nfoo bar", "model syntax: line 2, value 'foo bar' is not a statement of the form 'f =~ x1 + x2', "
     "'x ~~ y' or 'x ~ 1'. Write one statement per line with the operator =~, ~~ or ~ 1.",
     {"line": 2, "value": "foo bar"}),
    ("f =~ x1 + x2\n y ~ x1", "model syntax: line 2, value 'y ~ x1': regressions are not part of a CFA; only "
     "'x ~ 1' is allowed. Leave the regression out, or write 'x ~ 1' for an intercept.", {"line": 2, "value": "y ~ x1"}),
    ("1f =~ x1", f"model syntax: line 1, value '1f' is not a variable name. {NAME_HINT}", {"line": 1, "value": "1f"}),
    ("# items\nf =~ x1 + 2x", f"model syntax: line 2, value '2x' is not a variable name. {NAME_HINT}",
     {"line": 2, "value": "2x"}),
    ("f =~ x1 + b-c*x2", "model syntax: line 1, value 'b-c*x2': modifier 'b-c' is not a number, NA or a label. Write "
     "1*x to fix a loading, NA*x to free it, or a*x to label it.", {"line": 1, "value": "b-c*x2"}),
    # a ';' in a comment starts no statement, and statements after a ';' keep the line they are on
    ("f =~ x1; g =~ x2 # c; d\ng =~ f", "model syntax: line 2, value 'g =~ f': higher-order factors are not supported. "
     "Give each factor observed columns as its indicators.", {"line": 2, "value": "g =~ f"}),
    ("f =~ x1 + x2\n\nf ~~ x1", "model syntax: line 3, value 'f ~~ x1': a (co)variance cannot join a factor and an "
     "observed variable. Write ~~ between two factors or between two observed columns.",
     {"line": 3, "value": "f ~~ x1"}),
], ids=["empty", "no_factor", "no_operator", "regression", "bad_lhs", "bad_rhs", "bad_modifier", "higher_order",
        "mixed_covariance"])
def test_a_model_refusal_names_its_line_and_term(model, said, parts):
    with pytest.raises(DataError) as caught:
        build_spec(model)
    assert " ".join(str(caught.value).split()) == said
    assert parts.items() <= caught.value.parts().items() and "hint" in caught.value.parts()


def test_unknown_equality_constraints_and_unusable_column_names_are_refused_with_what_to_use():
    from analysis.instruments.registry import load_instrument
    from analysis.psychometrics.syntax import model_from_instrument

    with pytest.raises(DataError) as caught:
        build_spec("f =~ x1 + x2 + x3", group_equal=["loadings", "slopes"])
    assert " ".join(str(caught.value).split()) == (
        "group_equal=['loadings', 'slopes'] names unknown constraint(s) slopes; use loadings, intercepts, residuals, "
        "residual.covariances, lv.variances, lv.covariances, means")
    grit = load_instrument("grit-s")
    with pytest.raises(DataError) as caught:
        model_from_instrument(grit, {i: f"grit {i}" for i in grit.all_items})
    assert " ".join(str(caught.value).split()) == (
        "column(s) 'grit 1', 'grit 3', 'grit 5', 'grit 6' cannot be used in a model; rename them (letters, digits, "
        "'_' and '.', not starting with a digit)")

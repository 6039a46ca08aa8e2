"""The analysis commands (``regression``, ``moderation``, ``mixed``, ``profiles``, ``efa``) run through
``analysis.cli.main`` on score files, their written tables checked against the R references the
library tests use (same tolerances), the kept-respondent rule, ``--help`` and the user errors."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.cli import build_parser, main

from .conftest import REF, load_json
from messages import says
from refused import refused

PSY = REF.parent / "psychometrics"
REG = load_json("regression_bfi.json")
MOD = load_json("moderation_bfi.json")
SCREENED = load_json("screened.json")


def run(argv, capsys):
    """(exit code, stdout, stderr) of one command, as the shell would see them."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as stop:
        code = stop.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "unexpected error" not in out + err, out + err
    return code, out, err


@pytest.fixture(scope="module")
def bfi_complete(tmp_path_factory):
    """bfi_scales.csv on the rows regression.R keeps (complete on the model columns and education)."""
    d = pd.read_csv(REF / "bfi_scales.csv")
    d = d.dropna(subset=["N", "A", "C", "E", "O", "age", "gender", "education"])
    path = tmp_path_factory.mktemp("bfi") / "bfi_complete.csv"
    d.to_csv(path, index=False)
    return path


def _coef_match(table: pd.DataFrame, ref: dict, stat: str = "t"):
    r = pd.DataFrame(ref).replace({"term": {"(Intercept)": "Intercept"}})
    assert sorted(table.term) == sorted(r.term)     # patsy puts an interaction after the main effects
    r = r.set_index("term").loc[list(table.term)].reset_index()
    for c in ("estimate", "se", "ci_low", "ci_high"):
        assert_allclose(table[c], r[c], atol=1e-9, rtol=0, err_msg=c)
    ours = table[stat] if stat in table else table["statistic"]
    assert_allclose(ours, r[stat], atol=1e-8, rtol=0)
    assert_allclose(table.p_val, r.p_val, rtol=1e-7, atol=1e-300)


# --- regression -------------------------------------------------------------------------------------
def test_regression_ols_equals_lm(bfi_complete, tmp_path, capsys):
    out = tmp_path / "ols.csv"
    code, text, _ = run(["regression", bfi_complete, "--y", "N", "--x", "age,gender,A,C,E,O", "-o", out], capsys)
    assert code == 0
    t = pd.read_csv(out)
    _coef_match(t, REG["ols"]["coef"])
    assert_allclose(t.beta[1:], REG["ols"]["beta"], atol=1e-9)
    assert f"(N = {REG['ols']['n']})" in text and "R² = " in text and f"wrote {out}" in text


def test_regression_hc3_equals_sandwich(bfi_complete, tmp_path, capsys):
    out = tmp_path / "hc3.csv"
    assert run(["regression", bfi_complete, "--y", "N", "--x", "age,gender,A,C,E,O", "--hc3", "-o", out], capsys)[0] == 0
    _coef_match(pd.read_csv(out), REG["ols"]["hc3"])


def test_regression_steps_equal_anova(bfi_complete, tmp_path, capsys):
    """--covar is step 1, each --block a later step: anova(lm(N ~ age + gender), lm(N ~ age + gender + A + C + E + O))."""
    out = tmp_path / "steps.csv"
    code, text, _ = run(["regression", bfi_complete, "--y", "N", "--covar", "age,gender", "--block", "A,C,E,O",
                         "-o", out], capsys)
    assert code == 0
    s, h = pd.read_csv(out), REG["ols"]["hier"]
    assert s.step.tolist() == [1, 2] and s.predictors.tolist() == ["age, gender", "A, C, E, O"]
    assert s.r2.tolist() == pytest.approx([h["r2_1"], h["r2_2"]], abs=1e-12)
    assert s.estimate[1] == pytest.approx(h["delta_r2"], abs=1e-12)
    assert s.statistic[1] == pytest.approx(h["f_change"], abs=1e-8)
    assert s.statistic[0] == pytest.approx(h["f_1"], abs=1e-8)
    assert [s.df1[1], s.df2[1]] == [h["df1"], h["df2"]]
    assert s.p_val[1] == pytest.approx(h["p_change"], rel=1e-7)
    assert "step 2 (A, C, E, O): ΔR² = " in text


def test_regression_formula_equals_lm(bfi_complete, tmp_path, capsys):
    out = tmp_path / "inter.csv"
    assert run(["regression", bfi_complete, "--formula", "N ~ E * C + age", "-o", out], capsys)[0] == 0
    _coef_match(pd.read_csv(out), REG["interaction"]["coef"])


def test_regression_logistic_equals_glm(bfi_complete, tmp_path, capsys):
    out = tmp_path / "logit.csv"
    code, text, _ = run(["regression", bfi_complete, "--y", "N", "--x", "E,C", "--covar", "age,gender",
                         "--family", "logistic", "--threshold", "4", "-o", out], capsys)
    assert code == 0
    t = pd.read_csv(out)
    _coef_match(t, REG["logistic"]["coef"], stat="z")
    assert_allclose(t.odds_ratio, np.exp(t.estimate), rtol=1e-12)
    assert f"χ²({REG['logistic']['lr_df']}, N = {REG['logistic']['n']})" in text


def test_regression_negative_binomial_equals_glm_nb(tmp_path, capsys):
    out = tmp_path / "nb.csv"
    goals = "mastery_approach,performance_approach,mastery_avoidance,performance_avoidance"
    code, text, _ = run(["regression", REF / "demo_exams.csv", "--y", "extra_tasks", "--x", goals,
                         "--family", "negative_binomial", "-o", out], capsys)
    assert code == 0
    t, ref = pd.read_csv(out), load_json("demo_models.json")["persistence_nb"]
    rc = pd.DataFrame(ref["coefficients"])
    for ours, theirs in [("estimate", "estimate"), ("se", "se"), ("statistic", "z"), ("p_val", "p_val"),
                         ("ci_low", "ci_low"), ("ci_high", "ci_high")]:
        assert_allclose(t[ours], rc[theirs], atol=1e-8, rtol=0, err_msg=ours)
    # 4 rows lack a goal score: said, not silent
    assert "respondents: 4 left out for missing values" in text and f"N = {ref['nobs']}" in text


def test_regression_leaves_out_the_screened_respondents(tmp_path, capsys):
    """screened_bfi.csv carries goalscope run's 'excluded' column (screened.R)."""
    f = REF / "screened_bfi.csv"
    for flags, key, line in [([], "kept", "2800 analysed (14 excluded by screening)"),
                             (["--include-excluded"], "all", "2814 analysed (including the 14 excluded by screening")]:
        out = tmp_path / f"{key}.csv"
        code, text, _ = run(["regression", f, "--y", "N", "--x", "A,C,E,O", *flags, "-o", out], capsys)
        assert code == 0 and f"respondents: {line}" in text
        ref = SCREENED[key]["lm"]
        t = pd.read_csv(out)
        _coef_match(t, {k: ref[k] for k in ("term", "estimate", "se", "t", "p_val", "ci_low", "ci_high")})
        assert f"(N = {ref['n']})" in text


# --- moderation -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mod_file(tmp_path_factory):
    d = pd.read_csv(REF / "bfi_scales.csv").dropna(subset=["E", "C", "N", "gender", "A"])
    path = tmp_path_factory.mktemp("mod") / "bfi_mod.csv"
    d.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("flags,key", [([], "center"), (["--scaling", "standardize"], "standardize"),
                                        (["--hc3"], "center_hc3")])
def test_moderation_simple_slopes_equal_lm(mod_file, tmp_path, capsys, flags, key):
    out = tmp_path / "slopes.csv"
    code, text, _ = run(["moderation", mod_file, "--x", "E", "--w", "C", "--y", "N", "--covar", "gender", *flags,
                         "-o", out], capsys)
    assert code == 0
    t, ref = pd.read_csv(out), pd.DataFrame(MOD[key]["slopes"])
    assert t.kind.tolist() == ["coefficient"] * (len(t) - 3) + ["simple slope"] * 3   # the tidy table: both
    t = t[t.kind == "simple slope"].reset_index(drop=True)
    assert t.term.tolist() == [f"slope of E at {lv} C" for lv in ("−1 SD", "mean", "+1 SD")]
    for c in ("w_value", "estimate", "se", "statistic", "ci_low", "ci_high"):
        assert_allclose(t[c], ref["t" if c == "statistic" else c], atol=1e-9, err_msg=c)
    assert_allclose(t.p_val, ref.p_val, rtol=1e-7, atol=1e-300)
    # the Johnson–Neyman bounds are in the printed text (3 decimals)
    for bound in MOD[key]["jn"]:
        assert f"{bound:.3f}" in text


def test_moderation_figure(mod_file, tmp_path, capsys):
    fig = tmp_path / "interaction.png"
    assert run(["moderation", mod_file, "--x", "E", "--w", "C", "--y", "N", "--figure", fig], capsys)[0] == 0
    assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- mixed ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("flags,key", [([], "slopes_reml"), (["--ml"], "slopes_ml")])
def test_mixed_equals_lmer(tmp_path, capsys, flags, key):
    out = tmp_path / "mixed.csv"
    code, text, _ = run(["mixed", REF / "sleepstudy.csv", "--formula", "Reaction ~ Days", "--group", "Subject",
                         "--re-formula", "~Days", *flags, "-o", out], capsys)
    assert code == 0
    t, r = pd.read_csv(out), pd.DataFrame(load_json("mixed_sleepstudy.json")[key]["fixed"])
    assert_allclose(t.estimate, r.estimate, atol=1e-9, rtol=0)
    assert_allclose(t.se, r.se, atol=1e-6, rtol=0)
    assert_allclose(t.ci_low, r.ci_low, atol=1e-6, rtol=0)
    assert_allclose(t.ci_high, r.ci_high, atol=1e-6, rtol=0)
    assert ("REML" if not flags else "ML;") in text and "180 observations in 18 groups" in text


def test_mixed_wide_file_equals_lmer_on_long(tmp_path, capsys):
    """--wide reshapes one column per occasion: lmer(distance ~ age * female + (1 | Subject), Orthodont)."""
    out = tmp_path / "growth.csv"
    code, text, _ = run(["mixed", REF / "orthodont_wide.csv", "--wide", "distance8,distance10,distance12,distance14",
                         "--times", "8,10,12,14", "--id-column", "Subject", "--formula", "score ~ time * female",
                         "-o", out], capsys)
    assert code == 0
    t, r = pd.read_csv(out), pd.DataFrame(load_json("longitudinal.json")["ortho_int"]["fixed"])
    assert t.term.tolist() == ["Intercept", "time", "female", "time:female"]
    assert_allclose(t.estimate, r.estimate, atol=1e-8)
    assert_allclose(t.se, r.se, atol=1e-6)
    assert "108 observations in 27 groups of 'Subject'" in text


# --- profiles ---------------------------------------------------------------------------------------
def test_profiles_fit_indices_equal_mclust(tmp_path, capsys):
    out, classes = tmp_path / "profiles.csv", tmp_path / "classes.csv"
    code, text, _ = run(["profiles", REF / "bfi_scales.csv", "--columns", "A,C,E,O", "--k-max", "3", "--n-init", "2",
                         "--seed", "1", "--reg-covar", "0", "--tol", "1e-10", "--k", "2", "--outcomes", "N",
                         "--classes", classes, "-o", out], capsys)
    assert code == 0
    ref, t = load_json("profiles_bfi.json"), pd.read_csv(out)
    fit = pd.DataFrame(ref["fit"])
    assert t.k.tolist() == [1, 2, 3] and t.n_params.tolist() == fit.n_params.tolist()
    assert t.loglik[0] == pytest.approx(fit.loglik[0], abs=1e-8)
    # two EM implementations stop at their tolerances (tests/models/test_profiles.py)
    assert_allclose(t.loglik, fit.loglik, atol=1e-4)
    assert_allclose(t.bic, fit.bic, atol=2e-4)
    assert_allclose(t.entropy[1:], fit.entropy[1:], atol=1e-4)
    # the 2-profile classification: sizes as mclust's, rows numbered as in the file
    a2 = ref["anova"][0]
    c = pd.read_csv(classes)
    assert sorted(c.profile.value_counts().tolist(), reverse=True) == a2["sizes"]
    assert len(c) == ref["n"] and c.row.iloc[0] == 2
    assert f"{a2['f']:.2f}" in text and "seed: 1" in text


def test_profiles_without_seed_states_the_drawn_one(tmp_path, capsys):
    code, text, _ = run(["profiles", REF / "demo_exams.csv", "--columns", "mastery_*,performance_*", "--k-max", "2",
                         "--n-init", "1"], capsys)
    assert code == 0
    seed = int(re.search(r"seed: (\d+) \(drawn; pass --seed to repeat this run\)", text).group(1))
    code, again, _ = run(["profiles", REF / "demo_exams.csv", "--columns", "mastery_*,performance_*", "--k-max", "2",
                          "--n-init", "1", "--seed", seed], capsys)
    assert code == 0 and again.split("\n", 1)[1] == text.split("\n", 1)[1]


# --- efa --------------------------------------------------------------------------------------------
EFA = json.loads((PSY / "efa_psych.json").read_text())
FA_TOL = 3e-6   # psych's minres stops early (tests/psychometrics/test_efa.py)


@pytest.mark.parametrize("rotation,psych", [("oblimin", "oblimin"), ("varimax", "varimax")])
def test_efa_equals_psych_fa(tmp_path, capsys, rotation, psych):
    out = tmp_path / "efa.csv"
    code, text, _ = run(["efa", PSY / "bfi.csv", "--columns", "A?,C?,E?,N?,O?", "--n-factors", "5",
                         "--rotation", rotation, "-o", out], capsys)
    assert code == 0
    t, r = pd.read_csv(out), EFA["fa"][psych]
    assert t.item.tolist()[:3] == ["A1", "A2", "A3"] and len(t) == 25
    assert_allclose(t[[f"mr{i}" for i in range(1, 6)]].to_numpy(), np.array(r["loadings"]), atol=FA_TOL)
    assert_allclose(t.h2, r["communality"], atol=FA_TOL)
    assert f"KMO = {EFA['kmo']['msa']:.2f}".replace("0.", ".") in text


def test_efa_leaves_out_screened_rows(tmp_path, capsys):
    """Rows flagged excluded (here: 30 rows of nonsense answers) are left out, so the loadings stay psych's."""
    bfi = pd.read_csv(PSY / "bfi.csv")
    junk = bfi.head(30).copy()
    junk.iloc[:, :25] = np.tile([1, 6], (30, 13))[:, :25]
    d = pd.concat([bfi.assign(excluded=False), junk.assign(excluded=True)], ignore_index=True)
    f = tmp_path / "bfi_screened.csv"
    d.to_csv(f, index=False)
    out = tmp_path / "efa.csv"
    code, text, _ = run(["efa", f, "--columns", "A?,C?,E?,N?,O?", "--n-factors", "5", "-o", out], capsys)
    assert code == 0 and "respondents: 2800 analysed (30 excluded by screening)" in text
    t = pd.read_csv(out)
    assert_allclose(t[[f"mr{i}" for i in range(1, 6)]].to_numpy(), np.array(EFA["fa"]["oblimin"]["loadings"]),
                    atol=FA_TOL)
    code, text, _ = run(["efa", f, "--columns", "A?,C?,E?,N?,O?", "--n-factors", "5", "--include-excluded"], capsys)
    assert code == 0 and "2830 analysed (including the 30 excluded by screening" in text


# --- outputs ----------------------------------------------------------------------------------------
def test_outputs_are_byte_identical_on_a_rerun(tmp_path, capsys):
    demo = REF / "demo_exams.csv"
    for argv in (["regression", demo, "--y", "procrastination", "--x", "mastery_approach,mastery_avoidance"],
                 ["profiles", demo, "--columns", "mastery_*", "--k-max", "2", "--n-init", "2", "--seed", "5"]):
        blobs = []
        for suffix in (".csv", ".xlsx"):
            for i in range(2):
                out = tmp_path / f"{argv[0]}{i}{suffix}"
                assert run([*argv, "-o", out], capsys)[0] == 0
                blobs.append(out.read_bytes())
        assert blobs[0] == blobs[1] and blobs[2] == blobs[3]
    xlsx = pd.read_excel(tmp_path / "regression0.xlsx")
    csv = pd.read_csv(tmp_path / "regression0.csv")
    assert_allclose(xlsx.estimate, csv.estimate, rtol=1e-15)


# --- help -------------------------------------------------------------------------------------------
COMMANDS = ["regression", "moderation", "mixed", "profiles", "efa", "correlations", "mediation", "reliability", "cfa"]


def _subparser(name):
    import argparse

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]


@pytest.mark.parametrize("name", COMMANDS)
def test_help_describes_every_option_and_its_default(name, capsys):
    import argparse

    p = _subparser(name)
    assert p.description and "examples:\n" in p.epilog
    for action in p._actions:
        if action.help == argparse.SUPPRESS or isinstance(action, argparse._HelpAction):
            continue
        assert action.help, f"{name} {action.option_strings or action.dest}: no description"
        if action.option_strings:
            assert "default" in action.help or "required" in action.help, \
                f"{name} {action.option_strings[0]}: the help does not state the default: {action.help!r}"
    code, text, _ = run([name, "--help"], capsys)
    assert code == 0 and "examples:" in text


# --- user errors ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("err") / "scores.csv"
    path.write_text("id,x,w,y,z,group,label\n1,1,2,3,2,a,low\n2,2,1,5,4,a,high\n3,3,4,4,6,b,x\n4,5,3,6,10,b,high\n"
                    "5,4,5,8,8,c,low\n6,6,6,7,12,c,low\n", encoding="utf-8")
    (path.parent / "two.csv").write_text("x,w,y\n1,2,3\n2,1,5\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("argv,fragments", [
    (["regression", "{f}", "--y", "y", "--x", "x,nope"], ["file '{f}'", "'nope' are not in the data"]),
    (["regression", "{f}", "--y", "y", "--x", "x,label"], ["file '{f}'", "row 2", "column 'label'", "'low'"]),
    (["regression", "{f}", "--y", "y", "--x", "x,z"], ["file '{f}'", "perfectly collinear"]),
    (["regression", "{two}", "--y", "y", "--x", "x,w"], ["file '{two}'", "have 2 complete rows, too few for 3 coefficients"]),
    (["regression", "{f}", "--formula", "y ~ x + nope"], ["file '{f}'", "--formula 'y ~ x + nope' names 'nope'"]),
    (["regression", "{f}", "--formula", "y ~ x +"], ["file '{f}'", "--formula 'y ~ x +' cannot be read"]),
    (["regression", "{f}", "--formula", "y x"], ["--formula 'y x': write the formula as"]),
    (["regression", "{f}", "--y", "y", "--x", "x", "--level", "95"], ["'95' is not a confidence level"]),
    (["regression", "{f}", "--y", "y", "--x", "x", "--threshold", "3"], ["--family logistic"]),
    (["regression", "{f}", "--y", "y"], ["--x"]),
    (["regression", "{f}", "--x", "x", "--formula", "y ~ x"], ["either --formula"]),
    (["regression", "{f}", "--y", "y", "--x", "x", "--family", "poisson", "--hc3"], ["OLS only"]),
    (["regression", "{f}", "--y", "y", "--x", "x,w", "--covar", "w"], ["'w' is given both as a predictor and in --covar"]),
    (["moderation", "{f}", "--x", "x", "--w", "label", "--y", "y"], ["file '{f}'", "column 'label'", "'low'"]),
    (["moderation", "{f}", "--x", "x", "--w", "w", "--y", "y", "--covar", "id,group"], ["file '{f}'", "group"]),
    (["mixed", "{f}", "--formula", "y ~ x"], ["--group"]),
    (["mixed", "{f}", "--formula", "y ~ x", "--group", "nope"], ["file '{f}'", "'nope' are not in the data"]),
    (["mixed", "{f}", "--formula", "y ~ x +", "--group", "group"], ["file '{f}'", "--formula 'y ~ x +' cannot be read"]),
    (["mixed", "{f}", "--formula", "y ~ x", "--group", "group", "--re-formula", "~ slope"], ["names 'slope'"]),
    (["mixed", "{f}", "--formula", "y ~ x", "--wide", "x,nope", "--id-column", "id"], ["file '{f}'", "'nope'"]),
    (["profiles", "{f}", "--columns", "x,w", "--k-max", "3"], ["file '{f}'", "too few"]),
    (["profiles", "{f}", "--columns", "x,w", "--k-max", "0"], ["'0' is not a whole number of at least 1"]),
    (["profiles", "{f}", "--columns", "x,w", "--k", "4", "--k-max", "3"], ["--k 4 is above --k-max 3"]),
    (["profiles", "{f}", "--columns", "q*"], ["pattern 'q*' matches no column"]),
    (["efa", "{f}", "--columns", "x,w,y,label", "--n-factors", "1"], ["file '{f}'", "row 2", "column 'label'", "'low'"]),
    (["efa", "{f}", "--columns", "x,w,y", "--n-factors", "zero"], ["'zero' is not a number of factors"]),
    (["efa", "{f}", "--columns", "x,w,y", "--n-factors", "3"], ["file '{f}'", "--n-factors must be between 1 and 2"]),
    (["efa", "{f}", "--columns", "x,w,y", "--n-factors", "1", "--recode", "1:0"], ["--instrument"]),
])
def test_user_errors_are_one_message_and_exit_2(small, capsys, argv, fragments):
    names = {"f": small, "two": small.parent / "two.csv"}
    code, out, err = run([a.format(**names) for a in argv], capsys)
    assert code == 2, out + err
    for fragment in fragments:
        assert says(err, fragment.format(**names)), f"{fragment!r} not in {err!r}"


@pytest.mark.parametrize("argv, argument, value, said", [
    (["regression", "{f}", "--y", "y", "--x", "x", "--threshold", "3"], "--threshold", 3.0,
     "regression: --threshold 3.0 is for a logistic model (it dichotomises the outcome); add --family logistic"),
    (["regression", "{f}", "--y", "y"], "--x", None,
     "regression: --x is not given; give the predictors with --x (or --block for steps, or --formula)"),
    (["regression", "{f}", "--x", "x"], "--y", None, "regression: --y is not given; give --y (the outcome)"),
    (["regression", "{f}", "--x", "x", "--formula", "y ~ x"], "--formula", "y ~ x",
     "regression: --formula 'y ~ x' is given with --y/--x/--block/--covar; give either --formula or --y with "
     "--x/--block/--covar, not both (write covariates into the formula)"),
    (["regression", "{f}", "--formula", "y ~ x", "--family", "poisson"], "--family", "poisson",
     "regression: --family 'poisson' is not for a formula (a formula is for gaussian and logistic models); give "
     "the predictors as --x, with --y for the outcome"),
    (["regression", "{f}", "--y", "y", "--x", "x", "--block", "w"], "--block", None,
     "regression: --block is for hierarchical OLS; give the predictors as blocks, without --x, and with the "
     "gaussian family"),
    (["regression", "{f}", "--y", "y", "--x", "x", "--family", "poisson", "--hc3"], "--hc3", None,
     "regression: --hc3 applies to OLS only, not to --family poisson; leave --hc3 out, or fit --family gaussian"),
    (["regression", "{f}", "--y", "y", "--x", "x,w", "--covar", "w"], "--covar", "w",
     "regression: --covar 'w': column 'w' is given both as a predictor and in --covar; give it once"),
    (["mixed", "{f}", "--formula", "y ~ x"], "--group", None,
     "file '{f}': mixed: --group is not given; give --group (the cluster column, e.g. the person id)"),
    (["mixed", "{f}", "--formula", "y ~ x", "--group", "group", "--id-column", "id"], "--id-column", "id",
     "file '{f}': mixed: --id-column 'id' is for wide data; add --wide with the occasion columns, or give the "
     "cluster column of long data as --group"),
    (["mixed", "{f}", "--formula", "y ~ x", "--wide", "x,w", "--times", "a,b"], "--times", "a,b",
     "file '{f}': --times 'a,b': give one number per occasion column, e.g. 0,1,2"),
    (["profiles", "{f}", "--columns", "x,w", "--k", "4", "--k-max", "3"], "--k", 4,
     "profiles: --k 4 is above --k-max 3; raise --k-max"),
    (["correlations", "{f}", "--columns", "x,w", "--reliabilities", "x=a"], "--reliabilities", "x=a",
     "--reliabilities 'x=a': 'a' is not a number; give each reliability as a number, e.g. grit=.81"),
    (["correlations", "{f}", "--columns", "x,w", "--reliabilities", "x"], "--reliabilities", "x",
     "--reliabilities 'x': write column=value pairs separated by commas, e.g. grit=.81"),
])
def test_a_refused_flag_is_a_part_of_the_refusal(small, capsys, argv, argument, value, said):
    """The flag the user typed (and its value) are parts of the refusal; the message says what to do."""
    exc, err = refused([a.format(f=small) for a in argv], capsys)
    parts = exc.parts()
    assert (parts["argument"], parts["value"]) == (argument, value) and parts["hint"]
    assert says(err, "goalscope: " + said.format(f=small))


def test_output_that_is_the_input_is_refused(small, capsys):
    code, _, err = run(["regression", small, "--y", "y", "--x", "x", "-o", small], capsys)
    assert code == 2 and says(err, "input")
    assert small.read_text(encoding="utf-8").startswith("id,x,w,y")

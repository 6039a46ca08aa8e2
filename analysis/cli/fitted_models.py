"""The fitted-model commands: ``regression`` (OLS, hierarchical steps, logistic, Poisson and negative
binomial), ``moderation``, ``mixed`` and ``profiles`` (thin: parse, call, print; registered by
:mod:`analysis.cli.models`)."""

from __future__ import annotations

import argparse

import pandas as pd

from ..errors import DataError
from .arguments import check_formula, column_list
from .inputs import add_input_options, read_input
from .layout import add_command
from .messages import about_file
from .model_options import DEMO, _columns, _figure, _level, _output, _report, _seed
from .outputs import check_output_names
from .results import print_r_call, save_figure_of, show_frame, tidy_table, write_output
from .sample import add_sample_option, print_sample

# regression, moderation, mixed, profiles
FAMILIES = ("gaussian", "logistic", "poisson", "negative_binomial")


def _register_models(sub) -> None:
    p = add_command(
        sub, "regression", "OLS (with hierarchical steps), logistic, Poisson or negative-binomial regression",
        "Regression of one outcome on predictors given as columns (--y, --x) or as a formula. OLS "
            "reports b, SE, t, p, the CI and standardised β (R: lm); --block enters predictors in "
            "steps with ΔR² and the F change (R: anova(m1, m2)); --family logistic gives odds ratios "
            "(R: glm(binomial)); poisson / negative_binomial give rate ratios of a count (R: glm, "
            "MASS::glm.nb). Rows with a missing value on a model column are left out (listwise) and "
            "counted.",
        f"goalscope regression {DEMO} --y procr_total --x 'goals_*' -o regression.csv",
        f"goalscope regression {DEMO} --y procr_total --covar age --block goals_mastery_approach "
            f"--block goals_performance_approach,goals_mastery_avoidance,goals_performance_avoidance -o steps.csv",
        f"goalscope regression {DEMO} --formula 'procr_total ~ goals_mastery_approach * grit_grit' --hc3",
        f"goalscope regression {DEMO} --y mood_total --x 'goals_*' --family logistic --threshold 10 -o depression.csv",
        f"goalscope regression {DEMO} --y extra_tasks --x 'goals_*' --family negative_binomial -o persistence.csv")
    add_input_options(p)
    g = p.add_argument_group("model")
    g.add_argument("--y", metavar="COLUMN", help="the outcome (required unless --formula gives it)")
    g.add_argument("--x", metavar="A,B,...",
                   help="the predictors, comma-separated; 'goals_*' takes every matching column (required unless "
                        "--block or --formula)")
    g.add_argument("--block", action="append", metavar="A,B,...",
                   help="hierarchical OLS: one block of predictors per --block, entered in the order given; ΔR² "
                        "and the F change of every step (default: one model with --x)")
    g.add_argument("--covar", metavar="C1,C2",
                   help="covariates, entered with the predictors; with --block they are step 1, before the "
                        "first block (default: none)")
    g.add_argument("--formula", metavar="'Y ~ A * B'",
                   help="a statsmodels/patsy formula instead of --y/--x, e.g. 'y ~ a * b' for an interaction "
                        "(gaussian and logistic only) (default: none)")
    g.add_argument("--family", choices=FAMILIES, default="gaussian",
                   help="gaussian (OLS), logistic (a 0/1 outcome), poisson or negative_binomial (a count) "
                        "(default: gaussian)")
    g.add_argument("--threshold", type=float, metavar="T",
                   help="logistic: model Y >= T, e.g. 10 for a PHQ-9 total (default: none, Y is already 0/1)")
    g.add_argument("--hc3", action="store_true",
                   help="HC3 heteroskedasticity-consistent standard errors, OLS only (default: off, classical SEs)")
    _level(g)
    add_sample_option(p)
    _output(p)
    p.set_defaults(func=cmd_regression)

    p = add_command(
        sub, "moderation", "moderated regression: x × w, simple slopes at ±1 SD, Johnson–Neyman",
        "OLS of y on x, w and x·w (plus covariates) with x and w mean-centred (default) or "
            "standardised before the product is formed; simple slopes of x at w = −1 SD, mean, +1 SD and "
            "the Johnson–Neyman region. R: lm(y ~ xc * wc + covariates). OUT holds the tidy table: the coefficients and the simple slopes (column kind).",
        f"goalscope moderation {DEMO} --x goals_performance_avoidance --w grit_grit --y mood_total -o slopes.csv",
        f"goalscope moderation {DEMO} --x goals_mastery_approach --w grit_grit --y procr_total --covar age "
            f"--scaling standardize --hc3 --figure interaction.png")
    add_input_options(p)
    g = p.add_argument_group("model")
    g.add_argument("--x", required=True, metavar="COLUMN", help="the focal predictor (required)")
    g.add_argument("--w", required=True, metavar="COLUMN", help="the moderator (required)")
    g.add_argument("--y", required=True, metavar="COLUMN", help="the outcome (required)")
    g.add_argument("--covar", metavar="C1,C2", help="covariates (default: none)")
    g.add_argument("--scaling", choices=["center", "standardize", "none"], default="center",
                   help="mean-centre or z-standardise x and w before forming the product (default: center)")
    g.add_argument("--hc3", action="store_true",
                   help="HC3 standard errors for coefficients, simple slopes and the J–N region (default: off)")
    _level(g)
    add_sample_option(p)
    _output(p)
    _figure(p, "the interaction plot")
    p.set_defaults(func=cmd_moderation)

    p = add_command(
        sub, "mixed", "linear mixed model (REML, lme4's optimum; Satterthwaite df as lmerTest)",
        "Linear mixed model with random effects per --group: random intercepts, or random slopes "
            "with --re-formula. REML by default (R: lme4::lmer); fixed effects with Wald z tests and "
            "with Satterthwaite-df t tests (R: lmerTest). For a scores file with one column per "
            "occasion give --wide: the columns become rows (variables 'time' = 0, 1, ... or --times, "
            "and 'score'), one group per --id-column.",
        f"goalscope mixed {DEMO} --wide exam1,exam2,exam3 --id-column respondent "
            f"--formula 'score ~ time * goals_mastery_approach' -o mixed.csv",
        f"goalscope mixed {DEMO} --wide exam1,exam2,exam3 --times 1,2,3 --id-column respondent "
            f"--formula 'score ~ time + goals_mastery_approach + goals_performance_avoidance' --ml",
        "goalscope mixed long.csv --formula 'score ~ time * mastery' --group person --re-formula '~time' -o mixed.csv")
    add_input_options(p)
    g = p.add_argument_group("model")
    g.add_argument("--formula", required=True, metavar="'Y ~ X'",
                   help="the fixed part, e.g. 'score ~ time * goals_mastery_approach' (required)")
    g.add_argument("--group", metavar="COLUMN",
                   help="the cluster column (person, team) (default: --id-column; required without --wide)")
    g.add_argument("--re-formula", metavar="'~X'",
                   help="the random part, e.g. '~time' for random intercepts and slopes of time, as lme4's "
                        "(time | id) (default: random intercepts only)")
    g.add_argument("--ml", action="store_true",
                   help="fit by maximum likelihood, e.g. to compare fixed effects (default: REML, as lme4)")
    _level(g, "the CIs of the fixed effects")
    w = p.add_argument_group("wide data (one column per occasion)")
    w.add_argument("--wide", metavar="A,B,...",
                   help="the occasion columns in time order; the file is reshaped to one row per person and "
                        "occasion (default: the file is long already)")
    w.add_argument("--id-column", metavar="COLUMN",
                   help="the person column of wide data (default: the row number)")
    w.add_argument("--times", metavar="T1,T2,...",
                   help="the time value of each occasion column (default: 0, 1, 2, ...)")
    add_sample_option(p)
    _output(p)
    p.set_defaults(func=cmd_mixed)

    p = add_command(
        sub, "profiles", "latent profiles (Gaussian mixtures with 1 … k classes): AIC, BIC, entropy",
        "Person-centred profiles of the goal scores: Gaussian mixtures with 1 … --k-max classes "
            "(several seeded k-means starts), each with log L, AIC, BIC, SABIC, entropy and its smallest "
            "class (R: mclust::Mclust(x, G = 1:k, modelNames = 'VVV')). The solution with the lowest BIC "
            "(or --k) gives the profile sizes and means. OUT holds the fit indices.",
        f"goalscope profiles {DEMO} --columns 'goals_*' --k-max 4 --seed 2026 -o profiles.csv",
        f"goalscope profiles {DEMO} --columns 'goals_*' --k-max 3 --k 3 --seed 1 --outcomes procr_total,mood_total "
            f"--classes classes.csv --figure profiles.png")
    add_input_options(p)
    g = p.add_argument_group("model")
    _columns(g, "the score columns")
    g.add_argument("--k-max", type=_whole(1), default=6, metavar="K",
                   help="largest number of profiles tried (default: 6)")
    g.add_argument("--k", type=_whole(1), metavar="K",
                   help="the solution to describe (default: the lowest BIC)")
    _seed(g, "the k-means starts")
    g.add_argument("--covariance", choices=["full", "diag", "tied", "spherical"], default="full",
                   help="within-profile covariance, mclust VVV / VVI / EEE / VII (default: full)")
    g.add_argument("--n-init", type=_whole(1), default=10, metavar="N",
                   help="random starts per number of profiles; the best likelihood is kept (default: 10)")
    g.add_argument("--standardize", action="store_true",
                   help="z-standardise the columns first; means are then in SD units (default: off)")
    g.add_argument("--reg-covar", type=_non_negative, default=1e-6, metavar="R",
                   help="ridge added to the covariance diagonals; 0 is the plain ML solution as mclust "
                        "(default: 1e-6, scikit-learn's)")
    g.add_argument("--tol", type=_positive, default=1e-6, metavar="T",
                   help="EM stops when the mean log-likelihood per row changes less than T (default: 1e-6)")
    g.add_argument("--outcomes", metavar="A,B,...",
                   help="also compare these columns across the profiles: one-way ANOVA with η² (default: none)")
    add_sample_option(p)
    _output(p)
    p.add_argument("--classes", metavar="FILE",
                   help="write each analysed row's profile and posterior probabilities (.csv, .xlsx or .parquet) "
                        "(default: not written)")
    _figure(p, "the profile plot")
    p.set_defaults(func=cmd_profiles)


def _number(text: str, what: str, ok, kind=float):
    from ..checks import show

    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"{show(text)} is not {what}")
    return value


def _whole(minimum: int):
    def parse(text: str) -> int:
        return _number(text, f"a whole number of at least {minimum}", lambda v: v >= minimum, int)
    return parse


def _positive(text: str) -> float:
    return _number(text, "a number above 0", lambda v: v > 0 and v == v and v != float("inf"))


def _non_negative(text: str) -> float:
    return _number(text, "a number of 0 or more", lambda v: v >= 0 and v != float("inf"))


def _need(value, flag: str, role: str, what: str):
    """``value`` of ``flag``, refused when the user left it out: ``role`` says what it gives."""
    if not value:
        raise DataError("is not given", argument=flag, value=None, within=what, hint=f"give {flag} ({role})")
    return value


def cmd_regression(args) -> int:
    from ..models.counts import count_regression
    from ..models.linear_models import hierarchical_regression, regression
    from ..models.logistic import logistic_regression

    check_output_names(args)
    data = read_input(args)
    cols = data.columns
    x = column_list(args.x, "--x", cols)
    covar = column_list(args.covar, "--covar", cols)
    blocks = [column_list(b, "--block", cols) for b in (args.block or [])]
    family = args.family
    both = [c for c in covar if c in x or any(c in b for b in blocks)]
    if both:
        raise DataError(f"column '{both[0]}' is given both as a predictor and in --covar", argument="--covar",
                        value=args.covar, within="regression", hint="give it once")
    if args.formula and (args.y or x or blocks or covar):
        raise DataError("is given with --y/--x/--block/--covar", argument="--formula", value=args.formula,
                        within="regression", hint="give either --formula or --y with --x/--block/--covar, not both "
                                                  "(write covariates into the formula)")
    if args.formula and family not in ("gaussian", "logistic"):
        raise DataError("is not for a formula (a formula is for gaussian and logistic models)",
                        argument="--family", value=family, within="regression",
                        hint="give the predictors as --x, with --y for the outcome")
    if blocks and (x or family != "gaussian"):
        raise DataError("is for hierarchical OLS", argument="--block", value=None, within="regression",
                        hint="give the predictors as blocks, without --x, and with the gaussian family")
    if args.threshold is not None and family != "logistic":
        raise DataError("is for a logistic model (it dichotomises the outcome)", argument="--threshold",
                        value=args.threshold, within="regression", hint="add --family logistic")
    if args.hc3 and family != "gaussian":
        raise DataError(f"applies to OLS only, not to --family {family}", argument="--hc3", value=None,
                        within="regression", hint="leave --hc3 out, or fit --family gaussian")
    if not args.formula:
        _need(args.y, "--y", "the outcome", "regression")
        if not (x or blocks):
            raise DataError("is not given", argument="--x", value=None, within="regression",
                            hint="give the predictors with --x (or --block for steps, or --formula)")
    formula = args.formula or None
    inc = args.include_excluded
    with about_file(args.file):
        check_formula(formula, "--formula", cols)
    with about_file(args.file):
        if blocks:
            steps = ([covar] if covar else []) + blocks
            res = hierarchical_regression(data, args.y, steps, hc3=args.hc3, level=args.level, include_excluded=inc)
            overview = res.steps
        elif family == "gaussian":
            res = regression(data, args.y, None if formula else x + covar, formula=formula, hc3=args.hc3,
                             level=args.level, include_excluded=inc)
            overview = res.coefficients
        elif family == "logistic":
            res = logistic_regression(data, args.y, None if formula else x + covar, formula=formula,
                                      threshold=args.threshold, level=args.level, include_excluded=inc)
            overview = res.coefficients
        else:
            res = count_regression(data, args.y, x, family=family, covar=covar or None, level=args.level,
                                   include_excluded=inc)
            overview = res.coefficients
    return _report(res, overview, args)


def cmd_moderation(args) -> int:
    from ..models.interactions import moderation

    check_output_names(args)
    data = read_input(args)
    with about_file(args.file):
        res = moderation(data, args.x, args.w, args.y, covar=column_list(args.covar, "--covar", data.columns) or None,
                         scaling=args.scaling, hc3=args.hc3, level=args.level, include_excluded=args.include_excluded)
    return _report(res, [("coefficients (x and w centred or standardised as --scaling says):", res.coefficients),
                         ("simple slopes of x:", res.simple_slopes)], args)


def cmd_mixed(args) -> int:
    from ..models._common import formula_columns
    from ..models.longitudinal import wide_to_long
    from ..models.mixed import mixed_model

    check_output_names(args)
    data = read_input(args)
    note = None
    group = args.group
    with about_file(args.file):
        produced = ["time", "score", "occasion"] if args.wide else []
        check_formula(args.formula, "--formula", list(data.columns) + produced)
        check_formula(args.re_formula, "--re-formula", list(data.columns) + produced, one_sided=True)
        if args.wide:
            occasions = column_list(args.wide, "--wide", data.columns)
            times = None
            if args.times:
                try:
                    times = [float(t) for t in column_list(args.times, "--times")]
                except ValueError:
                    raise DataError("", argument="--times", value=args.times,
                                    hint="give one number per occasion column, e.g. 0,1,2") from None
            keep = [c for c in formula_columns(args.formula + " " + (args.re_formula or ""), data)
                    if c not in occasions and c != args.id_column]
            if group and group != args.id_column:
                keep.append(group)
            long = wide_to_long(data, occasions, id_column=args.id_column, times=times, keep=keep,
                                include_excluded=args.include_excluded)
            note = long.attrs.get("sample_note", "")
            group = group or args.id_column or "row"
            data, inc = long, True   # screened once, on the wide rows (one per person)
        else:
            if args.id_column or args.times:
                raise DataError("is for wide data", argument="--id-column" if args.id_column else "--times",
                                value=args.id_column or args.times, within="mixed",
                                hint="add --wide with the occasion columns, or give the cluster column of long data "
                                     "as --group")
            _need(group, "--group", "the cluster column, e.g. the person id", "mixed")
            inc = args.include_excluded
        res = mixed_model(data, args.formula, group=group, re_formula=args.re_formula, reml=not args.ml,
                          level=args.level, include_excluded=inc)
    if note is not None:
        res.sample = None   # the sample line is the wide file's (persons), printed below
    print_sample(res, note, rows="observations (person × occasion rows)" if args.wide else "observations")
    if res.satterthwaite is not None:
        print("fixed effects (t tests with Satterthwaite df, as lmerTest):")
        print(show_frame(res.satterthwaite))
    print("variance components (as lme4's VarCorr):")
    print(show_frame(res.random_effects))
    print()
    print(res.apa().full_result)
    print_r_call(res)
    if args.output:
        write_output(tidy_table(res), args.output)
    return 0


def cmd_profiles(args) -> int:
    from ..io.writers import write_table
    from ..models.profiles import goal_profiles

    check_output_names(args)
    data = read_input(args)
    columns = column_list(args.columns, "--columns", data.columns)
    outcomes = column_list(args.outcomes, "--outcomes", data.columns)
    if args.k is not None and args.k > args.k_max:
        raise DataError(f"is above --k-max {args.k_max}", argument="--k", value=args.k, within="profiles",
                        hint="raise --k-max")
    with about_file(args.file):
        res = goal_profiles(data, columns, k_max=args.k_max, k=args.k, seed=args.seed, covariance=args.covariance,
                            n_init=args.n_init, standardize=args.standardize, reg_covar=args.reg_covar, tol=args.tol,
                            include_excluded=args.include_excluded)
        anova = res.outcome_differences(data, outcomes) if outcomes else None
    print(f"seed: {res.seed}" + ("" if args.seed is not None else " (drawn; pass --seed to repeat this run)"))
    print_sample(res)
    print(show_frame(res.fit_indices))
    print(f"\nprofile means of the {res.k}-profile solution:")
    print(show_frame(res.means.join(res.class_sizes.set_index("profile"))))
    if anova is not None:
        print("\noutcomes across the profiles (one-way ANOVA):")
        print(show_frame(anova))
    print()
    print(res.apa().full_result)
    print_r_call(res)
    if args.output:
        write_output(tidy_table(res), args.output)
    if args.classes:
        classes = pd.concat([res.classes, res.posterior], axis=1).rename_axis("row")
        if "first_row" in data.attrs:   # the row as the user sees it in the file
            classes.index = [int(i) + int(data.attrs["first_row"]) for i in classes.index]
            classes = classes.rename_axis("row")
        write_table(classes.reset_index(), args.classes)
        print(f"wrote {args.classes}")
    if args.figure:
        save_figure_of(res, args.figure)
    return 0

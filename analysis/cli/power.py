"""Commands ``goalscope power`` and ``goalscope simulate`` (thin: parse, call the library, print)."""

from __future__ import annotations


import pandas as pd

from ..errors import GoalscopeError
from .layout import add_command

POWERS = (0.80, 0.90, 0.95)


def register(sub) -> None:
    p = add_command(
        sub, "power", "power and sample size (correlation, regression, two correlations, mediation, moderation)",
        "Solve for the quantity left out: power from N, N for a power, or the detectable effect (equal to R's "
        "pwr), or simulate power for mediation and moderation.",
        "goalscope power --r .18 --power .8              N for 80% power (pwr.r.test)",
        "goalscope power --r -.18                        N for 80 / 90 / 95% power",
        "goalscope power --r .18 --n 250                 power with N = 250",
        "goalscope power --n 200 --power .9              smallest detectable r",
        "goalscope power --f2 .02 --u 1 --power .8       regression F test (pwr.f2.test)",
        "goalscope power --r .30 --r2 .10 --power .8     two independent correlations (N per group)",
        "goalscope power --mediation .2,.2 --n 200 --seed 1",
        "goalscope power --moderation .15 --b-x .3 --b-w .2 --n 300 --seed 1",
        "goalscope power --finding howell-watson-2007-map-procrastination",
        "goalscope power --finding all                   every registered correlation")
    p.add_argument("--r", type=float, help="correlation (r1 for a difference)")
    p.add_argument("--r2", type=float, help="second correlation: power for the difference r - r2 (Cohen's q)")
    p.add_argument("--f2", type=float, help="Cohen's f2 of a regression F test")
    p.add_argument("--u", type=int, help="predictors tested by the F test (default 1)")
    p.add_argument("--n", type=float, help="sample size (per group for a difference; n1 with --n2)")
    p.add_argument("--n2", type=float, help="second group's size for a difference (default: --n)")
    p.add_argument("--power", type=float, help="wanted power (e.g. .8)")
    p.add_argument("--alpha", type=float, default=0.05, help="significance level (default .05)")
    p.add_argument("--alternative", choices=["two-sided", "greater", "less"], default="two-sided",
                   help="direction of the test, as pwr's alternative=")
    p.add_argument("--finding", metavar="ID|all", help="N for 80/90/95%% power for a registered effect")
    g = p.add_argument_group("Monte Carlo power")
    g.add_argument("--mediation", metavar="A,B", help="standardised paths a (x->m) and b (m->y)")
    g.add_argument("--c-prime", type=float, default=0.0, help="direct path x->y (mediation)")
    g.add_argument("--ci-method", choices=["monte_carlo", "percentile"], default="monte_carlo",
                   help="CI of a*b in each simulated study: Monte Carlo draws of the paths, or a percentile bootstrap")
    g.add_argument("--n-draws", type=int, default=10000, help="draws (or resamples) per replication")
    g.add_argument("--level", type=float, default=0.95, help="confidence level of the CI for a*b")
    g.add_argument("--moderation", type=float, metavar="B_XW", help="interaction coefficient (standardised)")
    g.add_argument("--b-x", type=float, default=0.0, help="standardised effect of x on y (moderation)")
    g.add_argument("--b-w", type=float, default=0.0, help="standardised effect of the moderator w on y (moderation)")
    g.add_argument("--r-xw", type=float, default=0.0, help="correlation of x and w (moderation)")
    g.add_argument("--n-rep", type=int, default=1000, help="simulated studies (default 1000)")
    g.add_argument("--seed", type=int, default=None,
                   help="seed of the simulation (default: a fresh one, printed, so the run can be repeated)")
    g.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.add_argument("-o", "--output", metavar="OUT", help="write the table (.csv/.xlsx/.parquet)")
    p.set_defaults(func=cmd_power)

    s = add_command(
        sub, "simulate", "simulate an item-level survey export with target latent correlations",
        "Synthetic survey data for shipped (or your own) instruments, in the export shape a study file reads: "
        "Likert codes, reverse-keyed items answered reversed, latent correlations as targeted (scored ones "
        "attenuated by unreliability).",
        "goalscope simulate --instruments goals=agq-r,procr=pps \\",
        "    --r goals_mastery_approach:procr=-.25 --r goals_mastery_avoidance:procr=.2 \\",
        "    --r goals_mastery_approach:goals_mastery_avoidance=.45 -n 400 --seed 1 -o sim.csv",
        "goalscope simulate --instruments grit=grit-s,procr=pps --correlations target.csv \\",
        "    -n 300 --seed 2 --careless .05 --missing-share .02 --missing -99 --study-file study.yaml -o sim.csv",
        "goalscope simulate --instruments wdgo=vandewalle -n 400 --teams 40 --icc .2 --seed 3 -o teams.csv",
        "goalscope simulate --instruments goals=agq-r,mood=phq-9 --finding all \\",
        "    --construct mastery_approach=goals_mastery_approach \\",
        "    --construct performance_avoidance=goals_performance_avoidance --construct depression=mood \\",
        "    -n 400 --seed 1 -o sim.csv      targets = the registered correlations",
        notes="""\
        Unnamed pairs of factors are uncorrelated. Factor names: an instrument's prefix (one factor for
        all its items) or <prefix>_<scale>; every item must belong to one factor.
        """)
    s.add_argument("--instruments", required=True, metavar="P=ID,...",
                   help="instruments with column prefixes (goals=agq-r) or bare ids (agq-r -> agq_r_1 ...)")
    s.add_argument("--correlations", metavar="FILE", help="square CSV of target latent correlations (names in "
                   "the header and the first column)")
    s.add_argument("--r", action="append", default=[], metavar="A:B=VALUE", help="one target correlation (repeatable)")
    s.add_argument("--finding", action="append", default=[], metavar="ID|all",
                   help="take target correlations from the registry (repeatable; 'all': every registered r); "
                        "needs --construct")
    s.add_argument("--construct", action="append", default=[], metavar="CONSTRUCT=FACTOR",
                   help="which factor measures a registry construct, e.g. mastery_approach=goals_mastery_approach")
    s.add_argument("-n", "--n", type=int, default=400, help="respondents (default 400)")
    s.add_argument("--seed", type=int, default=None,
                   help="seed of the draws (default: a fresh one, printed, so the data can be made again)")
    s.add_argument("--loading", type=float, default=None, help="standardised item loading (default .7)")
    s.add_argument("--skew", type=float, default=None, help="threshold shift in SDs (default: +1 for 0-based "
                   "symptom scales, -.4 otherwise)")
    s.add_argument("--missing-share", type=float, default=0.0, help="share of answers missing at random")
    s.add_argument("--missing", type=float, default=None, help="code written for a missing answer (default blank)")
    s.add_argument("--careless", type=float, default=0.0, help="share of careless respondents")
    s.add_argument("--teams", type=int, help="number of teams (column 'team')")
    s.add_argument("--icc", type=float, default=0.0, help="latent ICC(1) with --teams")
    s.add_argument("--setback", metavar="GOAL", help="add performance_1..3 around a failure; recovery depends on "
                   "this factor")
    s.add_argument("--study-file", metavar="YAML", help="also write a study file that reads the export")
    s.add_argument("-o", "--output", required=True, metavar="OUT", help="the export (.csv/.xlsx/.parquet)")
    s.set_defaults(func=cmd_simulate)


# ------------------------------------------------------------------------------------------------
def _print(table: pd.DataFrame) -> None:
    with pd.option_context("display.width", 160, "display.max_columns", 20, "display.float_format", "{:.6g}".format):
        print(table.to_string(index=False))


def _write(table: pd.DataFrame, out) -> None:
    if out:
        from ..io.writers import write_table
        write_table(table, out)
        print(f"wrote {out}")


def _pair(text: str, what: str) -> tuple[float, float]:
    parts = [x.strip() for x in text.split(",")]
    try:
        a, b = (float(x) for x in parts)
    except ValueError:
        raise GoalscopeError("", argument=what, value=text,
                             hint="give two numbers separated by a comma, e.g. .2,.3") from None
    return a, b


def cmd_power(args) -> int:
    if args.finding:
        table = finding_sample_sizes(args.finding, alpha=args.alpha, alternative=args.alternative)
        wide = table.pivot_table(index=["finding_id", "r"], columns="power", values="n_required", sort=False)
        wide.columns = [f"N for {p:.0%} power" for p in wide.columns]
        _print(wide.reset_index())
        _write(table, args.output)
        return 0
    progress = False if args.no_progress else None
    if args.mediation:
        from ..findings.power_montecarlo import power_mediation
        if args.n is None:
            raise GoalscopeError("needs --n (the sample size of each simulated study)", argument="--mediation",
                                 value=args.mediation, hint="add --n, e.g. --n 200")
        a, b = _pair(args.mediation, "--mediation")
        res = power_mediation(a, b, c_prime=args.c_prime, n=int(args.n), n_rep=args.n_rep, n_draws=args.n_draws,
                              ci_method=args.ci_method, level=args.level, seed=args.seed, progress=progress)
    elif args.moderation is not None:
        from ..findings.power_montecarlo import power_moderation
        if args.n is None:
            raise GoalscopeError("needs --n (the sample size of each simulated study)", argument="--moderation",
                                 value=args.moderation, hint="add --n, e.g. --n 200")
        res = power_moderation(args.moderation, int(args.n), b_x=args.b_x, b_w=args.b_w, r_xw=args.r_xw,
                               n_rep=args.n_rep, alpha=args.alpha, seed=args.seed, progress=progress)
    elif args.f2 is not None or args.u is not None:
        from ..findings.power import power_regression
        res = power_regression(f2=args.f2, u=args.u or 1, n=args.n, power=args.power, alpha=args.alpha)
    elif args.r2 is not None:
        from ..findings.power import power_correlation_difference
        if args.r is None:
            raise GoalscopeError("needs --r (the first correlation)", argument="--r2", value=args.r2,
                                 hint="add --r with the correlation of the first group")
        res = power_correlation_difference(args.r, args.r2, n1=args.n, n2=args.n2, power=args.power,
                                           alpha=args.alpha, alternative=args.alternative)
    elif args.r is not None and args.n is None and args.power is None:
        from ..findings.power import sample_size_table
        table = sample_size_table(args.r, POWERS, alpha=args.alpha, alternative=args.alternative)
        _print(table)
        _write(table, args.output)
        return 0
    else:
        from ..findings.power import power_correlation
        if args.r is None and (args.n is None or args.power is None):
            raise GoalscopeError("is not given, nor both --n and --power", argument="--r", value=None,
                                 hint="give two of --r, --n and --power (or --f2, --r2, --mediation, --moderation, "
                                      "--finding); see goalscope power --help")
        res = power_correlation(r=args.r, n=args.n, power=args.power, alpha=args.alpha,
                                alternative=args.alternative)
    _print(res.table())
    print()
    print(res.apa().full_result)
    print(f"R: {res.r_call}")
    _write(res.table(), args.output)
    return 0


# ------------------------------------------------------------------------------------------------
_KIND = ("effect_kind", "kind", "effect_type", "effect")
_VALUE = ("effect_value", "value", "r", "estimate")


def _column(frame: pd.DataFrame, names) -> str | None:
    return next((c for c in names if c in frame.columns), None)


def finding_sample_sizes(finding: str, powers=POWERS, alpha: float = 0.05, alternative: str = "two-sided",
                         findings: pd.DataFrame | None = None) -> pd.DataFrame:
    """N for each power in ``powers`` for one registered correlation, or for all (``finding="all"``).

    The registry is :func:`analysis.findings.registry.published_findings` (looked up when called);
    pass ``findings`` (a DataFrame with ``id`` and the effect's kind and value) to use another table.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.cli.power import finding_sample_sizes
    >>> reg = pd.DataFrame({"id": ["meta-map-depression"], "effect_kind": ["r"], "effect_value": [-0.18]})
    >>> finding_sample_sizes("meta-map-depression", findings=reg)["n_required"].tolist()
    [240, 320, 395]
    """
    from ..findings.power import sample_size_table

    if findings is None:
        try:
            from ..findings.registry import published_findings
        except ImportError:
            raise GoalscopeError("the registry of published findings (analysis.findings.registry) is not "
                                 "installed in this version", argument="--finding", value=finding,
                                 hint="give the effect with --r instead") from None
        findings = published_findings()
    id_col = _column(findings, ("id", "finding_id"))
    kind_col, value_col = _column(findings, _KIND), _column(findings, _VALUE)
    if id_col is None or value_col is None:
        raise GoalscopeError("the registry table has no id or effect-value column", argument="--finding", value=finding,
                             hint="give the effect with --r instead")
    if finding == "all":
        rows = findings
        if kind_col is not None:
            rows = rows[rows[kind_col].astype(str).str.lower() == "r"]
        rows = rows[pd.to_numeric(rows[value_col], errors="coerce").notna()]
        if rows.empty:
            raise GoalscopeError("no registered finding reports a correlation with a number", argument="--finding",
                                 value=finding, hint="give the expected effect with --r instead")
    else:
        rows = findings[findings[id_col].astype(str) == finding]
        if rows.empty:
            known = ", ".join(map(str, findings[id_col].head(12)))
            raise GoalscopeError(f"is not in the registry (e.g. {known})", argument="--finding", value=finding,
                                 hint="give an id that goalscope findings lists, or all")
        row = rows.iloc[0]
        kind = str(row[kind_col]).lower() if kind_col is not None else "r"
        value = pd.to_numeric(pd.Series([row[value_col]]), errors="coerce").iloc[0]
        if pd.isna(value):
            raise GoalscopeError("has no published number (direction only), so no sample size can be computed for "
                                 "it", argument="--finding", value=finding, hint="give an expected effect with --r")
        if kind != "r":
            raise GoalscopeError(f"gives {kind} = {value:g}, not a correlation; power for it is available for "
                                 f"correlations only", argument="--finding", value=finding,
                                 hint="give --r, or --f2 for a regression")
    parts = [sample_size_table(float(r[value_col]), powers, alpha=alpha, alternative=alternative,
                               label=str(r[id_col])) for _, r in rows.iterrows()]
    return pd.concat(parts, ignore_index=True).rename(columns={"label": "finding_id"})


# ------------------------------------------------------------------------------------------------
def _instrument_arg(text: str):
    out = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        if "=" in part:
            prefix, key = (x.strip() for x in part.split("=", 1))
        else:
            from ..findings.simulation import column_prefix
            prefix, key = column_prefix(part), part
        out[prefix] = key
    return out


def _target(args, instruments: dict) -> pd.DataFrame | None:
    if args.finding:
        from ..findings.simulation import target_from_findings
        if args.correlations or args.r:
            raise GoalscopeError("is given with --correlations or --r", argument="--finding", value=", ".join(args.finding),
                                 hint="give the targets one way: --finding (the registry), --correlations or --r")
        if not args.construct:
            raise GoalscopeError("needs --construct CONSTRUCT=FACTOR for each construct", argument="--finding",
                                 value=", ".join(args.finding),
                                 hint="give one --construct per construct, e.g. --construct "
                                      "mastery_approach=goals_mastery_approach --construct depression=mood")
        constructs = {}
        for text in args.construct:
            if "=" not in text:
                raise GoalscopeError("", argument="--construct", value=text, hint="write CONSTRUCT=FACTOR, e.g. depression=mood")
            c, f = (x.strip() for x in text.split("=", 1))
            constructs[c] = f
        ids = None if "all" in args.finding else args.finding
        frame = target_from_findings(constructs, ids=ids)
        args.r = [f"{a}:{b}={float(frame.loc[a, b])!r}" for i, a in enumerate(frame.index) for b in frame.index[i + 1:]]
    if args.correlations:
        from ..io import read_responses
        frame = read_responses(args.correlations)
        first = frame.columns[0]
        frame = frame.set_index(first)
        frame.index = [str(i) for i in frame.index]
        frame.index.name = None
        return frame
    if not args.r:
        return None
    pairs = {}
    for text in args.r:
        try:
            lhs, value = text.split("=", 1)
            a, b = (x.strip() for x in lhs.split(":", 1))
            v = float(value)
        except ValueError:
            raise GoalscopeError("", argument="--r", value=text,
                                 hint="write A:B=VALUE, e.g. goals_mastery_approach:procr=-.25") from None
        pairs[(a, b)] = v
    from ..findings.simulation import target_from_pairs
    return target_from_pairs(instruments, pairs)


def cmd_simulate(args) -> int:
    from ..findings.simulation import simulate

    instruments = _instrument_arg(args.instruments)
    target = _target(args, instruments)
    setback = {"goal": args.setback} if args.setback else None
    sim = simulate(instruments, target, n=args.n, seed=args.seed, loadings=args.loading, skew=args.skew,
                   missing_share=args.missing_share, missing=args.missing, careless=args.careless,
                   teams=args.teams, icc=args.icc, setback=setback)
    sim.write(args.output)
    print(sim.apa().full_result)
    _print(sim.summary())
    print(f"wrote {args.output}")
    if args.study_file:
        from pathlib import Path
        data = Path(args.output).resolve()
        study = Path(args.study_file).resolve()
        try:
            rel = data.relative_to(study.parent)
        except ValueError:
            rel = data
        sim.write_study(args.study_file, data=str(rel))
        print(f"wrote {args.study_file}")
    return 0

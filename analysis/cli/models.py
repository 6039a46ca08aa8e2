"""Model commands on a file of scores (thin: parse, call, print): ``correlations``, ``mediation``,
``regression`` (OLS, hierarchical steps, logistic, Poisson and negative binomial), ``moderation``,
``mixed`` and ``profiles``.

Every command analyses the respondents screening kept (column ``excluded`` of ``goalscope run``'s
``scores.csv``; ``--include-excluded`` keeps everyone) and prints how many; prints the overview and
the APA text; ``-o OUT`` writes the tidy table (.csv/.xlsx/.parquet, atomically).

Here: ``correlations`` and ``mediation``, and :func:`register` for all six; the fitted-model
commands are in :mod:`analysis.cli.fitted_models`, what they all share in
:mod:`analysis.cli.model_options`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from .arguments import column_list, n_boot_arg
from .fitted_models import _register_models
from .inputs import add_input_options, read_input
from .layout import add_command
from .model_options import DEMO, _cols, _columns, _level, _seed, add_retired_flag, take_retired
from .outputs import check_output_names
from .results import print_r_call
from .sample import add_sample_option, print_sample

__all__ = ["register", "add_sample_option", "print_sample"]


def _reliability_map(text: str | None, flag: str = "--reliabilities") -> dict:
    out = {}
    for part in _cols(text):
        if "=" not in part:
            raise DataError("", argument=flag, value=text, hint="write column=value pairs separated by commas, e.g. grit=.81")
        k, v = part.split("=", 1)
        try:
            out[k.strip()] = float(v)
        except ValueError:
            raise DataError(f"'{v}' is not a number", argument=flag, value=text,
                            hint="give each reliability as a number, e.g. grit=.81") from None
    return out


def register(sub) -> None:
    p = add_command(
        sub, "correlations", "APA correlation table (M, SD, α, r with CI and p)",
        "Correlation table of scored variables: tidy long table (.csv/.xlsx/.parquet) or a "
            "publication table (.md/.html).",
        f"goalscope correlations {DEMO} --columns goals_mastery_approach,procr_total,mood_total -o corr.md",
        f"goalscope correlations {DEMO} --columns 'goals_*,procr_total' --method spearman --padjust holm -o corr.csv",
        f"goalscope correlations {DEMO} --columns goals_mastery_approach,procr_total --covar age "
            f"--reliabilities goals_mastery_approach=.69 --show-ci -o corr.html")
    add_input_options(p)
    _columns(p, "the variables")
    p.add_argument("--method", choices=["pearson", "spearman"], default="pearson",
                   help="Pearson r or Spearman's rho (default: pearson)")
    p.add_argument("--covar", metavar="C1,C2",
                   help="covariates: partial correlations, df = n - 2 - k (default: none, zero-order r)")
    p.add_argument("--padjust", choices=["holm", "bonferroni", "fdr_bh"],
                   help="adjust p over the pairs (default: none, unadjusted p)")
    p.add_argument("--reliabilities", metavar="COL=VALUE,...",
                   help="reliability (e.g. Cronbach's alpha) per column for the diagonal (default: none)")
    p.add_argument("--nan-policy", choices=["pairwise", "listwise"], default="pairwise",
                   help="pairwise: each pair uses its complete rows; listwise: rows complete on every column "
                        "(default: pairwise)")
    p.add_argument("--show-ci", action="store_true",
                   help="show the CI under each r in .md/.html tables (default: off; .csv always has them)")
    _level(p, "the Fisher-z CIs")
    add_retired_flag(p, "--alpha", "--reliabilities")
    add_retired_flag(p, "--missing", "--nan-policy", choices=["pairwise", "listwise"])
    add_retired_flag(p, "--ci", "--show-ci", action="store_const", const=True)
    add_sample_option(p)
    p.add_argument("-o", "--output", metavar="OUT",
                   help=".csv/.xlsx/.parquet (tidy long table) or .md/.html (publication table) (default: print "
                        "the Markdown table)")
    p.set_defaults(func=cmd_correlations)

    p = add_command(
        sub, "mediation", "mediation with a vectorised bootstrap",
        "Indirect, direct and total effects with bootstrap CIs (parallel or serial mediators).",
        f"goalscope mediation {DEMO} --x goals_mastery_avoidance --m strategies_disorganization --y procr_total "
            f"--seed 1 -o med.csv",
        f"goalscope mediation {DEMO} --x goals_mastery_avoidance --m strategies_disorganization,mood_total "
            f"--y procr_total --covar goals_mastery_approach --serial --ci-method bca --n-boot 2000 --seed 1 -o med.csv")
    add_input_options(p)
    p.add_argument("--x", required=True, metavar="COLUMN", help="the predictor (required)")
    p.add_argument("--m", required=True, metavar="M1,M2", help="mediator(s), comma-separated (required)")
    p.add_argument("--y", required=True, metavar="COLUMN", help="the outcome (required)")
    p.add_argument("--covar", metavar="C1,C2", help="covariates entered in every equation (default: none)")
    p.add_argument("--serial", action="store_true",
                   help="mediators in the given order, x -> m1 -> m2 -> y (default: parallel mediators)")
    p.add_argument("--n-boot", type=n_boot_arg, default=5000, metavar="N",
                   help="bootstrap resamples, at least 100 (default: 5000)")
    _seed(p, "the bootstrap")
    p.add_argument("--ci-method", choices=["percentile", "bca"], default="percentile",
                   help="bootstrap CI of the indirect effects (default: percentile)")
    _level(p)
    add_retired_flag(p, "--ci", "--ci-method", choices=["percentile", "bca"])
    add_sample_option(p)
    p.add_argument("-o", "--output", metavar="OUT", help="write the paths table to OUT: .csv, .xlsx or .parquet "
                                                          "(default: print only)")
    p.set_defaults(func=cmd_mediation)
    _register_models(sub)


def cmd_correlations(args) -> int:
    from ..io.writers import atomic_write_text, write_table
    from ..models.correlation_table import correlations

    flag = "--alpha" if args._retired_alpha is not None else "--reliabilities"
    for old, new in (("--alpha", "--reliabilities"), ("--missing", "--nan-policy"), ("--ci", "--show-ci")):
        take_retired(args, old, new)
    data = read_input(args)
    res = correlations(data, column_list(args.columns, "--columns", data.columns), method=args.method, covar=_cols(args.covar) or None,
                       reliabilities=_reliability_map(args.reliabilities, flag), padjust=args.padjust,
                       nan_policy=args.nan_policy, level=args.level, include_excluded=args.include_excluded)
    print_sample(res)
    out = args.output
    if out is None:
        print(res.to_markdown(show_ci=args.show_ci))
        return 0
    suffix = Path(out).suffix.lower()
    if suffix == ".md":
        atomic_write_text(out, res.to_markdown(show_ci=args.show_ci))
    elif suffix in (".html", ".htm"):
        res.to_html(out, show_ci=args.show_ci)
    else:
        write_table(res.long, out)
    print(f"wrote {out}")
    return 0


def cmd_mediation(args) -> int:
    from ..io.writers import write_table
    from ..models.indirect_effects import mediation

    take_retired(args, "--ci", "--ci-method")
    check_output_names(args)
    data = read_input(args)
    res = mediation(data, args.x, _cols(args.m), args.y, covar=_cols(args.covar) or None, serial=args.serial,
                    n_boot=args.n_boot, seed=args.seed, ci_method=args.ci_method, level=args.level,
                    include_excluded=args.include_excluded)
    print_sample(res)
    print(f"seed: {res.seed}" + ("" if args.seed is not None else " (drawn; pass --seed to repeat this run)"))
    with pd.option_context("display.width", 140, "display.max_columns", 10):
        print(res.paths.to_string(index=False))
    print()
    print(res.apa().full_result)
    print_r_call(res)
    if args.output:
        write_table(res.paths, args.output)
        print(f"wrote {args.output}")
    return 0

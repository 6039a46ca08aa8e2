"""Model commands: ``correlations`` and ``mediation`` on a file of scores (thin: parse, call, print)."""

from __future__ import annotations

import argparse
import textwrap
import warnings
from pathlib import Path

import pandas as pd

from ..command_options import _formatter, add_input_options, level_arg, n_boot_arg, read_input, seed_arg
from ..errors import DataError


def _cols(text: str | None) -> list:
    return [c.strip() for c in text.split(",") if c.strip()] if text else []


def _reliability_map(text: str | None, flag: str = "--reliabilities") -> dict:
    out = {}
    for part in _cols(text):
        if "=" not in part:
            raise DataError(f"{flag} '{text}': write column=value pairs separated by commas, e.g. grit=.81")
        k, v = part.split("=", 1)
        try:
            out[k.strip()] = float(v)
        except ValueError:
            raise DataError(f"{flag} '{text}': '{v}' is not a number") from None
    return out


def add_retired_flag(p, old: str, new: str, **kwargs) -> None:
    """A renamed option keeps working for one release, hidden from ``--help``; the command warns
    (:func:`take_retired`) and uses its value for the new option."""
    p.add_argument(old, dest="_retired_" + old.lstrip("-").replace("-", "_"), default=None,
                   help=argparse.SUPPRESS, **kwargs)


def take_retired(args, old: str, new: str) -> None:
    """Move the value of a retired flag to its new name, with a FutureWarning naming the new flag."""
    value = getattr(args, "_retired_" + old.lstrip("-").replace("-", "_"), None)
    if value is None:
        return
    warnings.warn(f"{old} is renamed {new}; the old flag stops working in the next release",
                  FutureWarning, stacklevel=2)
    setattr(args, new.lstrip("-").replace("-", "_"), value)


def add_sample_option(p) -> None:
    """``--include-excluded``: every model command analyses the kept respondents by default."""
    p.add_argument("--include-excluded", action="store_true",
                   help="also analyse the respondents screening excluded (column 'excluded' of "
                        "goalscope run's scores.csv); by default they are left out")


def print_sample(res) -> None:
    """The line "N analysed (k excluded by screening)" when the data carry screening flags."""
    if res.sample_note:
        print(f"respondents: {res.sample_note}")


def register(sub) -> None:
    p = sub.add_parser(
        "correlations", help="APA correlation table (M, SD, α, r with CI and p)", formatter_class=_formatter,
        description="Correlation table of scored variables: tidy long table (.csv/.xlsx/.parquet) or a "
                    "publication table (.md/.html).",
        epilog=textwrap.dedent("""\
            examples:
              goalscope correlations scores.csv --columns mastery_approach,procrastination,phq9 -o corr.md
              goalscope correlations scores.csv --columns a,b,c --method spearman --padjust holm -o corr.csv
              goalscope correlations scores.csv --columns a,b --covar age,gender --reliabilities a=.81,b=.77 --show-ci -o corr.html
            """))
    add_input_options(p)
    p.add_argument("--columns", required=True, metavar="A,B,...", help="the variables (comma-separated)")
    p.add_argument("--method", choices=["pearson", "spearman"], default="pearson")
    p.add_argument("--covar", metavar="C1,C2", help="covariates: partial correlations (df = n - 2 - k)")
    p.add_argument("--padjust", choices=["holm", "bonferroni", "fdr_bh"], help="adjust p over the pairs")
    p.add_argument("--reliabilities", metavar="COL=VALUE,...",
                   help="reliability (e.g. Cronbach's alpha) per column for the diagonal")
    p.add_argument("--nan-policy", choices=["pairwise", "listwise"], default="pairwise",
                   help="pairwise: each pair uses its complete rows; listwise: rows complete on every column "
                        "(default: pairwise)")
    p.add_argument("--show-ci", action="store_true", help="show the CI under each r in .md/.html tables")
    p.add_argument("--level", type=level_arg, default=0.95, metavar="L",
                   help="confidence level of the Fisher-z CIs (default 0.95)")
    add_retired_flag(p, "--alpha", "--reliabilities")
    add_retired_flag(p, "--missing", "--nan-policy", choices=["pairwise", "listwise"])
    add_retired_flag(p, "--ci", "--show-ci", action="store_const", const=True)
    add_sample_option(p)
    p.add_argument("-o", "--output", metavar="OUT", help=".csv/.xlsx/.parquet (long) or .md/.html (table)")
    p.set_defaults(func=cmd_correlations)

    p = sub.add_parser(
        "mediation", help="mediation with a vectorised bootstrap", formatter_class=_formatter,
        description="Indirect, direct and total effects with bootstrap CIs (parallel or serial mediators).",
        epilog=textwrap.dedent("""\
            examples:
              goalscope mediation scores.csv --x mastery_avoidance --m disorganization --y procrastination -o med.csv
              goalscope mediation scores.csv --x x --m m1,m2 --y y --covar age --serial --ci-method bca --seed 1 -o med.csv
            """))
    add_input_options(p)
    p.add_argument("--x", required=True, metavar="COLUMN", help="the predictor")
    p.add_argument("--m", required=True, metavar="M1,M2", help="mediator(s), comma-separated")
    p.add_argument("--y", required=True, metavar="COLUMN", help="the outcome")
    p.add_argument("--covar", metavar="C1,C2", help="covariates entered in every equation")
    p.add_argument("--serial", action="store_true", help="mediators in the given order (x -> m1 -> m2 -> y)")
    p.add_argument("--n-boot", type=n_boot_arg, default=5000, metavar="N", help="bootstrap resamples (default 5000)")
    p.add_argument("--seed", type=seed_arg, default=None, help="seed of the bootstrap (default: a fresh draw, printed so that the run can be repeated)")
    p.add_argument("--ci-method", choices=["percentile", "bca"], default="percentile",
                   help="bootstrap CI of the indirect effects (default: percentile)")
    p.add_argument("--level", type=level_arg, default=0.95, metavar="L",
                   help="confidence level of every CI (default 0.95)")
    add_retired_flag(p, "--ci", "--ci-method", choices=["percentile", "bca"])
    add_sample_option(p)
    p.add_argument("-o", "--output", metavar="OUT", help="output .csv/.xlsx/.parquet")
    p.set_defaults(func=cmd_mediation)


def cmd_correlations(args) -> int:
    from ..io.writers import atomic_write_text, write_table
    from .correlation_table import correlations

    flag = "--alpha" if args._retired_alpha is not None else "--reliabilities"
    for old, new in (("--alpha", "--reliabilities"), ("--missing", "--nan-policy"), ("--ci", "--show-ci")):
        take_retired(args, old, new)
    data = read_input(args)
    res = correlations(data, _cols(args.columns), method=args.method, covar=_cols(args.covar) or None,
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
    from .indirect_effects import mediation

    take_retired(args, "--ci", "--ci-method")
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
    if args.output:
        write_table(res.paths, args.output)
        print(f"wrote {args.output}")
    return 0

"""Model commands: ``correlations`` and ``mediation`` on a file of scores (thin: parse, call, print)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd

from ..cli import _formatter, add_input_options, n_boot_arg, read_input, seed_arg
from ..errors import DataError


def _cols(text: str | None) -> list:
    return [c.strip() for c in text.split(",") if c.strip()] if text else []


def _alpha_map(text: str | None) -> dict:
    out = {}
    for part in _cols(text):
        if "=" not in part:
            raise DataError(f"--alpha '{text}': write column=value pairs separated by commas, e.g. grit=.81")
        k, v = part.split("=", 1)
        try:
            out[k.strip()] = float(v)
        except ValueError:
            raise DataError(f"--alpha '{text}': '{v}' is not a number") from None
    return out


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
              goalscope correlations scores.csv --columns a,b --covar age,gender --alpha a=.81,b=.77 -o corr.html
            """))
    add_input_options(p)
    p.add_argument("--columns", required=True, metavar="A,B,...", help="the variables (comma-separated)")
    p.add_argument("--method", choices=["pearson", "spearman"], default="pearson")
    p.add_argument("--covar", metavar="C1,C2", help="covariates: partial correlations (df = n - 2 - k)")
    p.add_argument("--padjust", choices=["holm", "bonferroni", "fdr_bh"], help="adjust p over the pairs")
    p.add_argument("--alpha", metavar="COL=VALUE,...", help="Cronbach's alpha per column for the diagonal")
    p.add_argument("--missing", choices=["pairwise", "listwise"], default="pairwise")
    p.add_argument("--ci", action="store_true", help="show the CI under each r in .md/.html tables")
    add_sample_option(p)
    p.add_argument("-o", "--output", metavar="OUT", help=".csv/.xlsx/.parquet (long) or .md/.html (table)")
    p.set_defaults(func=cmd_correlations)

    p = sub.add_parser(
        "mediation", help="mediation with a vectorised bootstrap", formatter_class=_formatter,
        description="Indirect, direct and total effects with bootstrap CIs (parallel or serial mediators).",
        epilog=textwrap.dedent("""\
            examples:
              goalscope mediation scores.csv --x mastery_avoidance --m disorganization --y procrastination -o med.csv
              goalscope mediation scores.csv --x x --m m1,m2 --y y --covar age --serial --ci bca --seed 1 -o med.csv
            """))
    add_input_options(p)
    p.add_argument("--x", required=True, metavar="COLUMN")
    p.add_argument("--m", required=True, metavar="M1,M2", help="mediator(s), comma-separated")
    p.add_argument("--y", required=True, metavar="COLUMN")
    p.add_argument("--covar", metavar="C1,C2")
    p.add_argument("--serial", action="store_true", help="mediators in the given order (x -> m1 -> m2 -> y)")
    p.add_argument("--n-boot", type=n_boot_arg, default=5000, metavar="N", help="bootstrap resamples (default 5000)")
    p.add_argument("--seed", type=seed_arg, default=None, help="seed of the bootstrap (default: a fresh draw)")
    p.add_argument("--ci", choices=["percentile", "bca"], default="percentile")
    add_sample_option(p)
    p.add_argument("-o", "--output", metavar="OUT", help="output .csv/.xlsx/.parquet")
    p.set_defaults(func=cmd_mediation)


def cmd_correlations(args) -> int:
    from ..io.writers import atomic_write_text, write_table
    from .correlations import correlations

    data = read_input(args)
    res = correlations(data, _cols(args.columns), method=args.method, covar=_cols(args.covar) or None,
                       alpha=_alpha_map(args.alpha), padjust=args.padjust, missing=args.missing,
                       include_excluded=args.include_excluded)
    print_sample(res)
    out = args.output
    if out is None:
        print(res.to_markdown(ci=args.ci))
        return 0
    suffix = Path(out).suffix.lower()
    if suffix == ".md":
        atomic_write_text(out, res.to_markdown(ci=args.ci))
    elif suffix in (".html", ".htm"):
        res.to_html(out, ci=args.ci)
    else:
        write_table(res.long, out)
    print(f"wrote {out}")
    return 0


def cmd_mediation(args) -> int:
    from ..io.writers import write_table
    from .mediation import fit_mediation

    data = read_input(args)
    res = fit_mediation(data, args.x, _cols(args.m), args.y, covar=_cols(args.covar) or None, serial=args.serial,
                        n_boot=args.n_boot, seed=args.seed, ci=args.ci, include_excluded=args.include_excluded)
    print_sample(res)
    with pd.option_context("display.width", 140, "display.max_columns", 10):
        print(res.paths.to_string(index=False))
    print()
    print(res.apa().full_result)
    if args.output:
        write_table(res.paths, args.output)
        print(f"wrote {args.output}")
    return 0

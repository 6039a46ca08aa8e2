"""What every model command shares: the demo file of its examples, comma-separated columns, the
``--level``, ``--columns``, ``--seed``, ``--figure`` and ``-o`` options, renamed flags kept for one release,
and the report (sample line, overview, APA text, R call, ``-o`` table, ``--figure``)."""

from __future__ import annotations

import argparse
import warnings

from .arguments import add_level_option as _level  # noqa: F401  (the model commands import it from here)
from .arguments import seed_arg
from .results import print_r_call, save_figure_of, show_frame, tidy_table, write_output
from .sample import print_sample


#: the demo study's scores, as ``goalscope run data/raw/demo/study.yaml`` writes them (the examples run on it)
DEMO = "data/processed/demo/scores.csv"


def _cols(text: str | None) -> list:
    return [c.strip() for c in text.split(",") if c.strip()] if text else []


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


def _columns(p, what: str) -> None:
    """``--columns A,B,...`` (required): ``what``, comma-separated, patterns expanded
    (:func:`analysis.cli.arguments.column_list`)."""
    p.add_argument("--columns", required=True, metavar="A,B,...",
                   help=f"{what}, comma-separated; 'goals_*' takes every matching column (required)")


def _seed(p, what: str) -> None:
    """``--seed``: the seed of ``what``; without it a fresh one is drawn and printed."""
    p.add_argument("--seed", type=seed_arg, default=None,
                   help=f"seed of {what} (default: a fresh draw, printed so that the run can be repeated)")


def _figure(p, what: str) -> None:
    """``--figure PATH``: ``what`` (e.g. "the interaction plot") written as .png, .svg or .pdf."""
    p.add_argument("--figure", metavar="PATH", help=f"write {what} (.png, .svg or .pdf) (default: no figure)")


def _output(p) -> None:
    p.add_argument("-o", "--output", metavar="OUT",
                   help="write the tidy table (estimate, se, ci_low, ci_high, p_val ...) to OUT: .csv, .xlsx or "
                        ".parquet (default: print only)")


def _report(res, overview, args, note: str | None = None) -> int:
    """The sample line, the overview (a DataFrame, or a list of (title, DataFrame)), the APA text; the
    tidy table to ``-o``; the figure to ``--figure``."""
    print_sample(res, note)
    for title, frame in (overview if isinstance(overview, list) else [("", overview)]):
        if title:
            print(title)
        print(show_frame(frame))
    print()
    print(res.apa().full_result)
    print_r_call(res)
    if getattr(args, "output", None):
        write_output(tidy_table(res), args.output)
    if getattr(args, "figure", None):
        save_figure_of(res, args.figure)
    return 0

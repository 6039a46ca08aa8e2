"""Findings commands: ``findings`` (list / show the registry) and ``replicate`` (verdicts for a
file of scores). Thin: parse, call the library, print."""

from __future__ import annotations

from pathlib import Path


import pandas as pd

from ..errors import DataError
from .layout import add_command


def _pairs(text: str) -> dict:
    out = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if "=" not in part:
            raise DataError("", argument="--constructs", value=text,
                            hint="write construct=column pairs separated by commas, e.g. "
                                 "mastery_approach=goals_mastery_approach,procrastination=procr_total")
        k, v = part.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def register(sub) -> None:
    p = add_command(
        sub, "findings", "list the registry of published findings, or show one",
        "The published effects goalscope holds a study against: one row per finding, with its constructs, the "
        "published r (or only its direction), status (V read in the source, S secondary) and source.",
        "goalscope findings",
        "goalscope findings --construct procrastination",
        "goalscope findings howell-watson-2007-map-procrastination",
        "goalscope findings -o findings.csv")
    p.add_argument("id", nargs="?", metavar="ID", help="a finding id: show it in full")
    p.add_argument("--construct", metavar="NAME", help="only findings involving this construct")
    p.add_argument("--registry", metavar="FILE", help="a findings file of your own (default: the shipped registry)")
    p.add_argument("-o", "--output", metavar="OUT", help="write the registry table (.csv, .xlsx or .parquet)")
    p.set_defaults(func=cmd_findings)

    p = add_command(
        sub, "replicate", "replication verdicts for a file of scores",
        "Test every registered finding whose two constructs the file measures: difference from the published r "
        "(Fisher z), equivalence (TOST, ±sesoi), small telescopes (r33) and a one-line verdict.",
        "goalscope replicate scores.csv --constructs mastery_approach=agq_map,procrastination=pps_total",
        "goalscope replicate scores.csv --constructs mastery_approach=map,depression=phq -o verdicts.csv \\",
        "    --figure forest.png --sesoi 0.15")
    p.add_argument("file", metavar="FILE", help="scores: .csv/.tsv, .xlsx, .sav or .parquet")
    p.add_argument("--constructs", required=True, metavar="C=COL,...", help="construct=column pairs")
    p.add_argument("--finding", action="append", metavar="ID", help="only this finding (repeatable)")
    p.add_argument("--sesoi", type=float, default=0.10, help="equivalence bounds ±sesoi in r (default 0.10)")
    p.add_argument("--level", type=float, default=0.95, help="confidence level (default 0.95)")
    p.add_argument("--nan-policy", choices=["pairwise", "listwise"], default="pairwise",
                   help="missing scores: each correlation on the respondents with both (pairwise) or on those with all (listwise)")
    p.add_argument("--registry", metavar="FILE", help="a findings file of your own")
    p.add_argument("-o", "--output", metavar="OUT", help="write the verdict table (.csv, .xlsx or .parquet)")
    p.add_argument("--figure", metavar="PNG", help="write the forest plot (.png, .svg or .pdf)")
    p.set_defaults(func=cmd_replicate)


def cmd_findings(args) -> int:
    from ..findings.registry import describe_finding, get_finding, published_findings

    if args.id:
        print(describe_finding(get_finding(args.id, args.registry)))
        return 0
    from ..findings.registry import FindingsError, constructs_without_findings
    from ..findings.schema import CONSTRUCTS, unknown_names

    problem = unknown_names([args.construct] if args.construct is not None else [], CONSTRUCTS)
    if problem:
        raise FindingsError(problem, argument="--construct", value=args.construct,
                            hint="Give one of the valid constructs, or leave --construct out to list every finding.")
    table = published_findings(args.construct, registry=args.registry)
    if args.construct is not None and table.empty:
        raise FindingsError(constructs_without_findings(args.construct, args.registry), argument="--construct",
                            value=args.construct,
                            hint="Give a construct with findings, or leave --construct out to list every finding.")
    if args.output:
        from ..io import write_table

        out = write_table(table, args.output)
        print(f"{len(table)} findings -> {out}")
        return 0
    shown = table.assign(effect=[f"r = {v:g}" if v == v else f"{d} (direction)"
                                 for v, d in zip(table["value"], table["direction"])])
    with pd.option_context("display.width", 200, "display.max_colwidth", 60, "display.max_rows", None):
        print(shown[["id", "construct_x", "construct_y", "effect", "design", "status"]].to_string(index=False))
    print(f"\n{len(table)} findings; `goalscope findings ID` shows one with its source.")
    return 0


def cmd_replicate(args) -> int:
    from ..io import read_responses, write_table
    from ..findings.replication import replicate_study
    from ..findings.schema import CONSTRUCTS, unknown_names

    scores = read_responses(args.file)
    pairs = _pairs(args.constructs)
    problem = unknown_names(pairs, CONSTRUCTS)
    if problem:
        raise DataError(problem, argument="--constructs", value=args.constructs,
                        hint="Use constructs from that list; `goalscope findings --construct NAME` lists "
                             "the findings of one.")
    res = replicate_study(scores, constructs=pairs, findings=args.finding, sesoi=args.sesoi,
                          level=args.level, nan_policy=args.nan_policy, registry=args.registry)
    with pd.option_context("display.width", 250, "display.max_colwidth", 140, "display.max_rows", None):
        print(res.apa().table.to_string(index=False) if len(res) else "no finding tested")
    for note in res.notes:
        print(f"note: {note}")
    if args.output:
        print(f"verdicts -> {write_table(res.table(), args.output)}")
    if args.figure:
        if not len(res):
            raise DataError("no finding was tested, so there is nothing to plot", argument="--figure",
                            value=Path(args.figure), hint="Leave --figure out, or give --constructs for the two "
                                                    "constructs of a registered finding.")
        res.figure(args.figure)
        print(f"forest plot -> {args.figure}")
    return 0

"""Psychometrics commands: ``goalscope reliability`` and ``goalscope cfa``."""

from __future__ import annotations

import textwrap
import warnings
from pathlib import Path

import pandas as pd

from ..command_options import (_formatter, add_input_options, add_item_options, audit_path, item_options_from_args, level_arg,
                   n_boot_arg, read_input, seed_arg)
from ..deprecation import renamed_flag
from ..errors import DataError


def register(sub) -> None:
    p = sub.add_parser(
        "reliability", help="α (Feldt/bootstrap CI), ω and item statistics per scale", formatter_class=_formatter,
        description="Reliability of every scale of an instrument: α raw and standardised with its CI, ω total "
                    "(and ω hierarchical for instruments with three or more scales), average r. Item statistics "
                    "(mean, SD, missing, item-rest r, α if deleted) go to OUT.items.csv.",
        epilog=textwrap.dedent("""\
            examples:
              goalscope reliability survey.csv --instrument agq-r --columns "AGQ_{n}" -o reliability.csv
              goalscope reliability bfi.csv --instrument my_keys/bfi.yaml --nan-policy listwise -o rel.csv
              goalscope reliability survey.csv --instrument agq --columns "Q{n}" --n-boot 2000 --seed 1 -o rel.xlsx
            """))
    add_input_options(p)
    add_item_options(p)
    g = p.add_argument_group("reliability")
    g.add_argument("--nan-policy", choices=["pairwise", "listwise"], default="pairwise",
                   help="missing answers: pairwise covariances (psych's default) or complete respondents only")
    g.add_argument("--n-boot", type=n_boot_arg, metavar="N", help="bootstrap resamples for a percentile CI of α")
    g.add_argument("--seed", type=seed_arg, help="seed of the bootstrap (default: a fresh one, stated on the output)")
    g.add_argument("--level", type=level_arg, default=0.95, help="confidence level of the CIs of α (default 0.95)")
    renamed_flag(g, "--ci", "--level", type=level_arg)
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="output .csv, .xlsx or .parquet")
    p.set_defaults(func=cmd_reliability)

    p = sub.add_parser(
        "cfa", help="CFA of an instrument's structure (or a model); invariance across a group",
        formatter_class=_formatter,
        description="Confirmatory factor analysis by ML (lavaan's defaults; listwise deletion). Without --group, "
                    "OUT holds the parameter estimates and OUT.fit.csv the fit indices. With --group, OUT holds "
                    "the invariance ladder (configural, metric, scalar, strict) and OUT.estimates.csv the "
                    "estimates of every fitted step.",
        epilog=textwrap.dedent("""\
            examples:
              goalscope cfa survey.csv --instrument agq --columns "AGQ_{n}" -o cfa.csv
              goalscope cfa survey.csv --instrument agq --columns "AGQ_{n}" --model trichotomous.lav -o cfa3.csv
              goalscope cfa survey.csv --instrument agq-r --columns "AGQ_{n}" --group gender -o invariance.csv
            """))
    add_input_options(p)
    add_item_options(p, instrument_required=False)
    g = p.add_argument_group("model")
    g.add_argument("--model", metavar="FILE", help="lavaan-style model file (default: one factor per scale of the key)")
    g.add_argument("--group", metavar="COLUMN", help="grouping column: test measurement invariance across it")
    g.add_argument("--std-lv", action="store_true", help="identify factors by unit variance (default: first loading 1)")
    g.add_argument("--fiml", action="store_true",
                   help="use every answer (full-information ML, lavaan missing='ml'); default: listwise deletion")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="output .csv, .xlsx or .parquet")
    p.set_defaults(func=cmd_cfa)


def _beside(out: str, tag: str) -> Path:
    p = Path(out)
    return p.with_name(f"{p.stem}.{tag}{p.suffix}")


def _write_audit(audit, out) -> None:
    from ..io import write_table

    if audit is not None and len(audit):
        ap = write_table(audit, audit_path(Path(out).with_suffix(".csv")))
        print(f"{len(audit)} value(s) set to missing; listed in {ap}")


def cmd_reliability(args) -> int:
    from ..io import write_table
    from ..scoring import prepare_items
    from .keying import KeyingWarning
    from .internal_consistency import item_statistics, reliability

    data = read_input(args)
    items = prepare_items(data, args.instrument, source=data.attrs.get("source"), **item_options_from_args(args))
    with warnings.catch_warnings():  # the keying warnings are printed below, once, on stdout
        warnings.simplefilter("ignore", KeyingWarning)
        rel = reliability(items, nan_policy=args.nan_policy, level=args.level, n_boot=args.n_boot, seed=args.seed)
    stats = item_statistics(items, nan_policy=args.nan_policy)
    out = write_table(rel.table(), args.output)
    items_out = write_table(stats.table(), _beside(args.output, "items"))
    print(f"reliability of {items.instrument.id} ({args.nan_policy} missing-data policy) -> {out}; items -> {items_out}")
    if args.n_boot:
        print(f"  bootstrap: {args.n_boot} resamples, seed {rel.options['seed']} (give --seed to repeat it)")
    for r in rel.itertuples():
        print(f"  {r.scale}: {r.apa} (n = {r.n})")
    for message in rel["keying_warning"]:
        if message:
            print(f"warning: {message}")
    _write_audit(items.audit, args.output)
    return 0


def cmd_cfa(args) -> int:
    from ..io import write_table
    from .confirmatory import cfa
    from .measurement_invariance import invariance

    if not args.instrument and not args.model:
        raise DataError("give --instrument (its scales are the factors) or --model FILE (lavaan syntax)")
    data = read_input(args)
    model = None
    if args.model:
        p = Path(args.model)
        if not p.exists():
            raise DataError(f"model file '{p}' does not exist")
        model = p.read_text(encoding="utf-8")
    opts = item_options_from_args(args) if args.instrument else {}
    if args.group:
        res = invariance(data, model, args.group, instrument=args.instrument or None,
                         nan_policy="fiml" if args.fiml else "listwise", **opts)
        out = write_table(res.table(), args.output)
        est = pd.concat([f.estimates.assign(step=s) for s, f in res.fits.items()], ignore_index=True)
        est_out = write_table(est, _beside(args.output, "estimates"))
        print(f"invariance across {args.group} ({res.nan_policy}: {res.n} used, {res.n_excluded} excluded) -> {out}; "
              f"estimates -> {est_out}")
        for r in res.table().itertuples():
            print(f"  {r.step}: {r.apa} [{r.decision}]")
        print(f"  {res.apa()}")
        _write_audit(res.audit, args.output)
        return 0
    res = cfa(data, model, instrument=args.instrument or None, std_lv=args.std_lv,
              nan_policy="fiml" if args.fiml else "listwise", **opts)
    out = write_table(res.estimates, args.output)
    fit_out = write_table(res.summary(), _beside(args.output, "fit"))
    print(f"CFA (ML, {res.nan_policy}: {res.n} used, {res.n_excluded} excluded) -> {out}; fit -> {fit_out}")
    print(f"  {res.apa()}")
    _write_audit(res.audit, args.output)
    return 0

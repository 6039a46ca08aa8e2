"""Psychometrics commands: ``goalscope reliability``, ``goalscope cfa`` and ``goalscope efa``."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from ..checks import check_columns
from ..deprecation import renamed_flag
from ..errors import DataError
from ..scoring.scorer import audit_path
from .arguments import add_level_option, column_list, level_arg, n_boot_arg, parse_codes, seed_arg
from .inputs import add_input_options, add_item_options, item_options_from_args, read_input
from .layout import add_command
from .messages import about_file
from .outputs import check_output_names
from .results import print_r_call, show_frame, tidy_table, write_output
from .sample import add_sample_option, kept_rows, print_sample


#: the demo export (the examples run on it) and its quirks for the AGQ-R (administered 1-7, -99 = no answer)
DEMO_RAW = "data/raw/demo/responses.csv"
DEMO_QUIRKS = "--response-min 1 --response-max 7 --missing -99"


def register(sub) -> None:
    p = add_command(
        sub, "reliability", "α (Feldt/bootstrap CI), ω and item statistics per scale",
        "Reliability of every scale of an instrument: α raw and standardised with its CI, ω total "
            "(and ω hierarchical for instruments with three or more scales), average r. Item statistics "
            "(mean, SD, missing, item-rest r, α if deleted) go to OUT.items.csv.",
        f"goalscope reliability {DEMO_RAW} --instrument agq-r --columns 'agq_{{n}}' {DEMO_QUIRKS} -o reliability.csv",
        f"goalscope reliability {DEMO_RAW} --instrument pps --columns 'pps_{{n}}' --missing -99 --nan-policy listwise "
            f"-o rel.csv",
        f"goalscope reliability {DEMO_RAW} --instrument agq-r --columns 'agq_{{n}}' {DEMO_QUIRKS} --n-boot 2000 "
            f"--seed 1 -o rel.xlsx")
    add_input_options(p)
    add_item_options(p)
    g = p.add_argument_group("reliability")
    g.add_argument("--nan-policy", choices=["pairwise", "listwise"], default="pairwise",
                   help="missing answers: pairwise covariances (psych's default) or complete respondents only "
                        "(default: pairwise)")
    g.add_argument("--n-boot", type=n_boot_arg, metavar="N",
                   help="bootstrap resamples (at least 100) for a percentile CI of α (default: none, the Feldt CI)")
    g.add_argument("--seed", type=seed_arg, help="seed of the bootstrap (default: a fresh one, stated on the output)")
    add_level_option(g, "the CIs of α")
    renamed_flag(g, "--ci", "--level", type=level_arg)
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output .csv, .xlsx or .parquet; item statistics go to OUT.items.<ext> beside it (required)")
    p.set_defaults(func=cmd_reliability)

    p = add_command(
        sub, "cfa", "CFA of an instrument's structure (or a model); invariance across a group",
        "Confirmatory factor analysis by ML (lavaan's defaults; listwise deletion). Without --group, "
            "OUT holds the parameter estimates and OUT.fit.csv the fit indices. With --group, OUT holds "
            "the invariance ladder (configural, metric, scalar, strict) and OUT.estimates.csv the "
            "estimates of every fitted step.",
        f"goalscope cfa {DEMO_RAW} --instrument agq-r --columns 'agq_{{n}}' {DEMO_QUIRKS} -o cfa.csv",
        f"goalscope cfa {DEMO_RAW} --instrument agq-r --columns 'agq_{{n}}' {DEMO_QUIRKS} --std-lv --fiml -o cfa.csv",
        f"goalscope cfa {DEMO_RAW} --instrument agq-r --columns 'agq_{{n}}' {DEMO_QUIRKS} --group gender "
            f"-o invariance.csv",
        "goalscope cfa survey.csv --instrument agq --columns 'AGQ_{n}' --model trichotomous.lav -o cfa3.csv")
    add_input_options(p)
    add_item_options(p, instrument_required=False)
    g = p.add_argument_group("model")
    g.add_argument("--model", metavar="FILE", help="lavaan-style model file (default: one factor per scale of the key)")
    g.add_argument("--group", metavar="COLUMN",
                   help="grouping column: test measurement invariance across it (default: none, one group)")
    g.add_argument("--std-lv", action="store_true", help="identify factors by unit variance (default: first loading 1)")
    g.add_argument("--fiml", action="store_true",
                   help="use every answer (full-information ML, lavaan missing='ml') (default: listwise deletion)")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output .csv, .xlsx or .parquet; fit indices (or, with --group, the estimates) go to "
                        "OUT.fit.<ext> (OUT.estimates.<ext>) beside it (required)")
    p.set_defaults(func=cmd_cfa)
    _register_efa(sub)


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
    from ..psychometrics.keying import KeyingWarning
    from ..psychometrics.internal_consistency import reliability
    from ..psychometrics.item_analysis import item_statistics

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
    from ..psychometrics.confirmatory import cfa
    from ..psychometrics.measurement_invariance import invariance

    if not args.instrument and not args.model:
        raise DataError("is not given, and no --model either", argument="--instrument", value=None,
                        hint="give --instrument (its scales are the factors) or --model FILE (lavaan syntax)")
    data = read_input(args)
    model = None
    if args.model:
        p = Path(args.model)
        if not p.exists():
            raise DataError("does not exist", file=str(p), within="--model",
                            hint="Check the path, or give --instrument to fit its scales as factors.")
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


ROTATIONS = ("oblimin", "quartimin", "geomin", "promax", "varimax", "none")


def _n_factors(text: str) -> int:
    import argparse

    from ..checks import show

    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{show(text)} is not a number of factors; give a whole number of 1 or more")
    return n


def _register_efa(sub) -> None:
    p = add_command(
        sub, "efa", "exploratory factor analysis (minres, oblimin) with KMO and Bartlett's test",
        "Exploratory factor analysis by minimum residual with psych's defaults (R: psych::fa(x, "
            "nfactors, rotate = 'oblimin', fm = 'minres')): pattern loadings, communalities (h2), "
            "uniquenesses (u2), variance explained, factor correlations, KMO and Bartlett's test. The "
            "items are the keyed items of --instrument (reverse-keyed items reversed) or plain columns "
            "(--columns A1,A2,... without --instrument). OUT holds the loadings.",
        f"goalscope efa {DEMO_RAW} --instrument agq-r --columns 'agq_{{n}}' {DEMO_QUIRKS} --n-factors 4 -o efa.csv",
        f"goalscope efa {DEMO_RAW} --columns 'agq_*' --missing -99 --n-factors 4 --rotation promax",
        f"goalscope efa {DEMO_RAW} --columns 'pps_*' --missing -99 --n-factors 1 --cor polychoric "
            f"--nan-policy listwise -o pps_efa.xlsx")
    add_input_options(p)
    add_item_options(p, instrument_required=False,
                     columns_help="with --instrument: the item columns by pattern, e.g. 'AGQ_{n}' (default: the "
                                  "key's item ids); without: the item columns, comma-separated, 'A*' takes every "
                                  "matching column (default: every column)")
    g = p.add_argument_group("factor analysis")
    g.add_argument("--n-factors", required=True, type=_n_factors, metavar="K", help="number of factors (required)")
    g.add_argument("--rotation", choices=ROTATIONS, default="oblimin",
                   help="rotation; oblimin, quartimin, geomin and promax are oblique (default: oblimin)")
    g.add_argument("--cor", choices=["pearson", "polychoric"], default="pearson",
                   help="correlations factored: Pearson, or polychoric for ordinal answers (default: pearson)")
    g.add_argument("--nan-policy", choices=["pairwise", "listwise"], default="pairwise",
                   help="missing answers: pairwise correlations (psych's default) or complete respondents only "
                        "(default: pairwise)")
    add_sample_option(p)
    p.add_argument("-o", "--output", metavar="OUT",
                   help="write the loadings (item, factors, h2, u2) to OUT: .csv, .xlsx or .parquet (default: print only)")
    p.set_defaults(func=cmd_efa)


def cmd_efa(args) -> int:
    from ..psychometrics.exploratory import efa

    check_output_names(args)
    data = read_input(args)
    with about_file(args.file):
        data, note = kept_rows(data, args.include_excluded, "efa")
        if args.instrument:
            opts = item_options_from_args(args)
            columns = opts.pop("columns", None)
            res = efa(data, args.n_factors, columns=columns, instrument=args.instrument, rotation=args.rotation,
                      cor=args.cor, nan_policy=args.nan_policy, source=data.attrs.get("source"), **opts)
        else:
            quirks = [f for f, v in (("--map", args.map), ("--columns-regex", args.columns_regex),
                                     ("--columns-prefix", args.columns_prefix), ("--recode", args.recode), ("--labels", args.labels),
                                     ("--reversed-in-file", args.reversed_in_file),
                                     ("--response-min", args.response_min), ("--response-max", args.response_max),
                                     ("--anchors-reversed", args.anchors_reversed)) if v]
            if quirks:
                raise DataError("is about an instrument's items", argument=quirks[0], value=None, within="efa",
                                hint="give --instrument, or leave it out to factor plain columns")
            columns = column_list(args.columns, "--columns", data.columns) or None
            if columns is None:
                columns = [c for c in data.columns if c not in ("excluded", "excluded_by", args.id)]
            check_columns(data, columns, "efa")
            items = data[columns]
            _check_numeric(items, args.missing)
            if args.missing:
                codes = parse_codes(args.missing)
                coded = items.isin(codes) | items.astype(str).isin([str(c) for c in codes])
                items = items.mask(coded)
                items.attrs = dict(data.attrs)
                print(f"{int(coded.to_numpy().sum())} answer(s) coded {args.missing} treated as missing (--missing)")
            res = efa(items, args.n_factors, columns=columns, rotation=args.rotation, cor=args.cor,
                      nan_policy=args.nan_policy)
    print_sample(res, note)
    print(f"{res.n} respondents ({args.nan_policy} correlations); {res.apa_text}")
    print(show_frame(res.variance.rename_axis("factor")))
    print()
    print(show_frame(res.table(), digits=2))
    if res.phi is not None:
        print("\nfactor correlations:")
        print(show_frame(res.phi, digits=2))
    print_r_call(res)
    if args.output:
        write_output(tidy_table(res, index_name="item"), args.output)
        _write_audit(res.audit, args.output)
    return 0


def _check_numeric(items: pd.DataFrame, missing) -> None:
    """A text answer (or a negative zero) in a plain item column stops the EFA naming the file, the
    row as the file shows it, the column and the value (:func:`analysis.checks.check_numeric`);
    answers coded ``missing`` are left to the caller."""
    from ..checks import check_numeric

    codes = {str(c) for c in (parse_codes(missing) or [])}
    plain = items.mask(items.astype(str).isin(codes))
    plain.attrs = dict(items.attrs)
    check_numeric(plain, list(items.columns), "efa", na_tokens=False,
                  hint="factor only numeric item columns (score or recode text answers first, e.g. with "
                       "--instrument and --labels)")

"""The ``screen`` command: careless-responding indices, exclusion rules, flags and flow."""

from __future__ import annotations

import warnings
from pathlib import Path

from ..errors import DataError
from ..scoring.scorer import audit_path
from .arguments import seed_arg
from .inputs import add_input_options, add_item_options, item_options_from_args, read_input, study_file_items
from .layout import add_command

#: inline rules, applied in this order after the rules of --rules
_INLINE_ORDER = ["attention", "speed", "duplicate_id", "missing", "longstring", "irv", "mahad", "evenodd",
                 "psychsyn", "psychant", "duplicate_pattern"]


def register(sub) -> None:
    p = add_command(
        sub, "screen", "careless-responding indices, exclusion flags and the exclusion flow",
        "Compute careless-responding indices per respondent (longstring, IRV, Mahalanobis D², even-odd, "
        "psychometric synonyms/antonyms, missing share, duplicates, time per item, attention items; careless "
        "1.2.2 definitions), apply exclusion rules in order, and write every respondent with one flag per rule "
        "(nothing is dropped), the exclusion flow table (OUT.flow.csv) and its CONSORT-style figure "
        "(OUT.flow.png + .svg).",
        'goalscope screen survey.csv --instrument agq-r --columns "AGQ_{n}" --rules rules.yaml -o screen.csv',
        'goalscope screen survey.csv --instrument agq-r --columns "AGQ_{n}" --response-min 1 --response-max 7 \\',
        "    --attention att_1=4 --speed duration_s:2 --longstring-max 10 --mahad-confidence .99 -o screen.csv",
        "goalscope screen data/raw/demo/responses.csv --rules data/raw/demo/study.yaml -o screen.csv",
        notes="""\
        A rules file is YAML, the same as a study file's screening: block (a study file itself works:
        without --instrument its instruments are screened with their quirks), e.g.
          attention:  {column: att_1, expect: 4}
          speed:      {column: duration_s, min_seconds_per_item: 2}
          longstring: {max: 10}
          mahad:      {confidence: .99, exclude: false}
        Rules: attention, speed, longstring, irv, mahad, evenodd, psychsyn, psychant, missing,
        duplicate_id, duplicate_pattern. An inline flag replaces the file's rule of the same kind
        (in its place); other inline rules follow the file's, in the order attention, speed,
        duplicate_id, missing, longstring, irv, mahad, evenodd, psychsyn, psychant, duplicate_pattern.
        """)
    add_input_options(p)
    add_item_options(p, instrument_required=False)
    g = p.add_argument_group("exclusion rules")
    g.add_argument("--rules", metavar="FILE", help="YAML rules file, or a study file (its screening: block)")
    g.add_argument("--attention", metavar="COL=VALUE", action="append",
                   help="instructed-response item and its required answer(s), e.g. att_1=4 or att_2=1,2 (repeatable)")
    g.add_argument("--speed", metavar="COL:SECONDS", help="completion-time column (seconds) and the fewest seconds "
                                                          "per item, e.g. duration_s:2")
    g.add_argument("--missing-max", type=float, metavar="P", help="exclude above this share of unanswered items")
    g.add_argument("--longstring-max", type=int, metavar="N", help="exclude a longest run of identical answers above N")
    g.add_argument("--irv-min", type=float, metavar="SD", help="exclude a response SD below this")
    g.add_argument("--irv-max", type=float, metavar="SD", help="exclude a response SD above this")
    g.add_argument("--mahad-confidence", type=float, metavar="P", help="exclude D² above the χ² quantile P (e.g. .99)")
    g.add_argument("--evenodd-max", type=float, metavar="X", help="exclude even-odd above X (careless sign, −1…1)")
    g.add_argument("--psychsyn-min-r", type=float, metavar="R", help="exclude a synonym correlation below R")
    g.add_argument("--psychant-max-r", type=float, metavar="R", help="exclude an antonym correlation above R")
    g.add_argument("--critval", type=float, metavar="R", help="critical item correlation for synonyms/antonyms "
                                                            "(default .60)")
    g.add_argument("--duplicates", action="store_true", help="exclude repeated ids (with --id-column) and repeated answer "
                                                             "patterns, keeping the first")
    g.add_argument("--flag-only", metavar="RULES", help="comma-separated rules that flag but do not exclude, e.g. mahad")
    p.add_argument("--seed", type=seed_arg, help="seed of careless's NA resampling in psychsyn (default: a fresh "
                                                 "one, printed; give it again to repeat a run)")
    p.add_argument("--no-figure", action="store_true", help="do not draw OUT.flow.png / .svg")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="output .csv, .xlsx or .parquet")
    p.set_defaults(func=cmd_screen)


def _inline_rules(args, spec: dict) -> list:
    rules = {}
    if args.attention:
        cols = {}
        for item in args.attention:
            if "=" not in item:
                raise DataError("", argument="--attention", value=item, hint="write COLUMN=VALUE, e.g. att_1=4")
            col, val = item.split("=", 1)
            vals = [_num(v) for v in val.split(",") if v.strip()]
            cols[col.strip()] = vals[0] if len(vals) == 1 else vals
        rules["attention"] = {"columns": cols}
    if args.speed:
        if ":" not in args.speed:
            raise DataError("", argument="--speed", value=args.speed,
                            hint="write COLUMN:SECONDS_PER_ITEM, e.g. duration_s:2")
        col, sec = args.speed.rsplit(":", 1)
        rules["speed"] = {"column": col, "min_seconds_per_item": _num(sec)}
    if args.duplicates and (args.id or spec.get("id_column")):
        rules["duplicate_id"] = {}
    if args.missing_max is not None:
        rules["missing"] = {"max_proportion": args.missing_max}
    if args.longstring_max is not None:
        rules["longstring"] = {"max": args.longstring_max}
    if args.irv_min is not None or args.irv_max is not None:
        rules["irv"] = {k: v for k, v in (("min", args.irv_min), ("max", args.irv_max)) if v is not None}
    if args.mahad_confidence is not None:
        rules["mahad"] = {"confidence": args.mahad_confidence}
    if args.evenodd_max is not None:
        rules["evenodd"] = {"max": args.evenodd_max}
    if args.psychsyn_min_r is not None:
        rules["psychsyn"] = {"min_r": args.psychsyn_min_r, **({"critval": args.critval} if args.critval else {})}
    if args.psychant_max_r is not None:
        rules["psychant"] = {"max_r": args.psychant_max_r, **({"critval": args.critval} if args.critval else {})}
    if args.duplicates:
        rules["duplicate_pattern"] = {}
    return [{name: rules[name]} for name in _INLINE_ORDER if name in rules]


def _num(text):
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def cmd_screen(args) -> int:
    from ..io import write_table
    from ..formatting.flow import flow_figure
    from ..screening.careless_responding import careless, screening_audit
    from ..screening.rules import apply_rules, index_options, load_rules, parse_rules

    data = read_input(args)
    opts = item_options_from_args(args)
    id_column = opts.pop("id_column", None)
    columns = opts.pop("columns", None)
    rules = load_rules(args.rules) if args.rules else []
    study = study_file_items(args.rules) if args.rules else None
    if args.instrument:
        instrument = args.instrument
    elif study is not None:
        instrument, shared = study
        id_column = id_column or shared.pop("id_column", None)
        if opts.get("on_invalid") == "error":  # the flag's default: the study file's setting wins
            opts.pop("on_invalid")
        shared.update(opts)
        if "missing" in opts and study[1].get("missing"):
            shared["missing"] = list(study[1]["missing"]) + list(opts["missing"])
        opts = shared
    else:
        raise DataError("is not given, and no study file in --rules lists instruments", argument="--instrument",
                        value=None, hint="say which items to screen: --instrument ID|PATH (with --columns), or "
                                         "--rules with a study file that lists its instruments")
    inline = parse_rules(_inline_rules(args, {"id_column": id_column}), source="command-line rules")
    # a flag replaces the file's rule of the same kind in place; other flags are applied after the file's
    given = {r.rule: r for r in inline}
    rules = [given.pop(r.rule, r) for r in rules] + [r for r in inline if r.rule in given]
    if args.flag_only:
        names = {n.strip() for n in args.flag_only.split(",") if n.strip()}
        unknown = names - {r.rule for r in rules}
        if unknown:
            raise DataError(f"names rule(s) that are not in use: {', '.join(sorted(unknown))}", argument="--flag-only",
                            value=args.flag_only,
                            hint=f"name rules in use ({', '.join(r.rule for r in rules) or 'none yet'}), or turn the "
                                 f"rule on with its flag or in --rules")
        rules = [r.model_copy(update={"exclude": False}) if r.rule in names else r for r in rules]
    idx_opts = index_options(rules)
    if args.critval and "critval" not in idx_opts:
        idx_opts["critval"] = args.critval
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        indices = careless(data, instrument, columns, id_column=id_column, seed=args.seed,
                           source=data.attrs.get("source"), **idx_opts, **opts)
    result = apply_rules(indices, rules, data=data, id_column=id_column)
    flags = result.flags
    if id_column:
        flags.insert(0, id_column, data[id_column].to_numpy())
    else:
        flags.insert(0, "row", flags.index + int(data.attrs.get("first_row", 1)))
    out = write_table(flags, args.output)
    base = Path(args.output)
    flow_path = write_table(result.flow, base.with_name(base.stem + ".flow.csv"))
    print(f"screened {len(flags)} rows of {args.file} over {int(indices['n_items'].iloc[0]) if len(indices) else 0} "
          f"items -> {out} (seed {indices.options['seed']})")
    for w in caught:
        print(f"note: {w.message}")
    print(result.flow_text())
    print(f"flow table -> {flow_path}")
    if not args.no_figure and len(rules):
        fig_path = base.with_name(base.stem + ".flow.png")
        flow_figure(result.flow, fig_path, n_received=result.n_received)
        print(f"flow figure -> {fig_path} (+ .svg)")
    audit = screening_audit(result)
    if len(audit):
        ap = write_table(audit, audit_path(base.with_suffix(".csv")))
        print(f"{len(audit)} value(s) set to missing; listed in {ap}")
    return 0

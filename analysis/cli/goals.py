"""The ``goals`` command: code goal statements, write a coding sheet, measure coder agreement."""

from __future__ import annotations

import sys
from pathlib import Path

from ..checks import near_columns
from ..deprecation import renamed_flag
from ..errors import DataError
from .inputs import add_input_options, read_input
from .layout import add_command
from .outputs import OUTPUT_OPTIONS


def register(sub) -> None:
    p = add_command(
        sub, "goals", "code staff goal statements as outcome / performance / mastery goals",
        "First-pass coding of free-text goal statements by transparent rules (a YAML lexicon): one row per "
        "statement with goal_type, the features that decided it and the words that triggered each, and a "
        "mastery-goal rewrite template. For human review: --coding-sheet writes a workbook for two coders "
        "(blank answers and those the trained coder codes not_a_goal left out, the least certain first), "
        "--agreement compares their codes with each other, with the rules and with the trained coder (percent "
        "agreement, Cohen's kappa with CI, Krippendorff's alpha).",
        "goalscope goals goals.csv --text goal -o coded.xlsx",
        "goalscope goals goals.csv --text goal --id-column respondent --coding-sheet coding.xlsx",
        "goalscope goals coding.xlsx --agreement -o agreement.csv",
        "goalscope goals goals.csv --text goal --lexicon my_lexicon.yaml -o coded.csv",
        "goalscope goals train coded_sheet.csv -o coder.skops",
        "goalscope goals goals.csv --text goal --coder coder.skops -o coded.csv",
        notes="""\
        The coded file holds the statements: it is for the analyst, not for managers. Team reports
        get shares per unit only (analysis.goals.goal_shares), never the text.
        """)
    add_input_options(p)
    p.add_argument("train_sheet", nargs="?", metavar="CODING_SHEET",
                   help="with FILE = train: the coded sheet (statement, label) to train a coder from")
    g = p.add_argument_group("goal statements")
    g.add_argument("--text", metavar="COLUMN", help="column holding the goal statements")
    g.add_argument("--id-column", dest="id", metavar="COLUMN",
                   help="statement or respondent id column (default: the file row)")
    renamed_flag(g, "--id", "--id-column", dest="id", metavar="COLUMN")
    g.add_argument("--lexicon", default="en", metavar="ID|PATH", help="rule lexicon: shipped id (en) or a YAML file")
    g.add_argument("--coder", metavar="default|CODER.skops",
                   help="code with a trained coder (the shipped 'default' or a file from goalscope goals train) "
                        "instead of the rules; also the coder that filters and orders --coding-sheet and is "
                        "compared by --agreement (default there: the shipped coder)")
    g.add_argument("--coding-sheet", metavar="SHEET.xlsx", help="write a coding sheet for two human coders")
    g.add_argument("--agreement", action="store_true",
                   help="FILE is a filled coding sheet: report agreement between coders and with the rules")
    g.add_argument("--level", type=float, default=0.95, help="confidence level for kappa (default 0.95)")
    p.add_argument("-o", "--output", metavar="OUT", help="coded statements (.xlsx or .csv), or the agreement table")
    p.set_defaults(func=cmd_goals)


def cmd_goals(args) -> int:
    import pandas as pd

    from ..io import write_table
    from ..goals.coder import CODING_COLUMNS, code_goals
    from ..goals.sheet import goal_agreement, plan_coding_sheet, write_coding_sheet

    if args.file == "train":
        return _train(args)
    if args.agreement:
        res = goal_agreement(args.file, lexicon=args.lexicon, level=args.level, coder=args.coder or "default")
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            print(res.table().round(4).to_string(index=False))
        print(res.apa())
        if args.output:
            print(f"agreement -> {write_table(res.table(), args.output)}")
        return 0
    if not args.text:
        raise DataError("is not given", argument="--text", value=None,
                        hint="name the column holding the goal statements with --text COLUMN "
                             "(or give a filled coding sheet with --agreement)")
    if not args.output and not args.coding_sheet:
        raise DataError("is not given, and no --coding-sheet either", argument="-o", value=None,
                        hint="say what to write: -o coded.xlsx (or .csv) for the rules' coding, "
                             "--coding-sheet sheet.xlsx for human coders, or both")
    if args.output and Path(args.output).suffix.lower() not in (".xlsx", ".csv"):
        raise DataError("", file=args.output, within=OUTPUT_OPTIONS["output"],
                        hint="use a .xlsx or .csv file name for the coded statements")
    data = read_input(args)
    if args.text not in data.columns:
        raise DataError("is not in the data", file=args.file, column=args.text, item="--text",
                        hint=f"name the goal-statement column with --text (columns: "
                             f"{', '.join(map(str, data.columns[:12]))})." + near_columns(args.text, data))
    if args.coding_sheet:
        plan = plan_coding_sheet(data, args.text, id_column=args.id, coder=args.coder or "default")
        out = write_coding_sheet(data, args.text, args.coding_sheet, id_column=args.id, coder=args.coder or "default")
        print(f"coding sheet: {plan.note()}", file=sys.stderr)
        print(f"coding sheet for two coders, {len(plan.kept)} statements, least certain first -> {out}")
    if args.output and args.coder:
        return _code_with_coder(args, data)
    if args.output:
        coding = code_goals(data, text=args.text, lexicon=args.lexicon, id_column=args.id)
        table = coding.data
        first = int(data.attrs.get("first_row", 1))
        lead = [args.id] if args.id else []
        out_df = table[lead + [args.text] + CODING_COLUMNS].copy()
        if not args.id:
            out_df.insert(0, "row", table.index + first)
        if Path(args.output).suffix.lower() == ".xlsx":
            from ..io.writers import atomic_write_bytes
            from ..goals.report import coded_workbook_bytes

            out = atomic_write_bytes(args.output, coded_workbook_bytes(coding, out_df))
        else:
            out = write_table(out_df, args.output)
        counts = ", ".join(f"{int(r.n)} {r.goal_type}" for r in coding.summary().itertuples())
        print(f"{coding.n} statements: {counts} -> {out}")
        print(coding.note)
    return 0


def _train(args) -> int:
    """goalscope goals train SHEET -o coder.skops: fit, print the cross-validation, save."""
    import pandas as pd

    from ..goals.model import train_goal_coder

    if not args.train_sheet or not args.output:
        raise DataError("is not given", argument="-o" if args.train_sheet else "CODING_SHEET", value=None,
                        within="goals train", hint="usage: goalscope goals train CODING_SHEET -o coder.skops "
                                                   "(the sheet holds columns 'statement' and 'label')")
    coder = train_goal_coder(args.train_sheet, level=args.level)
    with pd.option_context("display.width", 160):
        print(coder.table().round(4).to_string(index=False))
    print(coder.apa())
    print(f"training data sha256 {coder.meta['data_sha256']}")
    print(f"coder -> {coder.save(args.output)}")
    return 0


def _code_with_coder(args, data) -> int:
    """Code the statements with a trained coder: class, probabilities and the features with their words."""
    import pandas as pd

    from ..io import write_table
    from ..goals.features import statement_features
    from ..goals.model import CLASSES, get_goal_coder
    from ..goals.rewrite import mastery_rewrite

    coder = get_goal_coder(args.coder)
    texts = data[args.text].tolist()
    proba = coder.predict_proba(texts).add_prefix("p_")
    feats = pd.DataFrame([statement_features(t) for t in texts])
    types = coder.predict(texts)
    rewrites = [mastery_rewrite(t, g) for t, g in zip(texts, types)]
    out = pd.concat([data[[args.text]].reset_index(drop=True),
                     pd.DataFrame({"goal_type": types}), proba, feats, pd.DataFrame({"rewrite": rewrites})], axis=1)
    out.insert(0, "row", range(int(data.attrs.get("first_row", 1)), int(data.attrs.get("first_row", 1)) + len(out)))
    counts = out["goal_type"].value_counts()
    print(f"{len(out)} statements: " + ", ".join(f"{int(counts.get(c, 0))} {c}" for c in CLASSES)
          + f" -> {write_table(out, args.output)}")
    return 0

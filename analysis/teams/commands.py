"""The ``teams`` command: the staff report by team (and department, site, …) with anonymity rules."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ..cli import _formatter, add_input_options, add_item_options, item_options_from_args, read_input
from ..errors import DataError
from ..io.pseudonyms import PSEUDONYM_ENV as KEY_ENV
from ..io.pseudonyms import pseudonym_key, pseudonymise


def register(sub) -> None:
    p = sub.add_parser(
        "teams", help="staff report by team: scores, agreement, ICC, with anonymity rules",
        formatter_class=_formatter,
        description="Score one instrument and report it per unit (team, department, …) next to the "
                    "organisation, with within-unit agreement (rwg(j), r*wg(j), AD_M, awg), ICC(1)/ICC(2) and "
                    "a plain-language reading for managers. Units below --min-group respondents are suppressed, "
                    "and further units are suppressed so that none of them can be worked out from the others. "
                    "Identifiers and free-text columns never reach the report.",
        epilog=textwrap.dedent("""\
            examples:
              goalscope teams data/raw/staff_demo/responses.csv --group team --parent department \\
                  --instrument vandewalle --columns "wdgo_{n}" --min-group 5 -o teams.xlsx
              goalscope teams survey.csv --group team --also site --instrument vandewalle --columns "wdgo_{n}" -o teams.html
              GOALSCOPE_PSEUDONYM_KEY=... goalscope teams survey.csv --group team --instrument vandewalle \\
                  --columns "wdgo_{n}" --id email --person-scores scores.csv -o teams.csv

            Report every grouping of the same people in ONE run (--parent, --also): suppression is
            coordinated only across the groupings of one run.
            """))
    add_input_options(p)
    add_item_options(p)
    g = p.add_argument_group("report")
    g.add_argument("--group", required=True, metavar="COLUMN", help="reporting unit column, e.g. team")
    g.add_argument("--parent", metavar="COLUMN", help="coarser unit containing each unit, e.g. department")
    g.add_argument("--also", metavar="COLUMNS", help="other groupings of the same people, comma-separated, e.g. site")
    g.add_argument("--min-group", type=int, default=5, metavar="K",
                   help="minimum respondents per reported unit (default 5; never below 3)")
    g.add_argument("--null", default="uniform",
                   help="null distribution for rwg: uniform (default), or for 5 options slight_skew, "
                        "moderate_skew, heavy_skew, triangular, normal, or a variance")
    g.add_argument("--person-scores", metavar="FILE",
                   help="also write person-level scores with pseudonymised ids (needs --id and a key)")
    g.add_argument("--key-file", metavar="FILE",
                   help=f"file holding the pseudonymisation key (default: ${KEY_ENV}); never written anywhere")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="report: .xlsx, .html or .csv")
    p.set_defaults(func=cmd_teams)


def cmd_teams(args) -> int:
    import pandas as pd

    from ..io import write_table
    from .report import build_staff_report, write_staff_report

    if Path(args.output).suffix.lower() not in (".xlsx", ".html", ".csv"):
        raise DataError(f"output '{args.output}': use a .xlsx, .html or .csv file name for the staff report")
    if args.person_scores and not args.id:
        raise DataError("--person-scores needs --id COLUMN (the ids are pseudonymised before writing)")
    key = pseudonym_key(key_file=args.key_file, derive=False) if args.person_scores else None
    data = read_input(args)
    opts = item_options_from_args(args)
    also = [c.strip() for c in (args.also or "").split(",") if c.strip()]
    null = args.null
    try:
        null = float(null)
    except ValueError:
        pass
    rep = build_staff_report(data, args.instrument, args.group, parent=args.parent, also=also,
                             min_group=args.min_group, null=null, source=data.attrs.get("source"), **opts)
    out = write_staff_report(rep, args.output)
    cells = rep.plan.cells
    hidden = int((cells["status"] != "published").sum())
    print(f"{rep.n_people} respondents, {len(cells)} units: {len(cells) - hidden} published, {hidden} suppressed "
          f"(minimum {rep.k}) -> {out}")
    if rep.audit is not None and len(rep.audit):
        from ..cli import audit_path

        # the analyst's audit, beside the report: file rows only, ids pseudonymised (or left out without a key)
        audit = rep.audit.copy()
        audit["id"] = pseudonymise(audit["id"], key).to_numpy() if key is not None and args.id else None
        ap = write_table(audit, audit_path(Path(args.output).with_suffix(".csv")))
        print(f"{len(audit)} value(s) set to missing; listed in {ap} (for the analyst, not for managers)")
    if args.person_scores:
        from ..scoring import score

        scores = score(data, args.instrument, **opts).scores
        person = pd.DataFrame({"respondent": pseudonymise(data[args.id], key).to_numpy()})
        for c in [args.group] + ([args.parent] if args.parent else []) + also:
            person[c] = data[c].to_numpy()
        for s in rep.scales:
            person[s] = scores[s].to_numpy()
        ps = write_table(person, args.person_scores)
        print(f"person-level scores with pseudonymised ids -> {ps} (not for managers: contains small groups)")
    return 0

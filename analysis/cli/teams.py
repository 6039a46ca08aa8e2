"""The ``teams`` command: the staff report by team (and department, site, …) with anonymity rules."""

from __future__ import annotations

from pathlib import Path

from ..errors import DataError
from ..io.pseudonyms import PSEUDONYM_ENV as KEY_ENV
from ..io.pseudonyms import pseudonym_key, pseudonymise
from .inputs import add_input_options, add_item_options, item_options_from_args, read_input
from .layout import add_command
from .outputs import OUTPUT_OPTIONS


def register(sub) -> None:
    p = add_command(
        sub, "teams", "staff report by team: scores, agreement, ICC, with anonymity rules",
        "Score one instrument and report it per unit (team, department, …) next to the organisation, with "
        "within-unit agreement (rwg(j), r*wg(j), AD_M, awg), ICC(1)/ICC(2) and a plain-language reading for "
        "managers. Units below --min-group respondents are suppressed, and further units are suppressed so "
        "that none of them can be worked out from the others. Identifiers and free-text columns never reach "
        "the report.",
        "goalscope teams data/raw/staff_demo/responses.csv --group team --parent department \\",
        '    --instrument vandewalle --columns "wdgo_{n}" --min-group 5 -o teams.xlsx',
        'goalscope teams survey.csv --group team --also site --instrument vandewalle --columns "wdgo_{n}" -o teams.html',
        "GOALSCOPE_PSEUDONYM_KEY=... goalscope teams survey.csv --group team --instrument vandewalle \\",
        '    --columns "wdgo_{n}" --id-column email --person-scores scores.csv -o teams.csv',
        "",
        "goalscope teams data/raw/staff_demo/responses.csv data/raw/staff_demo/responses_wave2.csv \\",
        "    --wave-names 2025,2026 --group team --parent department --instrument vandewalle \\",
        '    --columns "wdgo_{n}" -o change.xlsx',
        'goalscope teams all_waves.csv --wave year --group team --instrument vandewalle --columns "wdgo_{n}" -o change.html',
        'goalscope teams survey.csv --group team --goal-text goal --instrument vandewalle --columns "wdgo_{n}" -o teams.xlsx',
        "goalscope teams survey.csv --group team --parent department --instrument vandewalle \\",
        '    --columns "wdgo_{n}" --plan-only -o teams.xlsx     # which units would be hidden; nothing written',
        notes="""\
        Report every grouping of the same people in ONE run (--parent, --also): suppression is
        coordinated only across the groupings of one run. Survey waves (several FILEs, or --wave):
        each wave is reported with the same rules, and a unit's change is shown only when the unit
        is shown in both waves.
        """)
    add_input_options(p)
    for action in p._actions:   # FILE may be given once per survey wave
        if action.dest == "file":
            action.nargs = "+"
            action.help = "survey export(s): one file, or one file per wave in order (.csv/.tsv, .xlsx, .sav, ...)"
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
                   help="also write person-level scores with pseudonymised ids (needs --id-column and a key)")
    g.add_argument("--key-file", metavar="FILE",
                   help=f"file holding the pseudonymisation key (default: ${KEY_ENV}); never written anywhere")
    w = p.add_argument_group("survey waves")
    w.add_argument("--wave", metavar="COLUMN", help="column naming the survey wave of each row (one FILE)")
    w.add_argument("--wave-names", metavar="NAMES",
                   help="comma-separated wave names: with several FILEs their names (default: the file names), "
                        "with --wave the order of the waves (default: sorted)")
    g.add_argument("--goal-text", metavar="COLUMN",
                   help="column of goal statements: adds the share of mastery / performance / outcome goals per "
                        "unit (same anonymity rules); the text itself never reaches the report")
    g.add_argument("--goal-coder", default="default", metavar="default|rules|CODER.skops",
                   help="who codes --goal-text: the shipped trained coder (default), the first-pass rules, or a "
                        "coder file from goalscope goals train")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="report: .xlsx, .html or .csv")
    p.add_argument("--plan-only", action="store_true",
                   help="print the anonymity plan (which units are hidden and why) and write nothing")
    p.set_defaults(func=cmd_teams)


def cmd_teams(args) -> int:
    import pandas as pd

    from ..io import write_table
    from ..teams.report import build_staff_report, write_staff_report

    _check_outputs(args)
    if Path(args.output).suffix.lower() not in (".xlsx", ".html", ".csv"):
        raise DataError("", file=args.output, within=OUTPUT_OPTIONS["output"],
                        hint="use a .xlsx, .html or .csv file name for the staff report")
    if args.person_scores and not args.id:
        raise DataError("needs --id-column COLUMN (the ids are pseudonymised before writing)", argument="--person-scores",
                        value=args.person_scores, hint="give --id-column, or leave --person-scores out")
    key = pseudonym_key(key_file=args.key_file, derive=False) if args.person_scores else None
    opts = item_options_from_args(args)
    also = [c.strip() for c in (args.also or "").split(",") if c.strip()]
    null = args.null
    try:
        null = float(null)
    except ValueError:
        pass
    if len(args.file) > 1 or args.wave:
        return _cmd_waves(args, opts, also, null)
    if args.wave_names:
        raise DataError("one FILE and no --wave, so there are no waves to name", argument="--wave-names",
                        value=args.wave_names, hint="give one file per wave, or --wave COLUMN, or leave --wave-names out")
    args.file = args.file[0]
    data = read_input(args)
    rep = build_staff_report(data, args.instrument, args.group, parent=args.parent, also=also,
                             min_group=args.min_group, null=null, goal_text=args.goal_text, goal_coder=args.goal_coder,
                             source=data.attrs.get("source"), **opts)
    if args.plan_only:
        print(plan_text(rep))
        print(PLAN_ONLY)
        return 0
    out = write_staff_report(rep, args.output)
    print(plan_text(rep, out))
    if rep.audit is not None and len(rep.audit):
        from ..scoring.scorer import audit_path

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


#: the last line of ``--plan-only``
PLAN_ONLY = "plan only: no file written (run again without --plan-only to make the report)"


def plan_text(rep, out=None) -> str:
    """The terminal's words for a staff report's anonymity plan: the counts line (``-> OUT`` once
    written) and, when units are hidden, which ones and why.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.teams import build_staff_report
    >>> from analysis.cli.teams import plan_text
    >>> rep = build_staff_report(read_dataset("staff_demo"), "vandewalle", "department", columns="wdgo_{n}")
    >>> print(plan_text(rep, "teams.xlsx"))
    334 respondents, 6 units: 6 published, 0 hidden (minimum 5) -> teams.xlsx

    # R: no equivalent (the command line's words)
    """
    cells = rep.plan.cells
    hidden = int((cells["status"] != "published").sum())
    lines = [f"{rep.n_people} respondents, {len(cells)} units: {len(cells) - hidden} published, {hidden} hidden "
             f"(minimum {rep.k})" + (f" -> {out}" if out is not None else "")]
    if hidden:
        lines.append(rep.hidden_text())
    return "\n".join(lines)


def wave_plan_text(rep, out=None) -> str:
    """The same for a wave report: each wave's hidden units, then the change line.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.teams import build_wave_report
    >>> from analysis.cli.teams import wave_plan_text
    >>> waves = {"2025": read_dataset("staff_demo"), "2026": read_dataset("staff_demo_wave2")}
    >>> print(wave_plan_text(build_wave_report(waves, "vandewalle", "department", columns="wdgo_{n}")))
    2 waves (2025, 2026), 674 responses; 7 unit changes shown, 0 not shown (hidden or absent in a wave)

    # R: no equivalent (the command line's words)
    """
    lines = [f"wave {w}: {r.hidden_text()}" for w, r in rep.reports.items() if r.hidden_units()]
    shown = rep.change.drop_duplicates(["level", "unit", "wave_1"])
    lines.append(f"{len(rep.waves)} waves ({', '.join(rep.waves)}), {rep.n} responses; "
                 f"{int((~shown['suppressed']).sum())} unit changes shown, {int(shown['suppressed'].sum())} not shown "
                 f"(hidden or absent in a wave)" + (f" -> {out}" if out is not None else ""))
    return "\n".join(lines)


def _check_outputs(args) -> None:
    """Refuse an output that is one of the input files: the shared check, once per FILE (a wave
    each), and the files the wave report writes beside OUT."""
    import argparse

    from .outputs import check_outputs
    from ..io.writers import check_not_input

    files = args.file if isinstance(args.file, list) else [args.file]
    for f in files:
        check_outputs(argparse.Namespace(**{**vars(args), "file": f}))
    out = Path(args.output)
    names = [n.strip() for n in (args.wave_names or "").split(",") if n.strip()] or [Path(f).stem for f in files]
    sides = [out.with_name(f"{out.stem}.change.csv")] + [out.with_name(f"{out.stem}.{w}.audit.csv") for w in names]
    for f in files:
        for side in sides:
            check_not_input(side, {f"the input file (FILE) '{f}'": f},
                            f"file that output '{args.output}' writes beside it")


def _read_one(args, path):
    """One wave's file, read exactly as the one-file command reads FILE (same reader options)."""
    import argparse

    return read_input(argparse.Namespace(**{**vars(args), "file": path}))


def _cmd_waves(args, opts, also, null) -> int:
    from ..teams.waves import build_wave_report, write_wave_report

    if args.person_scores or args.goal_text:
        flag = "--person-scores" if args.person_scores else "--goal-text"
        raise DataError("is for one survey wave", argument=flag, value=args.person_scores or args.goal_text,
                        hint="run it on each wave's file")
    names = [n.strip() for n in (args.wave_names or "").split(",") if n.strip()]
    if len(args.file) > 1:
        if args.wave:
            raise DataError("is given with several FILEs", argument="--wave", value=args.wave,
                            hint="give either several FILEs (one per wave) or one FILE with --wave COLUMN, not both")
        if names and len(names) != len(args.file):
            raise DataError(f"gives {len(names)} names for {len(args.file)} files", argument="--wave-names",
                            value=args.wave_names, hint="give one per file")
        names = names or [Path(f).stem for f in args.file]
        if len(set(names)) != len(names):
            raise DataError(f"gives the wave names {', '.join(names)}, which repeat",
                            argument="--wave-names" if args.wave_names else "FILE",
                            value=args.wave_names or " ".join(args.file),
                            hint="name each file's wave with --wave-names")
        data = {n: _read_one(args, f) for n, f in zip(names, args.file)}
        wave, order = None, None
    else:
        data = _read_one(args, args.file[0])
        wave, order = args.wave, (names or None)
    rep = build_wave_report(data, args.instrument, args.group, wave=wave, waves=order, parent=args.parent, also=also,
                            min_group=args.min_group, null=null, **opts)
    if args.plan_only:
        print(wave_plan_text(rep))
        print(PLAN_ONLY)
        return 0
    out = write_wave_report(rep, args.output)
    from ..io import write_table

    for w, r in rep.reports.items():
        if r.audit is not None and len(r.audit):
            # the analyst's audit of each wave, beside the report; ids left out (no key in wave mode)
            audit = r.audit.assign(id=None)
            ap = write_table(audit, Path(args.output).with_name(f"{Path(args.output).stem}.{w}.audit.csv"))
            print(f"wave {w}: {len(audit)} value(s) set to missing; listed in {ap} (for the analyst, not for managers)")
    print(wave_plan_text(rep, out))
    return 0

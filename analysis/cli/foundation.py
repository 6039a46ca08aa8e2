"""Foundation commands: ``instruments``, ``score`` and ``run``."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from ..scoring.scorer import audit_path
from .arguments import chunk_rows_arg
from .inputs import add_input_options, add_item_options, item_options_from_args, read_input
from .layout import add_command


def register(sub) -> None:
    p = add_command(
        sub, "instruments", "list the shipped scoring keys, or show one",
        "List the registry of shipped scoring keys, or show one key in full.",
        "goalscope instruments",
        "goalscope instruments grit-s",
        "goalscope instruments my_keys/agreeableness.yaml")
    p.add_argument("id", nargs="?", metavar="ID|PATH", help="a shipped id or a key file")
    p.set_defaults(func=cmd_instruments)

    p = add_command(
        sub, "score", "score one instrument in a survey export",
        "Score one instrument: writes the id column (or the file row), one column per scale, <scale>_n_valid "
        "and, where the key has severity bands, <scale>_band.",
        'goalscope score survey.csv --instrument agq-r --columns "AGQ_{n}" -o scores.csv',
        'goalscope score survey.csv --instrument agq-r --columns "AGQ_{n}" --response-min 1 --response-max 7 \\',
        "    --missing -99 --id-column respondent_id -o scores.xlsx",
        'goalscope score export.sav --instrument dass-21 --columns "DASS{n}" --recode 1:0,2:1,3:2,4:3 -o d.parquet',
        "goalscope score qualtrics.csv --instrument phq-9 --map phq_columns.yaml --on-invalid missing -o phq.csv",
        "goalscope score survey.csv --instrument my_keys/agree.yaml -o agree.csv",
        notes="""\
        With --on-invalid missing, every value set to missing is listed in OUT.audit.csv.
        """)
    add_input_options(p)
    add_item_options(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="output .csv, .xlsx or .parquet")
    add_chunk_options(p, "files larger than memory",
                      "read a CSV/TSV or SPSS export N rows at a time and write the scores as they come (.csv "
                      "output); 0 reads the file whole (default: whole, but a CSV/TSV or SPSS file above 512 MB, or "
                      "above a twentieth of the memory available, scored to .csv is read in chunks of 1,000,000 "
                      "cells, e.g. 83,333 rows of 12 columns; a Qualtrics export is read whole)")
    p.set_defaults(func=cmd_score)

    p = add_command(
        sub, "run", "run a study file (score, check, report)",
        "Walk a study through the data flow: read the export, drop identifiers, score every instrument, write "
        "data/processed/<study>/ and reports/<study>/.",
        "goalscope run data/raw/demo/study.yaml",
        "goalscope run data/raw/demo/study.yaml --check    would a run change the outputs?",
        "goalscope run data/raw/pisa/study.yaml --chunk-rows 50000 --progress",
        notes="""\
        Both output folders are written under temporary names and replace the old ones
        only when the whole run succeeds. The export (data:) must lie in the study
        file's folder unless the study file says allow_outside_data: true or you pass
        --allow-outside-data.
        """)
    p.add_argument("study", metavar="STUDY.yaml", help="the study file")
    p.add_argument("--processed", metavar="DIR", help="output folder for processed data (default data/processed/<study>)")
    p.add_argument("--reports", metavar="DIR", help="output folder for the report (default reports/<study>)")
    p.add_argument("--allow-outside-data", action="store_true",
                   help="read a data: export outside the study file's folder (default: refused; the study file "
                        "can also say allow_outside_data: true)")
    p.add_argument("--check", action="store_true",
                   help="write nothing: exit 1 when a run would change the outputs in place (a changed raw file, "
                        "key or package version), 0 when they are what a run gives now")
    add_chunk_options(p, "exports larger than memory",
                      "read a CSV/TSV or SPSS export N rows at a time, keeping only the columns the study reads; the "
                      "outputs are the same bytes; 0 reads it whole (default: whole, but in chunks of 1,000,000 cells "
                      "where 'goalscope score' would chunk it: above 512 MB, or above a twentieth of the memory "
                      "available)")
    p.set_defaults(func=cmd_run)


def add_chunk_options(p, title: str, chunk_help: str) -> None:
    """``--chunk-rows N`` and ``--progress`` of a command that reads an export in chunks."""
    g = p.add_argument_group(title)
    g.add_argument("--chunk-rows", type=chunk_rows_arg, metavar="N", help=chunk_help)
    g.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show a progress bar on stderr while reading in chunks (default: when stderr is a terminal)")


def cmd_instruments(args) -> int:
    from ..instruments import list_instruments, load_instrument

    if args.id:
        print(load_instrument(args.id).summary())
        return 0
    table = list_instruments()
    with pd.option_context("display.width", 200, "display.max_colwidth", 60, "display.max_columns", 10):
        print(table[["id", "name", "n_items", "response", "wording"]].to_string(index=False))
    return 0


def _chunked(args) -> int | None:
    """Rows per chunk when ``score`` reads FILE in chunks (0: the default size), else None."""
    from ..io.chunks import can_chunk, reads_in_chunks

    if args.chunk_rows is not None:
        if args.chunk_rows and (not can_chunk(args.file) or args.qualtrics):
            from ..errors import DataError

            raise DataError("is not read in chunks: --chunk-rows reads CSV/TSV and SPSS exports that are not "
                            "Qualtrics exports",
                            file=args.file, hint="Leave out --chunk-rows (or pass --chunk-rows 0) to read it whole.")
        return args.chunk_rows or None
    big = reads_in_chunks(args.file)
    return 0 if big and Path(args.output).suffix.lower() == ".csv" and not args.qualtrics and not args.sheet else None


def cmd_score(args) -> int:
    from ..io import write_table
    from ..scoring import audit_frame, score, scores_by_row

    chunk_rows = _chunked(args)
    if chunk_rows is not None:
        return _score_in_chunks(args, chunk_rows or None)
    data = read_input(args)
    opts = item_options_from_args(args)
    result = score(data, args.instrument, source=data.attrs.get("source"), **opts)
    audit = audit_frame(result)
    scores = scores_by_row(result, data, args.id)
    out = write_table(scores, args.output)
    print(f"scored {len(scores)} rows of {args.file} with {result.instrument.id} -> {out}")
    if len(audit):
        ap = write_table(audit, audit_path(Path(args.output).with_suffix(".csv")))
        print(f"{len(audit)} value(s) set to missing; listed in {ap}")
    return 0


def _score_in_chunks(args, chunk_rows) -> int:
    import sys

    from ..scoring.streaming import score_file

    opts = item_options_from_args(args)
    opts.pop("id_column", None)
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    res = score_file(args.file, args.instrument, args.output, chunk_rows=chunk_rows, id_column=args.id,
                     reader={"encoding": args.encoding, "delimiter": args.delimiter, "header_row": args.header_row},
                     progress=progress, **opts)
    print(f"scored {res['n']} rows of {args.file} with {res['instrument']} -> {res['output']}")
    if res["n_audit"]:
        print(f"{res['n_audit']} value(s) set to missing; listed in {res['audit']}")
    return 0


def cmd_run(args) -> int:
    from ..study import run_study

    if args.check:
        from ..pipeline.check import check_study

        res = check_study(args.study, processed_dir=args.processed, reports_dir=args.reports,
                          allow_outside_data=args.allow_outside_data)
        print(res)
        return 0 if res.ok else 1
    import sys

    result = run_study(args.study, processed_dir=args.processed, reports_dir=args.reports,
                       allow_outside_data=args.allow_outside_data, chunk_rows=args.chunk_rows,
                       progress=sys.stderr.isatty() if args.progress is None else args.progress)
    print(result)
    return 0


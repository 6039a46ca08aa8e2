"""How a study's run reads its export: whole, or in chunks keeping only the columns the run reads.

:func:`read_study_export` decides (``chunk_rows`` is the option of ``run_study`` and of
``goalscope run --chunk-rows``; every row is tested):

==========================  ==============================================  ==================================
``chunk_rows``              the export                                      read
==========================  ==============================================  ==================================
0                           any                                             whole (``read_responses``)
None (the default)          what ``goalscope score`` reads in chunks        in chunks of the default size
                            (:func:`analysis.io.chunks.reads_in_chunks`:
                            above 512 MB or a twentieth of the memory
                            available, not Qualtrics), and the study file
                            does not say ``qualtrics: true``
None                        anything else                                   whole
N > 0                       a CSV/TSV or SPSS export, and the study file    in chunks of N rows
                            does not say ``qualtrics: true``
N > 0                       an Excel or parquet file, or ``qualtrics:       refused, naming chunk_rows
                            true``
==========================  ==============================================  ==================================

Read in chunks (:func:`analysis.io.chunked_frame.read_frame`), the run holds one chunk at a time and
the columns :func:`study_columns` names; every step after reading gets the frame a whole read gives
(those columns of it), so every output is byte-identical (``tests/pipeline/test_run_in_chunks.py``).
Memory then grows with the rows times the columns the study reads (its screening, reliability and
models need the item answers of every respondent at once), not with the export's width or its text.
The columns read (:func:`study_columns`):

==========================================  ===========================================================
the study file names                        columns read
==========================================  ===========================================================
``id:``, ``identifiers:``, ``keep:``,       those columns (identifiers only to be dropped, as always)
``group:``
an instrument (``columns:``, or the key's   its item columns, resolved as scoring resolves them
item names)
``weights:``, ``plausible_values:``         the final and replicate weights and every plausible value
screening ``attention``, ``speed``,         the columns the rule names (``duplicate_id``: its
``duplicate_id``, ``response_type``         ``column``, else the id)
any other screening rule                    none beyond the instruments' items
a name the export does not have, or a       every column: the run then refuses (or reads) the export
pattern that resolves to none               as a whole read would, with the same message
==========================================  ===========================================================

Measured (``benchmarks/stream.py --run``): the pisa_demo study (110 columns read) on a PISA-shaped
export of 100,000 students and 1,112 columns (281 MB). Reading it took 5.0 s and 505 MB peak RSS in
chunks, 5.9 s and 2.5 GB whole; the whole run peaked at 2.3 GB in chunks (40 s) and 4.5 GB read whole
(48 s). The rest of the run's memory goes to the weighted models (80 replicate weights, 10 plausible
values).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import GoalscopeError, StudyError
from .schema import Study

__all__ = ["read_study_export", "study_columns"]


def study_columns(study: Study, first: pd.DataFrame) -> list | None:
    """The columns of ``first`` (the export's first rows, every column) that a run of ``study`` reads,
    in the export's order; None (every column) where the module docstring's table says so.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> from analysis.pipeline.schema import load_study
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "study.yaml").write_text(
    ...     "name: t\\ndata: export.csv\\nid: id\\nidentifiers: [email]\\nkeep: [team]\\n"
    ...     "instruments: {goals: {instrument: agq-r, columns: 'q{n}'}}\\n")
    >>> first = pd.DataFrame(columns=["id", "email", "team", "notes", "region", *[f"q{n}" for n in range(1, 13)]])
    >>> cols = study_columns(load_study(d / "study.yaml"), first)
    >>> len(cols), cols[:4], [c for c in first.columns if c not in cols]
    (15, ['id', 'email', 'team', 'q1'], ['notes', 'region'])

    R has no equivalent (``data.table::fread(select = )`` with the names written out).
    """
    from ..screening import parse_rules
    from .analyses import survey_columns, survey_options
    from .study_instruments import scoring_key

    names = ([study.id] if study.id else []) + list(study.identifiers) + list(study.keep)
    names += [study.group] if study.group else []
    source = f"study file '{study.path}'"
    try:
        from ..scoring.item_columns import resolve_columns

        for alias, use in study.instruments.items():
            names += resolve_columns(first, scoring_key(study, alias, use), use.columns, source).values()
        names += survey_columns(survey_options(study), first, source, file=study.path)
        rules = parse_rules(study.screening or {}, source=source, file=study.path, field="screening")
    except GoalscopeError:
        return None                     # the run says what is wrong, as after a whole read
    for rule in rules:
        if rule.rule == "attention":
            names += list(rule.expected())
        elif rule.rule in ("speed", "response_type"):
            names.append(rule.column)
        elif rule.rule == "duplicate_id" and (rule.column or study.id):
            names.append(rule.column or study.id)
    wanted = set(names)
    if not wanted <= set(first.columns):
        return None
    return [c for c in first.columns if c in wanted]


def chunk_rows_of(study: Study, data_file: Path, chunk_rows: int | None) -> int | None:
    """Rows per chunk for reading ``data_file`` (0: the default size), or None to read it whole (the module
    docstring's table)."""
    from ..io.chunks import can_chunk, reads_in_chunks

    if chunk_rows is None:
        return 0 if not study.qualtrics and reads_in_chunks(data_file) else None
    if isinstance(chunk_rows, (bool, np.bool_)) or not isinstance(chunk_rows, (int, np.integer)) or chunk_rows < 0:
        raise StudyError("is not a number of rows", argument="chunk_rows", value=chunk_rows,
                         hint="give a whole number of 1 or more, 0 to read the export whole, or leave it out")
    if chunk_rows and (not can_chunk(data_file) or study.qualtrics):
        raise StudyError("is given, but only CSV/TSV and SPSS exports that are not Qualtrics exports are read in "
                         "chunks", argument="chunk_rows", value=chunk_rows, within=f"study file '{study.path}'",
                         hint="Leave out chunk_rows (or give 0) to read the export whole.")
    return int(chunk_rows) or None


def read_study_export(study: Study, data_file: Path, chunk_rows: int | None = None, progress: bool = False
                      ) -> pd.DataFrame:
    """The export of ``study``, read whole or in chunks (the module docstring's table)."""
    from ..io import read_responses

    options = {"encoding": study.encoding, "delimiter": study.delimiter, "id_column": study.id,
               "header_row": study.header_row}
    rows = chunk_rows_of(study, data_file, chunk_rows)
    if rows is None:
        return read_responses(data_file, sheet=study.sheet, qualtrics=study.qualtrics, **options)
    from ..io.chunked_frame import read_frame
    from ..io.chunks import progress_bar

    bar = progress_bar(data_file, progress, "reading")
    try:
        return read_frame(data_file, lambda first: study_columns(study, first), chunk_rows=rows or None,
                          progress=bar.update_to if bar is not None else None, **options)
    finally:
        if bar is not None:
            bar.close()

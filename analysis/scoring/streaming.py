"""Score a CSV/TSV or SPSS export larger than memory, one chunk of rows at a time.

:func:`score_file` reads the export with :func:`analysis.io.chunks.read_chunks`, scores each chunk
with :func:`analysis.scoring.score` and appends the scores (and the audit of values set to missing)
to the output files. Scoring is row-wise: a respondent's scores depend on that respondent's answers
and the key only, so the chunks' outputs one after another are the bytes the whole file scored at
once gives (``tests/io/test_chunks.py`` compares them). What is over the whole sample is added up:

==========================================  ===============================================
over the whole sample                       in chunks
==========================================  ===============================================
rows scored, values set to missing           sums of the chunks'
the audit (one row per value set to          the chunks' audits one after another, rows
missing)                                     named as the file counts them
``summary()``: n, n_scored, n_missing       sums of the chunks'; mean and sd from the
per scale                                    chunks' means and sums of squared deviations
a refusal (a value outside the response      raised by the chunk holding it, naming the file
range, an id repeated within a chunk)        row; nothing is written
an id repeated in two chunks                 refused after the last chunk, before anything is
                                             written: the ids are kept as 64-bit hashes on
                                             disk (8 bytes a row, in 256 files checked one at
                                             a time), and a second reading finds the rows and
                                             compares the texts
==========================================  ===============================================
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, shown


def score_file(path, instrument, output, *, chunk_rows=None, id_column=None, reader=None, progress=False, **options):
    """Score one instrument in a CSV/TSV or SPSS export chunk by chunk and write the scores to ``output`` (.csv).

    Parameters
    ----------
    path : str or Path
        The export (CSV/TSV/TXT, or SPSS .sav/.zsav).
    instrument : str or Instrument
        As :func:`analysis.score`.
    output : str or Path
        The scores file (.csv). The audit of values set to missing goes beside it
        (``<output>.audit.csv``) when there is one.
    chunk_rows : int, optional
        Rows per chunk (default :func:`analysis.io.chunks.default_chunk_rows`).
    id_column : str, optional
        Written first; without it the file row is (column ``row``).
    reader : dict, optional
        ``encoding``, ``delimiter``, ``header_row`` for the reader.
    progress : bool
        Show a progress bar (tqdm, on stderr).
    **options
        As :func:`analysis.score` (``columns``, ``missing``, ``on_invalid``, ...).

    Returns
    -------
    dict
        ``n`` rows scored, ``n_audit`` values set to missing, ``output`` and ``audit`` paths (audit None when
        nothing was set to missing), ``summary`` (the whole sample's ``ScoreResult.summary()`` numbers),
        ``instrument`` (its id).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from analysis.datasets import dataset_path
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> res = score_file(dataset_path("demo"), "agq-r", out, chunk_rows=150, columns="agq_{n}",
    ...                  missing=[-99], response={"min": 1, "max": 7})
    >>> res["n"], res["n_audit"], res["audit"].name
    (400, 51, 's.audit.csv')

    R: ``readr::read_csv_chunked(f, SideEffectChunkCallback$new(function(x, pos) write.table(psych::scoreFast(keys, x), ...)))``.
    """
    from ..io.chunks import append_csv, progress_bar, read_chunks
    from .scorer import audit_frame, audit_path, score, scores_by_row

    out = _csv_output(output)
    audit_to = audit_path(out)
    bar = progress_bar(Path(path), progress)
    tmp_out, tmp_audit = _temp(out), _temp(audit_to)
    n = 0
    summaries = []
    name = None
    spill = _AuditSpill(out.parent)
    hashes = _IdHashes(spill.dir) if id_column is not None else None
    try:
        with open(tmp_out, "wb") as fo:
            for chunk in read_chunks(path, chunk_rows, id_column=id_column, progress=bar and bar.update_to,
                                     **(reader or {})):
                try:
                    result = score(chunk, instrument, source=chunk.attrs.get("source"), id_column=id_column, **options)
                except DataError:
                    if options.get("on_invalid", "error") != "error":
                        raise
                    _refuse_as_whole(path, chunk_rows, reader, instrument, id_column, options)
                    raise                               # no invalid answer in the whole file: the chunk's own refusal
                name = result.instrument.id
                append_csv(scores_by_row(result, chunk, id_column), fo, header=n == 0)
                audit = audit_frame(result)
                if len(audit):
                    spill.add(audit, list(result.columns_used.values()))
                n += len(chunk)
                if hashes is not None:
                    hashes.add(chunk[id_column].to_numpy(dtype=object))
                summaries.append(result.summary())
        _repeated_ids(hashes, path, chunk_rows, id_column, reader)
        n_audit = spill.write(tmp_audit)
        from ..atomic import _publish

        _publish(tmp_out, out)
        if n_audit:
            _publish(tmp_audit, audit_to)
    finally:
        for t in (tmp_out, tmp_audit):
            Path(t).unlink(missing_ok=True)
        spill.close()
        if bar:
            bar.close()
    return {"n": n, "n_audit": n_audit, "output": out, "audit": audit_to if n_audit else None,
            "summary": combine_summaries(summaries), "instrument": name}


def _part(reason: str) -> str:
    """The audit part a reason belongs to: one part per reason, but one for all SPSS user-missing codes."""
    return "SPSS user-missing" if reason.startswith("SPSS user-missing code") else reason


def _reason_rank(reason: str) -> int:
    """Where a reason's rows come in a column's audit (the order :func:`analysis.prepare_items` lists them)."""
    from .cell_codes import _BOOL_REASON

    if reason == "SPSS user-missing":
        return 0
    if reason == "missing code":
        return 1
    if reason.startswith("text token "):
        return 2
    if reason == _BOOL_REASON:
        return 3
    if reason.startswith(("text that is not a number", "text that is not an anchor label")):
        return 5
    if reason.startswith("outside the response range"):
        return 6
    if reason.startswith("not one of the response codes"):
        return 7
    return 4                                    # a cell the reader cannot take as an answer (a negative zero)


class _AuditSpill:
    """The chunks' audit rows, kept on disk one file per (column, reason) and written in the whole file's
    order: the key's columns in turn; in a column, missing codes, text tokens (as they first appear),
    cells that are not answers, values outside the range, values off the grid; in each, the rows in file
    order (the chunks come in file order)."""

    def __init__(self, folder: Path):
        self.dir = tempfile.mkdtemp(prefix=".goalscope-chunks-", dir=folder)
        self.parts: dict = {}                   # (column rank, reason rank, first seen) -> file
        self.key: dict = {}                     # (column, reason) -> the key above
        self.header = None
        self.n = 0

    def add(self, audit: pd.DataFrame, columns: list) -> None:
        from ..io.chunks import append_csv

        if self.header is None:
            self.header = audit.iloc[:0]
        for (col, reason), part in audit.groupby([audit["column"], audit["reason"].map(_part)], sort=False):
            key = self.key.setdefault((col, reason), (columns.index(col), _reason_rank(reason), len(self.key)))
            name = self.parts.setdefault(key, os.path.join(self.dir, f"{len(self.parts)}.csv"))
            with open(name, "ab") as f:
                append_csv(part, f, header=False)
            self.n += len(part)

    def write(self, path) -> int:
        """Write the audit to ``path``; returns its rows (0: nothing written)."""
        from ..io.chunks import append_csv

        if not self.n:
            return 0
        with open(path, "wb") as f:
            append_csv(self.header, f, header=True)
            for key in sorted(self.parts):
                with open(self.parts[key], "rb") as part:
                    shutil.copyfileobj(part, f)
        return self.n

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class _Cells(dict):
    """File positions → the values as the audit shows them: what the refusal reads of a column."""

    def to_numpy(self):
        return self


def _refuse_as_whole(path, chunk_rows, reader, instrument, id_column, options) -> None:
    """A chunk refused an answer: raise the refusal the whole file gets (its first invalid answer in the
    key's column order, the others counted, the shifted-range hint from every answer), found by a second
    reading with the invalid answers set to missing. Returns when the whole file has no invalid answer."""
    from ..io.chunks import read_chunks
    from .invalid_answers import _invalid_refusal
    from .mapping import prepare_items

    opts = {**options, "on_invalid": "missing"}
    found: dict = {}                            # (column rank, reason rank, first seen) -> [positions, column, item, cells, reason]
    lows, highs = {}, {}
    first = inst = None
    for chunk in read_chunks(path, chunk_rows, id_column=id_column, **(reader or {})):
        items = prepare_items(chunk, instrument, id_column=id_column, **opts)
        inst = items.instrument
        start = int(chunk.attrs["first_row"])
        first = start if first is None else first
        columns = list(items.columns.values())
        lo, hi = inst.response.min, inst.response.max
        values = items.values if not options.get("anchors_reversed") else (lo + hi) - items.values
        audit = items.audit
        invalid = audit[[_reason_rank(_part(r)) >= 3 for r in audit["reason"]]] if len(audit) else audit
        for (col, reason), part in invalid.groupby([invalid["column"], invalid["reason"].map(_part)], sort=False):
            key = next((k for k in found if found[k][1] == col and found[k][4] == reason), None)
            if key is None:
                key = (columns.index(col), _reason_rank(reason), len(found))
                found[key] = [[], col, part["item"].iloc[0], _Cells(), reason]
            pos = part["row"].to_numpy(dtype=np.int64) - first
            found[key][0].extend(pos.tolist())
            found[key][3].update(zip(pos.tolist(), part["value"]))
        for j, col in enumerate(columns):               # every answer of the column, the invalid ones included
            x = values[:, j]
            bad = invalid.loc[invalid["column"] == col, "value"] if len(invalid) else []
            nums = [float(v) for v in bad if _is_number(v)]
            with np.errstate(invalid="ignore"):
                lo_j = np.fmin.reduce(np.concatenate([x, nums]), initial=np.inf)
                hi_j = np.fmax.reduce(np.concatenate([x, nums]), initial=-np.inf)
            lows[col] = min(lows.get(col, np.inf), lo_j)
            highs[col] = max(highs.get(col, -np.inf), hi_j)
    if not found:
        return
    problems = [(np.array(found[k][0]), found[k][1], found[k][2], found[k][3], found[k][4]) for k in sorted(found)]
    ranged = {p[1] for p in problems if _reason_rank(p[4]) >= 6}
    low = [lows[c] for c in ranged if np.isfinite(lows[c])]
    high = [highs[c] for c in ranged if np.isfinite(highs[c])]
    seen = (min(low), max(high)) if low else None
    data = pd.DataFrame(index=pd.RangeIndex(max(max(p[0]) for p in problems) + 1))
    data.attrs["first_row"] = first
    raise _invalid_refusal(data, problems, inst, str(path), options.get("recode") is not None, seen)


def _is_number(text) -> bool:
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


class _IdHashes:
    """The ids seen so far as 64-bit hashes, on disk in 256 files by their first byte: finding the hashes
    seen twice holds one file (1/256 of 8 bytes a row) in memory at a time."""

    BUCKETS = 256

    def __init__(self, folder: str):
        self.dir = folder

    def add(self, ids: np.ndarray) -> None:
        h = pd.util.hash_array(ids)
        bucket = (h >> np.uint64(56)).astype(np.intp)
        order = np.argsort(bucket, kind="stable")
        ends = np.cumsum(np.bincount(bucket, minlength=self.BUCKETS))
        for b, part in enumerate(np.split(h[order], ends[:-1])):
            if part.size:
                with open(os.path.join(self.dir, f"ids{b}.bin"), "ab") as f:
                    f.write(part.tobytes())

    def twice(self) -> np.ndarray:
        """The hashes added more than once, sorted."""
        out = []
        for b in range(self.BUCKETS):
            name = os.path.join(self.dir, f"ids{b}.bin")
            if os.path.exists(name):
                h = np.sort(np.fromfile(name, dtype=np.uint64))
                out.append(np.unique(h[1:][h[1:] == h[:-1]]))
        return np.concatenate(out) if out else np.zeros(0, np.uint64)


def _repeated_ids(hashes, path, chunk_rows, id_column, reader) -> None:
    """Refuse an id that two chunks share (one chunk's own repeats the scorer refuses), naming the value and
    the file rows as the whole file's refusal does. A hash seen twice sends the reader through the file a
    second time for the rows and the texts (a hash two ids share is no repeat)."""
    from ..io.chunks import read_chunks
    from ..io.readers import row_label

    if hashes is None:
        return
    twice = hashes.twice()
    if not twice.size:
        return
    rows: dict = {}
    for chunk in read_chunks(path, chunk_rows, id_column=id_column, **(reader or {})):
        ids = chunk[id_column]
        for k in np.flatnonzero(np.isin(pd.util.hash_array(ids.to_numpy(dtype=object)), twice)):
            rows.setdefault(ids.iloc[k], []).append(row_label(chunk, int(k)))
    repeated = {v: where for v, where in rows.items() if len(where) > 1}
    if repeated:
        value, where = next(iter(repeated.items()))
        n = len(repeated)
        raise DataError(
            f"id {shown(value)} appears in {' and '.join(where)}"
            + (f" ({n - 1} other id(s) are duplicated too)" if n > 1 else ""), file=str(path), column=id_column,
            hint="Ids must be unique: remove the duplicate submission or choose another id column (id_column=).")


def combine_summaries(parts: list) -> pd.DataFrame | None:
    """The ``ScoreResult.summary()`` of the whole sample from the chunks' summaries.

    ``n``, ``n_scored`` and ``n_missing`` add up; the mean is the chunks' means weighted by ``n_scored``;
    the standard deviation (n − 1) comes from the chunks' sums of squared deviations plus the
    between-chunk term; the key's columns (``n_items``, ``method``, ``min_valid``, ``rule``) are the
    same in every chunk.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis import score
    >>> df = pd.DataFrame({f"q{n}": [1, 2, 3, 0, 1] for n in range(1, 10)})
    >>> whole = score(df, "phq-9", columns="q{n}").summary()
    >>> parts = [score(df.iloc[:2], "phq-9", columns="q{n}").summary(),
    ...          score(df.iloc[2:], "phq-9", columns="q{n}").summary()]
    >>> s = combine_summaries(parts)
    >>> bool(abs(s["mean"] - whole["mean"]).max() < 1e-12), bool(abs(s["sd"] - whole["sd"]).max() < 1e-12)
    (True, True)
    """
    if not parts:
        return None
    whole = parts[0].copy()                     # scale, n_items, method, min_valid, rule: the same in every chunk
    for c in ("n", "n_scored", "n_missing"):
        whole[c] = sum(p[c].to_numpy() for p in parts)
    k = np.array([p["n_scored"].to_numpy(dtype=float) for p in parts])
    m = np.array([p["mean"].to_numpy(dtype=float) for p in parts])
    s = np.array([p["sd"].to_numpy(dtype=float) for p in parts])
    total = k.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(k > 0, k * m, 0).sum(axis=0) / total
        ss = (np.where(k > 1, (k - 1) * s ** 2, 0) + np.where(k > 0, k * (m - mean) ** 2, 0)).sum(axis=0)
        whole["mean"] = np.where(total > 0, mean, np.nan)
        whole["sd"] = np.where(total > 1, np.sqrt(ss / (total - 1)), np.nan)
    return whole


def _csv_output(output) -> Path:
    from ..io.writers import guard_output

    out = guard_output(output)
    if out.suffix.lower() != ".csv":
        raise DataError("is not a .csv file name: scores read in chunks are written as CSV", file=str(output),
                        hint="Name a .csv output, or read the file whole (chunk_rows=0) for .xlsx or .parquet.")
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def _temp(p: Path) -> str:
    from ..atomic import _temp_prefix

    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(p.name), suffix=".csv", dir=p.parent)
    os.close(fd)
    return tmp

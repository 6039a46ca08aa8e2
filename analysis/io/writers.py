"""Write tables, files and whole output folders atomically, never under ``data/raw/``.

Every output goes to a temporary file (or folder) beside its target and is moved into place with
``os.replace``, so a reader never sees half a file and a failed or interrupted run leaves the old
output. Temporary names start with :data:`TEMP_PREFIX` and carry the writing process's id:

* a temporary file or folder is removed when the write fails, on Ctrl-C, and on SIGTERM (a handler
  removes every temporary path of this process, then lets the signal end the process as before);
* a process killed harder (SIGKILL, power loss) leaves its temporary paths behind; the next write into
  the same folder removes them (:func:`remove_stale`: only names with the prefix whose process is gone).

The single-file writer, the temporary paths and the ``data/raw/`` guard are in :mod:`analysis.atomic`
(below every station, so figures are written the same way); they stay importable from here.

CSV, parquet and .xlsx outputs are byte-identical for identical inputs: no timestamps are written (an
.xlsx is a zip whose entry times and document dates are fixed, :func:`deterministic_xlsx`).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import signal
import tempfile
import threading
import zipfile
from pathlib import Path

import pandas as pd

from ..atomic import (TEMP_PREFIX, _is_a_folder, _publish, _remove, _temp_prefix, _track,  # noqa: F401 (re-exported)
                      _untrack, atomic_write_bytes, atomic_write_text, atomic_write_via, guard_output, remove_stale)
from ..errors import DataError
from .fast_csv import write_csv

TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")
#: the document date written into every .xlsx (created and modified)
XLSX_TIME = "2000-01-01T00:00:00Z"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------------------------------------
# where outputs may go
def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_not_input(output, inputs, what: str = "output") -> None:
    """Refuse an output file that is one of the inputs (same resolved path, or the same file by another name).

    ``inputs`` maps a description ("the survey export", "the key file") to a path (None is skipped);
    ``what`` names the output ("output", "file that output 'x.csv' writes beside it").

    Examples
    --------
    >>> from analysis.io.writers import check_not_input
    >>> check_not_input("scores.csv", {"the survey export": "survey.csv"})
    >>> check_not_input("survey.csv", {"the survey export": "survey.csv"})
    Traceback (most recent call last):
    ...
    analysis.errors.DataError: file 'survey.csv' is the survey export: writing the output there would overwrite an input. Choose another output file name.
    """
    out = Path(output)
    for name, path in inputs.items():
        if path is None or not str(path):
            continue
        if _same_file(out, Path(path)):
            raise DataError(f"is {name}: writing the {what} there would overwrite an input", file=str(output),
                            hint="Choose another output file name.")


def check_output_folder(folder, inputs, what: str = "output folder") -> Path:
    """An output folder that can be replaced as a whole: not a file, not holding any input.

    ``inputs`` maps a description to a path, as in :func:`check_not_input`.
    """
    p = guard_output(folder)
    if p.exists() and not p.is_dir():
        raise DataError(f"is an existing file, not a folder, so it cannot be the {what}", file=str(folder),
                        hint="Give a folder path (it is created if it does not exist).")
    for name, path in inputs.items():
        if path is None:
            continue
        q = Path(path).resolve()
        if q == p or p in q.parents:
            raise DataError(f"is {name}, held by the {what} '{folder}', which every run replaces as a whole",
                            file=str(path), hint="Choose an output folder that contains no input.")
    for parent in Path(folder).parents:     # as the user wrote it, not resolved
        if parent.exists() and not parent.is_dir():
            raise DataError(f"is an existing file, not a folder, so the {what} '{folder}' cannot be made under it",
                            file=str(parent), hint="Give a path whose parent folders are folders, or move that file.")
    return p


# ---------------------------------------------------------------------------------------------
# files
def deterministic_xlsx(data: bytes) -> bytes:
    """An .xlsx (zip) rewritten with fixed entry times and fixed created/modified document dates.

    openpyxl stamps the current time into ``docProps/core.xml`` and into every zip entry; with both
    fixed, the same workbook gives the same bytes on every run.

    Examples
    --------
    >>> import io, pandas as pd
    >>> from analysis.io.writers import deterministic_xlsx
    >>> def book():
    ...     buf = io.BytesIO()
    ...     pd.DataFrame({"a": [1]}).to_excel(buf, index=False)
    ...     return deterministic_xlsx(buf.getvalue())
    >>> book() == book()
    True
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                              rb"\g<1>" + XLSX_TIME.encode() + rb"\2", body)
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            dst.writestr(zi, body)
    return out.getvalue()


def write_table(df: pd.DataFrame, path, *, index: bool = False, sheet_name: str = "scores") -> Path:
    """Write a DataFrame as .csv, .xlsx or .parquet (by the file ending), atomically.

    Examples
    --------
    >>> import pandas as pd, tempfile, os
    >>> from analysis.io import write_table
    >>> out = write_table(pd.DataFrame({"a": [1]}), os.path.join(tempfile.mkdtemp(), "t.csv"))
    >>> out.read_text()
    'a\\n1\\n'

    R: ``write.csv(df, file, row.names = FALSE)`` (not atomic; goalscope writes a temporary file and renames it).
    """
    p = guard_output(path)
    suffix = p.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise DataError("is not a table file name", file=str(path), hint="use a .csv, .xlsx or .parquet file name for the output")
    df = df.copy(deep=False)
    df.attrs = {}  # metadata (audits, sources) is not part of a table file
    if suffix == ".xlsx":
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as xl:
            df.to_excel(xl, index=index, sheet_name=sheet_name[:31])
        return atomic_write_bytes(p, deterministic_xlsx(buf.getvalue()))

    def write(tmp):
        if suffix == ".csv":
            write_csv(df, tmp, index=index)            # fast_csv: the bytes of to_csv, built in pyarrow
        else:
            df.to_parquet(tmp, index=index)

    return atomic_write_via(path, write, suffix=suffix)


# ---------------------------------------------------------------------------------------------
# folders
def _folder_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask


@contextlib.contextmanager
def atomic_folder(path, inputs=None, what: str = "output folder"):
    """Build a folder under a temporary name and put it in place only if the block succeeds.

    Yields the temporary folder to write into. On success the old folder (if any) is replaced as a
    whole; on an error, Ctrl-C or SIGTERM the temporary folder is removed and the old one is left as
    it was. ``inputs`` (description -> path) may not lie inside the folder (see
    :func:`check_output_folder`).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from analysis.io.writers import atomic_folder
    >>> target = Path(tempfile.mkdtemp()) / "out"
    >>> with atomic_folder(target) as tmp:
    ...     _ = (tmp / "a.txt").write_text("done")
    >>> sorted(p.name for p in target.iterdir())
    ['a.txt']
    """
    p = check_output_folder(path, inputs or {}, what)
    p.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(p.parent)
    tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(p.name), dir=p.parent))
    _track(tmp)
    try:
        yield tmp
        os.chmod(tmp, _folder_mode())
        _replace_folder(tmp, p)
    finally:
        _remove(tmp)  # gone already after a successful rename
        _untrack(tmp)


def _replace_folder(tmp: Path, p: Path) -> None:
    """Rename ``tmp`` to ``p``; an existing ``p`` is moved aside first and removed after.

    SIGTERM/SIGHUP wait during the two renames, so a kill can never leave neither folder in place.
    """
    if not p.exists():
        os.rename(tmp, p)
        return
    old = Path(tempfile.mkdtemp(prefix=_temp_prefix(p.name + ".old"), dir=p.parent))
    os.rmdir(old)
    masked = {s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None}
    block = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    if block:
        signal.pthread_sigmask(signal.SIG_BLOCK, masked)
    try:
        os.rename(p, old)
        try:
            os.rename(tmp, p)
        except BaseException:
            os.rename(old, p)   # put the old folder back
            raise
        _track(old)
    finally:
        if block:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, masked)
    try:
        _remove(old)
    finally:
        _untrack(old)


def sha256(path) -> str:
    """Hex SHA-256 of a file (for manifests)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_json(obj, path) -> Path:
    """Write JSON with sorted keys and a trailing newline, atomically (deterministic bytes)."""
    return atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n")

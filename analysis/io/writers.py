"""Write tables and files atomically, never under ``data/raw/``.

Every output goes to a temporary file in the target folder and is moved into place with
``os.replace``, so a reader never sees half a file and an interrupted run leaves the old output.
CSV and parquet outputs are byte-identical for identical inputs (no timestamps are written).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from ..errors import DataError

TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")


def _file_mode() -> int:
    """The permissions an ordinary new file gets under the current umask (mkstemp uses 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _publish(tmp, p: Path) -> None:
    os.chmod(tmp, _file_mode())
    os.replace(tmp, p)


def guard_output(path) -> Path:
    """Refuse a path under any ``data/raw`` folder (raw data are never written by the code)."""
    p = Path(path).resolve()
    parts = p.parts
    for i in range(len(parts) - 1):
        if parts[i] == "data" and parts[i + 1] == "raw":
            raise DataError(f"refusing to write '{path}': nothing is written under data/raw/ (raw exports stay as received)")
    return p


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file + rename)."""
    p = guard_output(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        _publish(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p


def atomic_write_text(path, text: str) -> Path:
    """Write UTF-8 text atomically, with Unix newlines."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def write_table(df: pd.DataFrame, path, *, index: bool = False, sheet_name: str = "scores") -> Path:
    """Write a DataFrame as .csv, .xlsx or .parquet (by the file ending), atomically.

    Examples
    --------
    >>> import pandas as pd, tempfile, os
    >>> from analysis.io import write_table
    >>> out = write_table(pd.DataFrame({"a": [1]}), os.path.join(tempfile.mkdtemp(), "t.csv"))
    >>> out.read_text()
    'a\\n1\\n'
    """
    p = guard_output(path)
    suffix = p.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise DataError(f"output '{path}': use a .csv, .xlsx or .parquet file name")
    p.parent.mkdir(parents=True, exist_ok=True)
    df = df.copy(deep=False)
    df.attrs = {}  # metadata (audits, sources) is not part of a table file
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=suffix, dir=p.parent)
    os.close(fd)
    try:
        if suffix == ".csv":
            df.to_csv(tmp, index=index, lineterminator="\n")
        elif suffix == ".parquet":
            df.to_parquet(tmp, index=index)
        else:
            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                df.to_excel(xl, index=index, sheet_name=sheet_name[:31])
        _publish(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p


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


# a fixed date for document properties, so identical workbooks are identical bytes
XLSX_FIXED_TIME = "2000-01-01T00:00:00Z"


def deterministic_xlsx(data: bytes) -> bytes:
    """Rewrite an xlsx (zip) with fixed entry times and fixed document-property dates.

    openpyxl stamps the current time into ``docProps/core.xml`` and into every zip entry; with
    this, the same workbook content gives the same bytes.
    """
    import io
    import re
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                              rb"\g<1>" + XLSX_FIXED_TIME.encode() + rb"\2", body)
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            dst.writestr(zi, body)
    return out.getvalue()

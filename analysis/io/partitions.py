"""Partitioned data: a Dask DataFrame, or a folder of Parquet files opened as one.

Dask is imported here and only here, when partitioned data arrive (``import analysis`` does not
import it). The partitions are read and worked on by Dask — on the threads of this process, or on
a cluster when a ``distributed.Client`` is active — never by a scheduler of our own.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..checks import is_partitioned
from ..errors import DataError


def open_partitions(data, what: str):
    """A Dask DataFrame of ``data``: itself, or the Parquet files of a folder (``*.parquet``).

    Parameters
    ----------
    data : dask.dataframe.DataFrame, str or Path
        A Dask DataFrame (taken as it is), or a folder whose ``*.parquet`` files are the partitions
        (``part.0.parquet``, ``part.1.parquet``, … as ``DataFrame.to_parquet`` or Dask's
        ``to_parquet`` write them; an index written with the files is kept, so rows are named by it
        in messages and audits).
    what : str
        The step asking (named in a refusal).

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy: nothing is read until a statistic or ``.compute()`` asks for it.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from analysis.datasets import read_dataset
    >>> from analysis.io.partitions import open_partitions
    >>> staff = read_dataset("staff_demo")
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "staff"
    >>> folder.mkdir()
    >>> staff.iloc[:200].to_parquet(folder / "part.0.parquet")
    >>> staff.iloc[200:].to_parquet(folder / "part.1.parquet")
    >>> ddf = open_partitions(folder, "example")
    >>> ddf.npartitions, len(ddf) == len(staff)
    (2, True)

    # R: arrow::open_dataset("staff")
    """
    if not is_partitioned(data):
        raise DataError("is neither a Dask DataFrame nor a folder of Parquet files", argument="data", value=data,
                        within=what, hint="Pass dask.dataframe.read_parquet(...) or the folder that holds the "
                        "*.parquet partitions.")
    import dask.dataframe as dd

    if not isinstance(data, (str, os.PathLike)):
        return data
    folder = Path(data)
    if not any(folder.glob("*.parquet")):
        raise DataError("holds no *.parquet file", file=folder, within=what,
                        hint="Write the partitions there first (DataFrame.to_parquet or dask's to_parquet), "
                        "or name the folder that holds them.")
    return dd.read_parquet(str(folder))


def opened(data, what: str):
    """``(Dask DataFrame, the folder or None, an empty frame with the data's columns and types)``.

    The empty frame lets a step refuse a missing column or a wrong option before anything is read;
    it carries the folder as its ``source``, like every partition given to :func:`with_source`.
    """
    ddf = open_partitions(data, what)
    source = os.fspath(data) if isinstance(data, (str, os.PathLike)) else None
    return ddf, source, with_source(ddf._meta.copy(), source)


def with_source(part, source):
    """The partition with ``attrs["source"]`` set to the folder when it names no file of its own.

    Parquet files written by pandas keep the ``attrs`` of the frame they were made from (the export
    that was read, and its first data row): a refused cell is then named by that file and row, as
    the same files read into memory name it. Otherwise the folder is named, and the row by its
    index label (``row with index 215``).
    """
    if source is not None and not part.attrs.get("source"):
        part.attrs["source"] = source
    return part

"""Scoring partitioned data: :func:`analysis.score` on every partition, run by Dask.

Scores are row-wise, so each partition is scored alone by the same code as data in memory
(``map_partitions``); the scores and the audit stay partitioned and lazy until written or computed.
"""

from __future__ import annotations

import os

import pandas as pd

from ..instruments.registry import load_instrument
from ..io.partitions import opened, with_source
from .mapping import prepare_items
from .scorer import ScoreResult, score


class PartitionedScores:
    """Scores of partitioned data, lazy: nothing is read before ``.compute()`` or ``.to_parquet()``.

    Attributes
    ----------
    scores : dask.dataframe.DataFrame
        One row per input row (the input's index and partitions): ``<scale>``, ``<scale>_n_valid``
        and ``<scale>_band``, as :attr:`analysis.ScoreResult.scores`.
    audit : dask.dataframe.DataFrame
        ``row, id, column, item, value, reason``, one row per value set to missing (``row`` is the
        index label of the row: the input's own index when the Parquet files carry one).
    instrument, columns_used, options, r_call
        As on :class:`analysis.ScoreResult`.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> from analysis import read_dataset, score_partitions
    >>> parts = dd.from_pandas(read_dataset("demo"), npartitions=4)
    >>> res = score_partitions(parts, "grit-s", columns="grit_{n}", missing=[-99])
    >>> res.scores.npartitions, res.compute().n
    (4, 400)

    # R: psych::scoreItems(keys, items, totals = FALSE, impute = "none", min = 1, max = 5)$scores
    """

    def __init__(self, scores, audit, template: ScoreResult):
        self.scores = scores
        self.audit = audit
        self.instrument = template.instrument
        self.columns_used = template.columns_used
        self.flip = template.flip
        self.options = template.options
        self._template = template

    @property
    def r_call(self) -> str:
        return self._template.r_call

    def compute(self) -> ScoreResult:
        """The scores and the audit brought into memory, as a :class:`analysis.ScoreResult`.

        The scores equal :func:`analysis.score` of all the rows; the audit holds the same rows,
        column by column, and within a column partition by partition.
        """
        import dask

        scores, audit = dask.compute(self.scores, self.audit)
        # column by column as score() lists it; within a column partition by partition (score() lists
        # a column's missing codes, then its text tokens, then its invalid values: the same rows)
        place = {c: i for i, c in enumerate(self.columns_used.values())}
        audit = audit.sort_values("column", key=lambda c: c.map(place), kind="stable")
        return ScoreResult(scores=scores, audit=audit.reset_index(drop=True), instrument=self.instrument,
                           columns=self.columns_used, flip=self.flip, options=self.options)

    def to_parquet(self, folder, **kwargs) -> None:
        """Write the scores as a folder of Parquet files, one per partition (Dask's ``to_parquet``)."""
        self.scores.to_parquet(os.fspath(folder), **kwargs)

    def __repr__(self) -> str:
        return (f"[PartitionedScores: {self.instrument.id}, {self.scores.npartitions} partitions, lazy; "
                f".compute() brings the scores and the audit into memory]")


def score_partitions(data, instrument, columns=None, **options) -> PartitionedScores:
    """Score one instrument on partitioned data: a Dask DataFrame or a folder of Parquet files.

    Every partition is scored by :func:`analysis.score` (the same code as data in memory, so the
    same numbers), on the active ``distributed`` client when there is one (``Client(...)``), else
    on this machine's threads. Nothing is read until the scores are computed or written.

    Parameters
    ----------
    data : dask.dataframe.DataFrame, str or Path
        The respondents, one row each: a Dask DataFrame, or a folder of ``*.parquet`` partitions.
    instrument, columns, **options
        As in :func:`analysis.score` (``missing``, ``recode``, ``response``, ``min_valid``, …).

    Returns
    -------
    PartitionedScores
        ``.scores`` and ``.audit`` as lazy Dask DataFrames; ``.compute()`` gives the
        :class:`analysis.ScoreResult`, ``.to_parquet(folder)`` writes the scores partition by partition.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> from analysis import read_dataset, score, score_partitions
    >>> demo = read_dataset("demo")
    >>> parts = score_partitions(dd.from_pandas(demo, npartitions=3), "agq-r", columns="agq_{n}",
    ...                          response={"min": 1, "max": 7}, missing=[-99])
    >>> whole = score(demo, "agq-r", columns="agq_{n}", response={"min": 1, "max": 7}, missing=[-99])
    >>> done = parts.compute()
    >>> rows = ["column", "row", "reason"]
    >>> done.scores.equals(whole.scores), done.audit.sort_values(rows).equals(whole.audit.sort_values(rows))
    (True, True)

    # R: psych::scoreItems(keys, items, totals = FALSE, impute = "none", min = 1, max = 7)$scores
    """
    ddf, source, empty = opened(data, "score_partitions")
    key = load_instrument(instrument)
    template = score(empty, key, columns, **options)   # a wrong key, column or option is refused before reading
    scores = ddf.map_partitions(_scores, key, columns, source, options, meta=template.scores)
    audit = ddf.map_partitions(_audit, key, columns, source, options, meta=template.audit)
    return PartitionedScores(scores, audit, template)


def _scores(part: pd.DataFrame, key, columns, source, options: dict) -> pd.DataFrame:
    return score(with_source(part, source), key, columns, **options).scores


def _audit(part: pd.DataFrame, key, columns, source, options: dict) -> pd.DataFrame:
    return prepare_items(with_source(part, source), key, columns, **options).audit.reset_index(drop=True)

"""The result of :func:`analysis.careless`: the indices, one row per respondent, and the audit of
the values set to missing (with its APA sentence)."""

from __future__ import annotations

import pandas as pd

from ..formatting.apa import Apa, apa
from ..results import TableResult, audit_of


def screening_audit(result) -> pd.DataFrame:
    """Values set to missing while preparing the screened items: ``row, id, instrument, column,
    item, value, reason`` (from a :func:`careless` or :func:`analysis.screen` result).

    A plain DataFrame (``result.indices``, or a table joined from it) carries no audit: that is an
    error, not an empty audit.

    Examples
    --------
    >>> from analysis import careless
    >>> from analysis.datasets import read_dataset
    >>> res = careless(read_dataset("demo"), "pps", "pps_{n}", missing=[-99], seed=1)
    >>> screening_audit(res).columns.tolist()
    ['row', 'id', 'instrument', 'column', 'item', 'value', 'reason']

    # R: no equivalent (the values R would read as NA: which(x == -99, arr.ind = TRUE))
    """
    return audit_of(result).copy()


class CarelessResult(TableResult):
    """The careless indices (``.indices``, one row per input row) and the audit (``.audit``).

    ``.indices.attrs`` keep the plain metadata (``notes``, ``items``, ``factors``,
    ``synonym_pairs``, ``antonym_pairs``, ``critval``, ``mahad_cut`` …); the audit of values set
    to missing (``row, id, instrument, column, item, value, reason``) is kept on the result only,
    where no join or concat can drop it. Like :class:`analysis.ScoreResult` the result shows its
    table in a notebook and passes ``result[...]``, ``.loc``, ``.columns``, ``.attrs`` … on to
    ``.indices``; use ``result.indices`` with ``pd.concat`` / ``DataFrame.join``.

    ``table()`` is ``.indices``, ``summary()`` one row per index (n, mean, SD, range), ``apa()``
    the sentence, ``n`` the respondents, ``options`` the options it ran with (``seed`` included).

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis import careless
    >>> res = careless(read_dataset("demo"), "pps", "pps_{n}", missing=[-99], seed=1)
    >>> res.n, res.summary()["index"].tolist()[:3]
    (400, ['longstring', 'longstring_avg', 'irv'])

    # R: careless::longstring(x, avg = TRUE); careless::irv(x); careless::mahad(x, flag = TRUE)
    """

    _table_name = "indices"

    def __init__(self, indices: pd.DataFrame, audit: pd.DataFrame, options: dict | None = None):
        self.indices = indices
        self.audit = audit
        self.options = dict(options or {})

    @property
    def n(self) -> int:
        return len(self.indices)

    @property
    def notes(self) -> dict:
        """Why an index is undefined for everyone (``{index: message}``)."""
        return self.indices.attrs.get("notes", {})

    def summary(self) -> pd.DataFrame:
        """Per index: ``index, n, mean, sd, min, max`` over the respondents where it is defined."""
        rows = []
        for col in ("longstring", "longstring_avg", "irv", "mahad", "evenodd", "psychsyn", "psychant",
                    "prop_missing", "seconds_per_item"):
            if col in self.indices:
                x = pd.to_numeric(self.indices[col], errors="coerce")
                rows.append({"index": col, "n": int(x.notna().sum()), "mean": x.mean(), "sd": x.std(ddof=1),
                             "min": x.min(), "max": x.max()})
        return pd.DataFrame(rows, columns=["index", "n", "mean", "sd", "min", "max"])

    r_call = ("careless::longstring(x, avg = TRUE); careless::irv(x); careless::mahad(x, flag = TRUE); "
              "careless::evenodd(keyed, factors); careless::psychsyn(x, critval); careless::psychant(x, -critval)")


@apa.register
def _apa_careless(result: CarelessResult) -> Apa:
    """APA sentence of the careless indices: who, over how many items, and what was set to missing."""
    ind = result.indices
    n_items = int(ind["n_items"].iloc[0]) if len(ind) else 0
    k = len(result.audit)
    text = (f"Careless-responding indices of {result.n} respondents over {n_items} items"
            f" ({', '.join(ind.attrs.get('instruments', []))}); "
            f"{k} value{'s were' if k != 1 else ' was'} set to missing before screening.")
    return Apa(estimate=f"N = {result.n}", statistic="", full_result=text, table=result.summary())

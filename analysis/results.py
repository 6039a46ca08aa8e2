"""The result protocol, and results whose main output is a table that must keep its audit.

Every analysis returns a :class:`Result`:

``.table()``
    the tidy numeric DataFrame of what was estimated: one row per term, path, scale, pair or team;
    snake_case columns; numbers as numbers (``estimate, se, ci_low, ci_high, statistic, df, p_val,
    n`` where they apply), labels as text. Never formatted text: that is ``.apa().table``.
``.summary()``
    a DataFrame overview: one row per model (or per scale/rule) with its fit and sample facts;
    where no overview is more than the table, the table itself.
``.apa()``
    the APA text (:class:`analysis.formatting.apa.Apa`, a ``str`` that also carries ``estimate``,
    ``statistic``, ``full_result`` and the formatted ``table``).
``.figure(path=None)``
    where a figure makes sense: the matplotlib Figure, also written to ``path`` when given.
``.n``, ``.n_excluded``
    respondents (or rows) analysed, and those received but not analysed (screening, missing data).
``.options``, ``.r_call``
    the options it ran with (a dict), and the equivalent R call.

:class:`TableResult` is the base of results whose main output is one row per input row or per
scale (scores, careless indices, reliability tables). The audit of values set to missing lives on
the result (``.audit``), never in ``DataFrame.attrs``: pandas drops or merges ``attrs`` when frames
are joined, concatenated or merged, so an audit kept there could silently vanish. To stay
convenient in a notebook a table result *shows* its table (``repr`` and the HTML view), and
anything it does not define itself (``result["scale"]``, ``.loc``, ``.iloc``, ``.columns``,
``.to_csv(...)`` …) is looked up on ``.table()``. What comes back from such a delegated call is the
plain table: it never carries the audit, which stays on the result (read it with ``.audit`` or
:func:`analysis.audit_frame`). pandas refuses to concatenate a result (``pd.concat([df, result])``
raises ``TypeError``): pass ``result.table()`` (for scores also ``result.scores``).
"""

from __future__ import annotations

import pandas as pd

from .errors import DataError


class Result:
    """Base of every analysis result (the protocol above).

    A subclass defines ``table()`` and ``n``; it overrides ``summary()`` when an overview says more
    than the table, registers its APA text with :func:`analysis.formatting.apa.apa` (``apa()`` calls it)
    and adds ``figure(path=None)`` where a figure makes sense.
    """

    n_excluded = 0
    options: dict = {}
    r_call = ""

    def table(self) -> pd.DataFrame:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def summary(self) -> pd.DataFrame:
        """The overview; by default the table itself."""
        return self.table()

    def apa(self):
        """The APA text (a ``str`` carrying its parts; see :class:`analysis.formatting.apa.Apa`)."""
        from .formatting.apa import apa
        return apa(self)


class TableResult(Result):
    """Base of results built around one table; subclasses set ``_table_name`` and ``audit``.

    Subclasses also define ``summary()``, ``apa()``, ``n``, ``options`` and ``r_call`` (the
    protocol above); ``figure(path=None)`` only where a figure makes sense.
    """

    _table_name = "table"   # attribute that holds the DataFrame (``scores``, ``indices`` …)

    def table(self) -> pd.DataFrame:
        """The main table, as a copy: changing it leaves the result as it was.

        The copy is pandas' copy-on-write shallow copy, so it costs nothing until it is changed.
        """
        return self.__dict__[self._table_name].copy(deep=False)

    # --- notebook convenience: look like the table -----------------------------------------------
    def __getattr__(self, name):
        # only called for names the result does not define; private names are never delegated
        # (keeps copy/pickle from recursing before __dict__ is filled)
        if name.startswith("_") or self._table_name not in self.__dict__:
            raise AttributeError(name)
        try:   # read from a copy of the table: result.loc[0, "x"] = 1 must not change the result
            return getattr(self.__dict__[self._table_name].copy(deep=False), name)
        except AttributeError:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}' "
                                 f"(nor has its table .{self._table_name})") from None

    def __getitem__(self, key):
        return self.table()[key]

    def __iter__(self):
        # pandas treats any iterable as a list of frames (df.join) or of rows (pd.DataFrame(x)):
        # refuse clearly instead of letting it build something else
        raise TypeError(f"a {type(self).__name__} is not a table: use .{self._table_name} "
                        f"(e.g. df.join(result.{self._table_name}), pd.concat([df, result.{self._table_name}], axis=1))")

    def __len__(self) -> int:
        return len(self.__dict__[self._table_name])

    def __contains__(self, key) -> bool:
        return key in self.__dict__[self._table_name]

    def _footer(self) -> str:
        audit = self.__dict__.get("audit")
        k = 0 if audit is None else len(audit)
        return (f"{type(self).__name__}: {len(self)} rows; {k} value(s) set to missing "
                f"(see .audit); .{self._table_name} is the table")

    def __repr__(self) -> str:
        return f"{self.table()!r}\n[{self._footer()}]"

    def _repr_html_(self) -> str:
        return f"{self.table()._repr_html_()}<p><em>{self._footer()}</em></p>"


def audit_of(result) -> pd.DataFrame:
    """The audit of anything that carries one in ``.audit`` (a result, an ItemSet, a study result).

    A plain DataFrame carries no audit (goalscope never keeps one in ``attrs``): say so instead of
    returning an empty table that would read as "nothing was set to missing".
    """
    if isinstance(result, (pd.DataFrame, pd.Series)):
        raise DataError(
            f"is a {type(result).__name__}, which carries no audit: a plain, joined or concatenated table never "
            f"does.", argument="result", value=type(result).__name__, within="audit_frame",
            hint="Pass the result itself, e.g. audit_frame(res) with res = score(...), not audit_frame(res.scores) "
                 "or audit_frame(pd.concat([..., res.scores], axis=1))")
    audit = getattr(result, "audit", None)
    if not isinstance(audit, pd.DataFrame):
        raise DataError(f"is a {type(result).__name__}, which carries no audit of values set to missing",
                        argument="result", value=type(result).__name__, within="audit_frame",
                        hint="pass the result of score(), careless(), screen(), reliability(), cfa() or "
                             "prepare_items()")
    return audit

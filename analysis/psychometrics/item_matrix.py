"""The item matrix every exploratory statistic starts from (EFA, KMO, Bartlett, parallel analysis,
polychoric correlations): a float array of the item columns, or of an instrument's keyed items."""

from __future__ import annotations

import numpy as np

from ..checks import check_columns, check_data, check_numeric


#: the parameters every exploratory statistic shares, stated once (``@item_params`` puts them in place
#: of the line ``{item_params}`` of a docstring, as statsmodels does with its shared parameter docs)
ITEM_PARAMS = """    instrument : str, Path or Instrument, optional
        Analyse this instrument's items, cleaned and reverse-keyed by :func:`analysis.prepare_items`
        (``columns`` then says where its items are, as in :func:`analysis.score`).
    **options
        Dataset quirks for :func:`analysis.prepare_items` (``response``, ``missing``, …)."""


def item_params(fn):
    """Put :data:`ITEM_PARAMS` where the docstring of ``fn`` says ``{item_params}``."""
    fn.__doc__ = fn.__doc__.replace("    {item_params}", ITEM_PARAMS)
    return fn


def item_matrix(data, columns=None, instrument=None, what: str = "efa", **options):
    """(n × p float array, column names, audit) from a DataFrame, optionally an instrument's keyed items.

    ``columns`` means what it means everywhere: with an instrument, how its items map to the
    export's columns (pattern, map or list, as :func:`analysis.prepare_items`); without one, the
    item columns themselves (default all).
    The audit lists the values set to missing while preparing an instrument's items (None for plain columns).
    """
    data = check_data(data, what)
    if instrument is not None:
        from ..scoring.mapping import prepare_items

        items = prepare_items(data, instrument, columns, **options)
        blocks, names = [], []
        for scale in items.instrument.scales:
            for col, x in zip(items.scale_columns(scale), items.keyed_array(scale).T):
                if col not in names:
                    names.append(col)
                    blocks.append(x)
        return np.column_stack(blocks), names, items.audit.reset_index(drop=True)
    cols = check_columns(data, list(data.columns) if columns is None else columns, what)
    x = check_numeric(data, cols, what)
    return x.to_numpy(float), [str(c) for c in cols], None


def r_columns(names) -> str:
    """``x`` or ``x[, c("a", "b")]``: how the R call of a result names its items."""
    names = list(names)
    if len(names) > 6:
        return "x"
    return "x[, c(" + ", ".join(f'"{n}"' for n in names) + ")]"

"""Psychometric synonyms and antonyms (careless 1.2.2's ``psychsyn``, ``psychant``,
``psychsyn_critval``): the item pairs that correlate strongly in the sample, and each person's
correlation across those pairs. Definitions and departures from careless: :mod:`.indices`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from .respondent_matrix import _matrix, _pairwise_cov, _row_corr

__all__ = ["psychsyn", "psychant", "psychsyn_critval"]

def _pair_table(values: np.ndarray, names: list) -> pd.DataFrame:
    """Every item pair (i > j), in R's column-major order of the lower triangle, with its r."""
    cor = _pairwise_cov(values, corr=True)  # pairwise complete, as R's cor(use = "pairwise")
    p = cor.shape[0]
    jj, ii = np.triu_indices(p, k=1)  # column-major lower triangle: for column j, rows i > j
    order = np.lexsort((ii, jj))
    ii, jj = ii[order], jj[order]
    return pd.DataFrame({"var1": [names[i] for i in ii], "var2": [names[j] for j in jj],
                         "cor": cor[ii, jj], "i": ii, "j": jj})


def psychsyn_critval(x, anto: bool = False) -> pd.DataFrame:
    """Correlations of all item pairs, strongest first: helps choosing ``critval``.

    Returns
    -------
    DataFrame ``var1, var2, cor`` (``var1`` the later item), sorted by ``cor`` decreasing (or
    increasing with ``anto=True``); ties keep R's column-major order. careless also lists the
    upper triangle and diagonal as NA rows at the end; they are left out here.

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.screening import psychsyn_critval
    >>> x = np.array([[1, 2, 5], [2, 2, 4], [3, 4, 2], [4, 5, 1]], dtype=float)
    >>> psychsyn_critval(x)[["var1", "var2"]].values.tolist()[0]
    ['V2', 'V1']

    ``# R: careless::psychsyn_critval(x)``
    """
    values, _, names = _matrix(x, "psychsyn_critval")
    table = _pair_table(values, names)
    key = table["cor"] if anto else -table["cor"]
    table = table.iloc[np.argsort(key.to_numpy(), kind="stable")]
    return table[["var1", "var2", "cor"]].reset_index(drop=True)


def psychsyn(x, critval: float = 0.60, anto: bool = False, diag: bool = False, resample_na: bool = True,
             seed: int | None = None):
    """Psychometric synonyms (or antonyms): a person's correlation across highly correlated pairs.

    Parameters
    ----------
    x : DataFrame or array
        Respondents × items, as answered (not reverse-keyed).
    critval : float
        Pairs correlating above ``|critval|`` in the sample are synonyms (below −``|critval|``:
        antonyms with ``anto=True``).
    anto : bool
    diag : bool
        Also return the number of pairs the respondent answered (``n_pairs``).
    resample_na : bool
        careless's rescue for an undefined correlation (one side constant): swap the two items of
        each pair at random and try again, up to 10 times. Seeded here (``seed``).
    seed : int or None
        Seed of that swap. Default None: fresh draws, so the few resampled values repeat only when
        a seed is given (:func:`analysis.careless` draws one and states it).

    Returns
    -------
    Series ``r`` (careless's value: the within-person correlation, NaN with fewer than three
    answered pairs), or DataFrame ``n_pairs, r``. Note the direction: for synonyms a HIGH r means
    an attentive respondent; :func:`careless` stores −r as ``psychsyn``.

    Raises
    ------
    DataError
        When no pair passes ``critval`` (careless stops too); see :func:`psychsyn_critval`.

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.screening import psychsyn
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 4))                       # four traits, two items each
    >>> x = np.round(3 + np.repeat(f, 2, axis=1) + rng.normal(scale=.4, size=(300, 8)))
    >>> round(float(psychsyn(x, .6, seed=1).median()), 2)
    0.87

    ``# R: careless::psychsyn(x, critval = .60)``
    """
    values, index, names = _matrix(x, "psychant" if anto else "psychsyn")
    crit = abs(float(critval))
    table = _pair_table(values, names)
    pick = table["cor"] < -crit if anto else table["cor"] > crit
    if not pick.any():
        best = table["cor"].min() if anto else table["cor"].max()
        kind = "antonyms" if anto else "synonyms"
        raise DataError(f"leaves no psychometric {kind}: no item pair correlates "
                        f"{'below' if anto else 'above'} {'-' if anto else ''}{crit:g} (the strongest pair has "
                        f"r = {best:.3f})", argument="critval", value=critval,
                        within="psychant" if anto else "psychsyn",
                        hint="Choose a critical value with psychsyn_critval().")
    pairs = table[pick]
    a = values[:, pairs["i"].to_numpy()]
    b = values[:, pairs["j"].to_numpy()]
    r, n_pairs = _row_corr(a, b)
    r = np.where(n_pairs > 2, r, np.nan)  # careless: only with more than two answered pairs
    if resample_na:
        todo = np.flatnonzero((n_pairs > 2) & np.isnan(r))
        if todo.size:
            rng = np.random.default_rng(seed)
            aa, bb = a[todo].copy(), b[todo].copy()
            rr = np.full(todo.size, np.nan)
            for _ in range(10):
                live = np.isnan(rr)
                if not live.any():
                    break
                swap = rng.random(aa.shape) < 0.5
                swap &= live[:, None]
                aa, bb = np.where(swap, bb, aa), np.where(swap, aa, bb)
                new, _ = _row_corr(aa, bb)
                rr = np.where(live, new, rr)
            r[todo] = rr
    name = "r"
    if not diag:
        return pd.Series(r, index=index, name=name)
    return pd.DataFrame({"n_pairs": n_pairs.astype(np.int64), "r": r}, index=index)


def psychant(x, critval: float = -0.60, diag: bool = False, resample_na: bool = True, seed: int | None = None):
    """Psychometric antonyms: :func:`psychsyn` with ``anto=True``.

    For attentive respondents the value is strongly negative; higher = more careless, as careless
    returns it.

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.screening import psychant
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 4))                       # each trait worded both ways
    >>> x = np.round(3 + np.hstack([f, -f]) + rng.normal(scale=.4, size=(300, 8)))
    >>> round(float(psychant(x, -.6, seed=1).median()), 2)
    -0.87

    ``# R: careless::psychant(x, critval = -.60)``
    """
    return psychsyn(x, critval, anto=True, diag=diag, resample_na=resample_na, seed=seed)

"""Careless-responding indices, one value per respondent, with the definitions of R careless 1.2.2.

Each function takes a respondents × items matrix (DataFrame or array; NaN = no answer) in the
order the items were administered and returns one value per row. The definitions were read from
the documentation and source of careless 1.2.2 (Yentes & Wilhelm; ``R/longstring.R``, ``R/irv.R``,
``R/mahad.R`` → ``psych::outlier``, ``R/evenodd.R``, ``R/psychsyn.R``, ``R/psychant.R``,
``R/psychsyn_critval.R``, ``NEWS.md``) and re-implemented here, vectorised over respondents:

============== ===========================================================================
longstring     longest run of identical consecutive answers (``rle``); a missing answer is
               a run of its own and breaks a run (R's ``rle`` never matches NA)
longstring_avg mean run length = items / number of runs
irv            standard deviation (n − 1) of the person's answers, ``na.rm=TRUE`` by default;
               ``split`` adds the SD of ``num_split`` consecutive chunks cut as R's ``cut()``
mahad          D² = dᵀ S⁻¹ d with S the pairwise-complete covariance matrix and d the
               deviations from the column means; missing deviations count as 0 (the rule of
               ``psych::outlier``, which careless calls); flag: D² > χ²(confidence, items)
evenodd        per scale, mean of the even-numbered and of the odd-numbered items; the
               person's correlation of even with odd means across scales (pairwise complete),
               Spearman–Brown 2r/(1 + r), floored at −1, then NEGATED (careless ≥ 1.2.1):
               higher = more careless
psychsyn       item pairs whose sample correlation exceeds ``critval``; the person's
               correlation across those pairs when more than two pairs are answered
psychant       the same with pairs correlating below −``critval``
============== ===========================================================================

Direction: careless's ``psychsyn`` is a correlation that is HIGH for attentive respondents.
:func:`careless` therefore stores ``psychsyn = −r`` (higher = more careless) and keeps careless's
own number in ``psychsyn_r``. ``psychant`` (low, negative r for attentive respondents) and
``evenodd`` (already negated by careless) are stored as careless returns them.

Where this module departs from careless (each documented at the function):

* ``longstring`` of a respondent with no answer at all is NaN (careless returns 1).
* careless stops when no synonym/antonym pair exists; :func:`psychsyn` raises
  :class:`~analysis.errors.DataError`, :func:`careless` returns NaN and says why.
* careless's NA resampling in ``psychsyn`` uses R's random generator; here it uses a seeded
  NumPy generator (``seed``), so the values of the few resampled respondents are reproducible
  but not R's draws. ``resample_na=False`` gives careless's values exactly.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..checks import dependent_columns
from ..errors import DataError
from .respondent_matrix import _matrix, _pairwise_cov, _row_corr
from .synonym_pairs import psychant, psychsyn, psychsyn_critval

# psychsyn, psychant and psychsyn_critval live in synonym_pairs.py; they stay importable from here
__all__ = ["longstring", "irv", "mahad", "evenodd", "psychsyn", "psychant", "psychsyn_critval"]


# ---------------------------------------------------------------------------------------------
def longstring(x, avg: bool = False):
    """Longest string of identical consecutive answers (and, with ``avg``, the mean run length).

    Parameters
    ----------
    x : DataFrame or array
        Respondents × items, in the order the items were presented; NaN = no answer.
    avg : bool
        Also return the average run length (``longstring_avg``).

    Returns
    -------
    Series ``longstring`` or, with ``avg=True``, DataFrame ``longstring, longstring_avg``.

    Notes
    -----
    careless 1.2.2 applies R's ``rle`` to each row: a missing answer never equals its neighbour,
    so it is a run of length 1 and breaks the run it interrupts. The average is the number of
    items divided by the number of runs. A respondent with no answer at all gets NaN here
    (careless returns 1, a run length of answers that do not exist).

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.screening import longstring
    >>> longstring(np.array([[3, 3, 3, 1, 2], [1, 2, np.nan, 2, 2]]), avg=True).to_numpy().tolist()
    [[3.0, 1.6666666666666667], [2.0, 1.25]]

    ``# R: careless::longstring(x, avg = TRUE)``
    """
    values, index, _ = _matrix(x, "longstring")
    n, p = values.shape
    if p == 0:
        raise DataError("has no item columns", argument="x", value=f"{n} rows × 0 columns", within="longstring",
                        hint="pass the item columns")
    run = np.ones(n)
    best = np.ones(n)
    n_runs = np.ones(n)
    for j in range(1, p):
        same = values[:, j] == values[:, j - 1]  # NaN never equals anything, as in R's rle
        run = np.where(same, run + 1.0, 1.0)
        best = np.maximum(best, run)
        n_runs += ~same
    empty = np.isnan(values).all(axis=1)
    best[empty] = np.nan
    longest = pd.Series(best, index=index, name="longstring")
    if not avg:
        return longest
    mean_run = np.where(empty, np.nan, p / n_runs)
    return pd.DataFrame({"longstring": best, "longstring_avg": mean_run}, index=index)


def _r_cut_chunks(p: int, k: int) -> np.ndarray:
    """Chunk number (0-based) of positions 1..p as R's ``cut(seq_len(p), k, labels = FALSE)``."""
    pos = np.arange(1, p + 1, dtype=float)
    lo, hi = 1.0, float(p)
    dx = hi - lo
    if dx == 0:
        dx = abs(lo)
        breaks = np.linspace(lo - dx / 1000, hi + dx / 1000, k + 1)
    else:
        breaks = np.linspace(lo, hi, k + 1)
        breaks[0] = lo - dx / 1000
        breaks[-1] = hi + dx / 1000
    # right-closed intervals (b_k, b_k+1]
    return np.searchsorted(breaks, pos, side="left") - 1


def irv(x, na_rm: bool = True, split: bool = False, num_split: int = 3):
    """Intra-individual response variability: the SD of a person's answers.

    Parameters
    ----------
    x : DataFrame or array
        Respondents × items; NaN = no answer.
    na_rm : bool
        Leave missing answers out (careless ≥ 1.2.1 default). With False a respondent with any
        missing answer gets NaN.
    split : bool
        Also return the IRV of ``num_split`` consecutive chunks of the items (``irv_1`` …), cut
        as R's ``cut(seq_along(items), num_split)``.
    num_split : int

    Returns
    -------
    Series ``irv`` or, with ``split=True``, DataFrame ``irv, irv_1, …, irv_<num_split>``.

    Notes
    -----
    The SD uses n − 1; it is NaN with fewer than two answers. Low IRV points to straight-lining
    (Dunn et al., 2018), high IRV to random answering (Marjanovic et al., 2015): screen both tails.

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.screening import irv
    >>> irv(np.array([[1, 2, 3, np.nan], [4, 4, 4, 4]])).round(4).tolist()
    [1.0, 0.0]

    ``# R: careless::irv(x, na.rm = TRUE)``
    """
    values, index, _ = _matrix(x, "irv")

    def sd(block):
        with np.errstate(invalid="ignore"):
            count = (~np.isnan(block)).sum(axis=1)
            out = np.full(block.shape[0], np.nan)
            ok = count >= 2
            if ok.any():
                out[ok] = np.nanstd(block[ok], axis=1, ddof=1)
        if not na_rm:
            out[np.isnan(block).any(axis=1)] = np.nan
        return out

    total = pd.Series(sd(values), index=index, name="irv")
    if not split:
        return total
    if int(num_split) < 1:
        raise DataError("is not a positive whole number", argument="num_split", value=num_split, within="irv",
                        hint="give 1 or more")
    chunk = _r_cut_chunks(values.shape[1], int(num_split))
    out = {"irv": total.to_numpy()}
    for k in range(int(num_split)):
        block = values[:, chunk == k]
        out[f"irv_{k + 1}"] = sd(block) if block.shape[1] else np.full(values.shape[0], np.nan)
    return pd.DataFrame(out, index=index)


def mahad(x, flag: bool = False, confidence: float = 0.99, na_rm: bool = True):
    """Mahalanobis D² of each respondent from the sample centroid (and a χ² flag).

    Parameters
    ----------
    x : DataFrame or array
        Respondents × items; NaN = no answer.
    flag : bool
        Also return ``mahad_flag``: D² above the ``confidence`` quantile of χ² with as many
        degrees of freedom as items.
    confidence : float
    na_rm : bool
        Use the available answers (default). With False any missing answer is an error, as in
        careless.

    Returns
    -------
    Series ``mahad`` or DataFrame ``mahad, mahad_flag`` (the flag is missing where D² is).

    Notes
    -----
    careless 1.2.2 drops respondents without any answer (NaN) and calls ``psych::outlier``:
    S is the pairwise-complete covariance matrix, d the deviation from the column means (of the
    available answers), and D² = Σᵢⱼ dᵢ (S⁻¹)ᵢⱼ dⱼ over the answered items (a missing deviation
    counts as 0 while S⁻¹ is the inverse of the full matrix).

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.screening import mahad
    >>> x = np.array([[1, 2], [2, 1], [3, 3], [2, 2]], dtype=float)
    >>> mahad(x).round(4).tolist()
    [2.0, 2.0, 2.0, 0.0]

    ``# R: careless::mahad(x, plot = FALSE)`` (psych::outlier)
    """
    values, index, names = _matrix(x, "mahad")
    if not 0 < confidence < 1:
        raise DataError("does not lie between 0 and 1", argument="confidence", value=confidence, within="mahad",
                        hint="give e.g. 0.99")
    if not na_rm and np.isnan(values).any():
        raise DataError("leaves missing answers in, so the Mahalanobis distance was not computed",
                        argument="na_rm", value=na_rm, within="mahad",
                        hint="Use na_rm=True to use the available answers.")
    empty = np.isnan(values).all(axis=1)
    kept = values[~empty]
    cov = _pairwise_cov(kept)  # pairwise-complete, n − 1, like R's cov(use = "pairwise")
    if np.isnan(cov).any():
        i, j = np.argwhere(np.isnan(cov))[0]
        raise DataError("are never answered together (or one has fewer than two answers); their covariance, and so "
                        "D², is undefined", file=getattr(x, "attrs", {}).get("source"), column=[names[i], names[j]],
                        within="mahad", hint="Leave one of them out of the screen.")
    try:
        inv = np.linalg.inv(cov)
        if np.linalg.cond(cov) > 1e13:
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        const = [names[j] for j in range(cov.shape[0]) if cov[j, j] <= 1e-12]
        few = kept.shape[0] <= len(names)      # then every item is part of the dependency
        behind = const or (list(names) if few else dependent_columns(cov, names, tol=1e-10) or list(names))
        why = ("have no variance" if const else f"are {len(names)} items for {kept.shape[0]} respondents" if few
               else "are linearly dependent")
        raise DataError(f"{why}, so the covariance matrix of the {len(names)} items is singular and D² is undefined",
                        file=getattr(x, "attrs", {}).get("source"), column=behind, within="mahad",
                        hint="Leave such items out of the screen.") from None
    dev = kept - np.nanmean(kept, axis=0)
    dev = np.where(np.isnan(dev), 0.0, dev)
    d2 = np.full(values.shape[0], np.nan)
    d2[~empty] = ((dev @ inv) * dev).sum(axis=1)
    out = pd.Series(d2, index=index, name="mahad")
    if not flag:
        return out
    from scipy import stats  # imported here: scipy.stats is slow to import

    cut = stats.chi2.ppf(confidence, values.shape[1])
    flagged = pd.array(np.where(np.isnan(d2), pd.NA, d2 > cut), dtype="boolean")
    return pd.DataFrame({"mahad": d2, "mahad_flag": flagged}, index=index)


def _factor_slices(factors, p: int, what: str) -> list[np.ndarray]:
    """Column positions of each factor: ``factors`` as lengths (careless) or lists of positions."""
    factors = list(factors)
    if factors and all(np.isscalar(f) for f in factors):
        lengths = [int(f) for f in factors]
        if sum(lengths) > p:
            raise DataError(f"holds {sum(lengths)} items but the data have {p} columns", argument="factors",
                            value=factors, within=what, hint="give one length per scale, adding up to the columns")
        starts = np.cumsum([0] + lengths[:-1])
        return [np.arange(s, s + k) for s, k in zip(starts, lengths)]
    return [np.asarray(f, dtype=int) for f in factors]


def evenodd(x, factors, diag: bool = False):
    """Even-odd consistency (careless ≥ 1.2.1 sign: higher = more careless).

    Parameters
    ----------
    x : DataFrame or array
        Respondents × items, reverse-keyed, the items of each scale together.
    factors : list
        Number of items of each scale in column order (careless's ``factors``, e.g. ``[5] * 5``),
        or a list of column-position lists, one per scale.
    diag : bool
        Also return ``evenodd_n_pairs``: scales with both an even and an odd mean.

    Returns
    -------
    Series ``evenodd`` or DataFrame ``evenodd, evenodd_n_pairs``.

    Notes
    -----
    For each scale, the mean of its 2nd, 4th, … items and of its 1st, 3rd, … items (available
    answers). The person's Pearson correlation r of even with odd means over the scales where
    both exist is stepped up by Spearman–Brown, 2r / (1 + r), floored at −1 and negated, so the
    value runs from −1 (perfectly consistent) to 1. NaN when fewer than two scales have both
    means or the even or the odd means do not vary.

    careless 1.2.2 finds a factor's even and odd items through the column names of the row it
    takes; given a matrix (whose rows have no column names) rather than a data frame, it uses only
    the first two items of each factor. This implements the documented definition, i.e. careless
    given a data frame.

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.screening import evenodd
    >>> x = np.array([[1, 1, 3, 3, 5, 5], [1, 2, 3, 3, 5, 3]], dtype=float)
    >>> evenodd(x, [2, 2, 2]).round(4).tolist()
    [-1.0, -0.9282]

    ``# R: careless::evenodd(x, factors = c(2, 2, 2))``
    """
    values, index, _ = _matrix(x, "evenodd")
    slices = _factor_slices(factors, values.shape[1], "evenodd")
    if len(slices) < 2:
        raise DataError(f"names {len(slices)} scale(s); the even-odd index needs at least two", argument="factors",
                        value=factors, within="evenodd", hint="give the lengths of two or more scales")
    n = values.shape[0]
    even = np.full((n, len(slices)), np.nan)
    odd = np.full((n, len(slices)), np.nan)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 'mean of empty slice': a defined NaN here
        for k, cols in enumerate(slices):
            block = values[:, cols]
            if block.shape[1] >= 2:
                even[:, k] = np.nanmean(block[:, 1::2], axis=1)
            odd[:, k] = np.nanmean(block[:, 0::2], axis=1)
    r, n_pairs = _row_corr(even, odd)
    with np.errstate(invalid="ignore", divide="ignore"):
        sb = 2 * r / (1 + r)
    sb = np.where(np.isnan(r), np.nan, np.where(sb < -1, -1.0, sb))
    sb[r == -1] = -1.0
    out = pd.Series(-sb, index=index, name="evenodd")
    if not diag:
        return out
    return pd.DataFrame({"evenodd": out.to_numpy(), "evenodd_n_pairs": n_pairs.astype(np.int64)}, index=index)

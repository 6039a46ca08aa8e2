"""Which columns make a covariance (or cross-product) matrix singular: the names a refusal gives.

A fit that meets a singular matrix knows only arrays; the columns behind them are what the user can
act on (drop a constant item, drop one of a set of collinear predictors). :func:`dependent_columns`
finds them, for every station that refuses such data (CFA, FIML, Mahalanobis D², count models).
"""

from __future__ import annotations

import numpy as np


def dependent_columns(matrix, names, tol: float = 1e-8) -> list[str]:
    """The columns behind a singular covariance or cross-product matrix.

    Columns without variance (a zero diagonal) when there are such; otherwise the columns of the
    dependency the matrix holds: those with a weight above ``1e-6`` in the eigenvector of its
    smallest eigenvalue, on the correlation scale. An empty list when the matrix is not singular
    (its smallest eigenvalue, relative to the largest, is above ``tol``).

    Parameters
    ----------
    matrix : array (p × p)
        A symmetric covariance or cross-product matrix.
    names : sequence of str
        The names of its p columns.
    tol : float
        The relative eigenvalue below which the matrix counts as singular.

    Returns
    -------
    list of str
        The names, in the order of ``names``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1, 2, 3, 5], [2, 1, 3, 4], [3, 3, 6, 1], [4, 1, 5, 2], [5, 2, 7, 2]], float)
    >>> dependent_columns(np.cov(x.T), ["a", "b", "a_plus_b", "d"])
    ['a', 'b', 'a_plus_b']
    >>> dependent_columns(np.cov(np.column_stack([x, np.ones(5)]).T), ["a", "b", "a_plus_b", "d", "e"])
    ['e']

    R: ``e <- eigen(cov2cor(S)); names(which(abs(e$vectors[, ncol(S)]) > 1e-6))`` (``caret::findLinearCombos``
    finds the same sets).
    """
    m = np.asarray(matrix, float)
    names = [str(n) for n in names]
    diag = np.diag(m)
    scale = max(float(np.abs(diag).max(initial=0.0)), np.finfo(float).tiny)
    flat = [n for n, d in zip(names, diag) if d <= tol * scale]
    if flat:
        return flat
    sd = np.sqrt(diag)
    values, vectors = np.linalg.eigh(m / np.outer(sd, sd))
    if values[0] > tol * values[-1]:
        return []
    return [n for n, w in zip(names, vectors[:, 0]) if abs(w) > 1e-6]

"""The null distributions of within-group agreement: σ²_EU from the number of response options (uniform),
the skewed nulls of James et al. (1984) for five options, a variance or proportions given; the
response range a_wg needs. Definitions in :mod:`analysis.teams.rater_agreement`."""

from __future__ import annotations

import numpy as np

from ..errors import DataError


#: expected proportions of options 1..5 under the alternative nulls of James et al. (1984)
NULL_PROPORTIONS_5 = {
    "slight_skew": (0.05, 0.15, 0.20, 0.35, 0.25),
    "moderate_skew": (0.00, 0.10, 0.15, 0.40, 0.35),
    "heavy_skew": (0.00, 0.00, 0.10, 0.40, 0.50),
    "triangular": (0.11, 0.22, 0.34, 0.22, 0.11),
    "normal": (0.07, 0.24, 0.38, 0.24, 0.07),
}


def null_variance(n_options: int | None = None, null="uniform") -> float:
    """σ²_EU, the item variance expected when raters do not agree.

    Parameters
    ----------
    n_options : int
        Number of response options A (5 for a 1-5 scale).
    null : str, float or sequence
        ``"uniform"`` ((A² − 1)/12), a named alternative for A = 5 (``"slight_skew"``,
        ``"moderate_skew"``, ``"heavy_skew"``, ``"triangular"``, ``"normal"``), a variance, or the
        expected proportion of each of the A options.

    Examples
    --------
    >>> null_variance(5)
    2.0
    >>> round(null_variance(5, "slight_skew"), 10)
    1.34

    # R: (5^2 - 1) / 12   (multilevel's ranvar argument)
    """
    if isinstance(null, (int, float, np.floating)) and not isinstance(null, bool):
        if not null > 0:
            raise DataError("is not a positive variance", argument="null", value=null,
                            hint="give a variance above 0, a tabled null's name or proportions")
        return float(null)
    if isinstance(null, str):
        if null == "uniform":
            a = _check_options(n_options)
            return (a * a - 1) / 12.0
        if null not in NULL_PROPORTIONS_5:
            raise DataError("is not a null distribution", argument="null", value=null,
                            hint="use 'uniform', " + ", ".join(repr(k) for k in NULL_PROPORTIONS_5)
                                 + ", a variance or proportions")
        if _check_options(n_options) != 5:
            raise DataError("is tabled for 5 response options only (James et al., 1984)", argument="null",
                            value=null, hint=f"for {n_options} options pass its variance (null=1.2) or proportions "
                                             f"(null=[...])")
        null = NULL_PROPORTIONS_5[null]
    p = np.asarray(null, dtype=float)
    if p.ndim != 1 or (n_options is not None and len(p) != n_options) or np.any(p < 0) or abs(p.sum() - 1) > 1e-6:
        raise DataError(f"is not {n_options or 'A'} non-negative proportions summing to 1", argument="null",
                        value=list(null), hint="give one proportion per response option")
    x = np.arange(1, len(p) + 1, dtype=float)
    m = float(p @ x)
    return float(p @ (x - m) ** 2)


def _check_options(n_options) -> int:
    if n_options is None:
        raise DataError("is not given", argument="n_options", value=n_options,
                        hint="say how many response options the items have (n_options=5 for a 1-5 scale)")
    a = int(n_options)
    if a != n_options or a < 2:
        raise DataError("is not a number of response options", argument="n_options", value=n_options,
                        hint="give a whole number of at least 2")
    return a


def _response(n_options, response):
    if response is not None:
        try:
            lo, hi = (response["min"], response["max"]) if isinstance(response, dict) else response
            lo, hi = float(lo), float(hi)
        except (KeyError, TypeError, ValueError):
            raise DataError("is not a response range", argument="response", value=response,
                            hint="give (lowest, highest) answer code or {'min': …, 'max': …}") from None
        if not lo < hi:
            raise DataError("has min ≥ max", argument="response", value=response,
                            hint="give the lowest answer code first")
        if n_options is None:
            n_options = int(round(hi - lo)) + 1
        return n_options, lo, hi
    a = _check_options(n_options)
    return a, 1.0, float(a)

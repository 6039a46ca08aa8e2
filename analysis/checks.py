"""Checks of the numeric options every analysis shares: a confidence level and a bootstrap count.

One place, so that ``reliability``, ``mediation``, ``moderation``, ``aggregate``, the regression and
mixed-model functions and the command line refuse the same values with the same sentence
(a "150% CI" or ``-5`` resamples never reach a computation).
"""

from __future__ import annotations

import math
import numbers

from .errors import DataError

#: fewest bootstrap resamples accepted for a percentile or BCa interval
MIN_BOOT = 100


def show(value, limit: int = 80) -> str:
    """``repr(value)`` cut to about ``limit`` characters (a pasted 1 MB value must not become a 1 MB message)."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def check_level(level, what: str, name: str = "level") -> float:
    """``level`` as a float strictly between 0 and 1, or a :class:`DataError` naming ``what``.

    Examples
    --------
    >>> from analysis.checks import check_level
    >>> check_level(0.9, "reliability")
    0.9
    >>> check_level(1.5, "reliability")
    Traceback (most recent call last):
    ...
    analysis.errors.DataError: reliability: level=1.5 is not a confidence level; give a number strictly between 0 and 1, e.g. 0.95 for a 95% CI
    """
    ok = isinstance(level, numbers.Real) and not isinstance(level, bool) and math.isfinite(level) and 0 < level < 1
    if not ok:
        raise DataError(f"{what}: {name}={show(level)} is not a confidence level; give a number strictly between 0 and 1, "
                        f"e.g. 0.95 for a 95% CI")
    return float(level)


def check_n_boot(n_boot, what: str, name: str = "n_boot", minimum: int = MIN_BOOT) -> int:
    """``n_boot`` as an int of at least ``minimum`` resamples, or a :class:`DataError` naming ``what``.

    Examples
    --------
    >>> from analysis.checks import check_n_boot
    >>> check_n_boot(2000, "mediation")
    2000
    >>> check_n_boot(-5, "mediation")
    Traceback (most recent call last):
    ...
    analysis.errors.DataError: mediation: n_boot=-5 is not a number of bootstrap resamples; give a whole number of at least 100 (1000 or more for a CI you report)
    """
    ok = isinstance(n_boot, numbers.Integral) and not isinstance(n_boot, bool)
    if not ok and isinstance(n_boot, float) and n_boot.is_integer():
        n_boot, ok = int(n_boot), True
    if not ok or n_boot < 1:
        raise DataError(f"{what}: {name}={show(n_boot)} is not a number of bootstrap resamples; give a whole number of "
                        f"at least {minimum} (1000 or more for a CI you report)")
    if n_boot < minimum:
        raise DataError(f"{what}: {name}={n_boot} is too few resamples for a CI; use at least {minimum} "
                        f"(1000 or more for a CI you report)")
    return int(n_boot)


def check_seed(seed, what: str):
    """``seed`` as None or a non-negative whole number (numpy's ``default_rng`` takes nothing else).

    Examples
    --------
    >>> from analysis.checks import check_seed
    >>> check_seed(2026, "mediation"), check_seed(None, "mediation")
    (2026, None)
    >>> check_seed(-1, "mediation")
    Traceback (most recent call last):
    ...
    analysis.errors.DataError: mediation: seed=-1 is not a seed; give a whole number of 0 or more (or none for a fresh draw)
    """
    if seed is None:
        return None
    ok = isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0
    if not ok:
        raise DataError(f"{what}: seed={show(seed)} is not a seed; give a whole number of 0 or more "
                        f"(or none for a fresh draw)")
    return int(seed)


def draw_seed() -> int:
    """A fresh seed for a call given ``seed=None``, so the result can state the seed it used.

    The draw comes from the operating system (numpy's ``SeedSequence``); passing the stated seed
    back reproduces the result. Runs given ``seed=None`` are not reproducible otherwise.

    Examples
    --------
    >>> from analysis.checks import draw_seed
    >>> s = draw_seed()
    >>> isinstance(s, int) and 0 <= s < 2 ** 63
    True
    """
    import numpy as np

    return int(np.random.SeedSequence().entropy % (2 ** 63))

"""One way to say a result in APA style (after papaja's ``apa_print``).

:func:`apa` is a :func:`functools.singledispatch` generic: every station registers a method for its
result class and returns an :class:`Apa` with the same four parts::

    @apa.register
    def _(res: ReliabilityResult) -> Apa: ...

Number rules (APA 7): no leading zero for quantities that cannot exceed 1 in absolute value
(r, p, α, β, ω, CFI, RMSEA); exact p to three decimals, ``p < .001`` below that.
"""

from __future__ import annotations

import functools
import math

import pandas as pd


class Apa(str):
    """APA text of one result: a ``str`` (the full sentence) that also carries its parts.

    ``res.apa()`` is text, so ``print(res.apa())`` and ``f"{res.apa()}"`` give the sentence; the
    parts stay readable as attributes (after papaja's ``apa_print``): ``estimate`` ("r = .30, 95% CI
    [.21, .38]"), ``statistic`` ("t(398) = 6.31, p < .001"), ``full_result`` (the sentence) and
    ``table`` (the APA table, formatted text cells).

    Examples
    --------
    >>> a = Apa(estimate="r = .30", statistic="p < .001")
    >>> print(a)
    r = .30, p < .001
    >>> a.estimate, isinstance(a, str)
    ('r = .30', True)
    """

    estimate: str
    statistic: str
    full_result: str
    table: pd.DataFrame

    def __new__(cls, estimate: str = "", statistic: str = "", full_result: str = "", table=None):
        text = full_result or ", ".join(x for x in (estimate, statistic) if x)
        self = super().__new__(cls, text)
        self.estimate, self.statistic, self.full_result = estimate, statistic, full_result or text
        self.table = pd.DataFrame() if table is None else table
        return self

    def __reduce__(self):
        return (Apa, (self.estimate, self.statistic, self.full_result, self.table))

    def __repr__(self) -> str:
        return f"Apa({str(self)!r})"


def apa_num(x, digits: int = 2, gt1: bool = True, zero: bool | None = None) -> str:
    """Format a number the APA way.

    Parameters
    ----------
    x : float
    digits : int
        Decimal places.
    gt1 : bool
        False for quantities bounded by 1 (r, α, p, β): the leading zero is dropped.
    zero : bool, optional
        Force (True) or drop (False) the leading zero; default ``gt1``.

    Examples
    --------
    >>> apa_num(0.4567, gt1=False)
    '.46'
    >>> apa_num(-0.1234, digits=3, gt1=False)
    '−.123'
    >>> apa_num(12.345)
    '12.35'
    >>> apa_num(0.0004, digits=3), apa_num(-0.0049, gt1=False), apa_num(-0.00021, gt1=False)
    ('0.00040', '−.00', '−.00')

    A quantity bounded by 1 (``gt1=False``: r, α, β, CFI, a CI of r) always has ``digits`` decimals,
    with the sign of the value (a CI ``[−.00, .20]`` shows that its lower end is below zero); an
    unbounded one that would print as zero gets two significant digits instead (0.0004 → 0.00040).
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "NA"
    keep_zero = gt1 if zero is None else zero
    value = abs(float(x))
    if gt1 and value > 0 and math.isfinite(value) and float(f"{value:.{digits}f}") == 0:
        # a non-zero value that would print as 0.00: two significant digits instead (0.0005 → 0.00050)
        digits = -math.floor(math.log10(value)) + 1
    text = f"{value:.{digits}f}"
    if not keep_zero and text.startswith("0."):
        text = text[1:]
    negative = float(x) < 0 and (float(text) != 0 or not gt1)
    return ("−" if negative else "") + text


def apa_p(p, digits: int = 3) -> str:
    """``p = .012`` / ``p < .001`` (APA).

    Examples
    --------
    >>> apa_p(0.0123)
    'p = .012'
    >>> apa_p(0.00001)
    'p < .001'
    """
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p = NA"
    floor = 10 ** -digits
    if p < floor:
        return f"p < {apa_num(floor, digits, gt1=False)}"
    if p > 1 - floor:
        return f"p > {apa_num(1 - floor, digits, gt1=False)}"
    return f"p = {apa_num(p, digits, gt1=False)}"


def apa_ci(low, high, digits: int = 2, gt1: bool = True, level: float = 0.95) -> str:
    """``95% CI [0.10, 0.74]``.

    Examples
    --------
    >>> apa_ci(.74, .82, gt1=False)
    '95% CI [.74, .82]'
    """
    return f"{round(level * 100):d}% CI [{apa_num(low, digits, gt1)}, {apa_num(high, digits, gt1)}]"


@functools.singledispatch
def apa(result) -> Apa:
    """APA text and table for a goalscope result (each station registers its result classes).

    Examples
    --------
    >>> from analysis.formatting.apa import apa, Apa
    >>> isinstance(apa(Apa(estimate="r = .30")), Apa)
    True
    """
    raise TypeError(f"no APA method for {type(result).__name__}")


@apa.register
def _(result: Apa) -> Apa:
    return result

"""The result of a Monte Carlo power run (:class:`MonteCarloPowerResult` and its APA sentence) and
what every run shares: the argument checks, the progress bar and the fixed chunk size. The runs are
in :mod:`.mediation_power` and :mod:`.power_montecarlo`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import GoalscopeError
from ..formatting.apa import Apa, apa, apa_num
from ..results import Result

__all__ = ["MonteCarloPowerResult"]

_CHUNK = 50          # replications per chunk (fixed: part of what makes a seed reproducible)


class MonteCarloError(GoalscopeError):
    """Arguments of a Monte Carlo power run that cannot be simulated."""


@dataclass(frozen=True)
class MonteCarloPowerResult(Result):
    """Monte Carlo power (the protocol of every goalscope result).

    Attributes
    ----------
    test : str
        ``"mediation"`` or ``"moderation"``.
    power, se : float
        Share of replications that reject, and its Monte Carlo SE √(p(1 − p)/n_rep).
    n : int
        Sample size of each simulated study.
    n_rep : int
    replications : DataFrame
        One row per replication: the estimates, SEs and CI (or p) and ``reject``.
    options : dict
        Every argument, including ``seed`` (``None`` draws a fresh seed, stated in ``.seed``, so the run can be repeated).
    r_call : str
        The equivalent R computation.

    Examples
    --------
    >>> from analysis import power_moderation
    >>> res = power_moderation(b_xw=0.15, n=300, n_rep=100, seed=3)
    >>> res.table()[["test", "estimate", "n", "n_rep"]].to_dict("records")
    [{'test': 'moderation', 'estimate': 0.65, 'n': 300, 'n_rep': 100}]

    R: ``res.r_call`` (``replicate(n_rep, …)`` of the same simulated studies).
    """

    test: str
    power: float
    se: float
    n: int
    n_rep: int
    level: float
    replications: pd.DataFrame
    options: dict = field(default_factory=dict)   # a field default: Result.options is a class attribute
    r_call: str = ""
    notes: list = field(default_factory=list)

    @property
    def seed(self):
        return self.options.get("seed")

    @property
    def n_excluded(self) -> int:
        return 0                 # simulated data: nothing excluded

    @property
    def ci_low(self) -> float:
        """Lower end of the normal-approximation CI (at ``level``) for the power."""
        return max(0.0, self.power - stats.norm.ppf(0.5 + self.level / 2) * self.se)

    @property
    def ci_high(self) -> float:
        return min(1.0, self.power + stats.norm.ppf(0.5 + self.level / 2) * self.se)

    def table(self) -> pd.DataFrame:
        """One tidy row: test, estimate (power), se, ci_low, ci_high, n, n_rep and the options."""
        row = {"test": self.test, "estimate": self.power, "se": self.se, "ci_low": self.ci_low,
               "ci_high": self.ci_high, "n": self.n, "n_rep": self.n_rep}
        row.update({k: v for k, v in self.options.items() if k not in ("n", "n_rep", "progress")})
        return pd.DataFrame([row])

    def summary(self) -> pd.DataFrame:
        return self.table()

    def __repr__(self) -> str:
        return f"<MonteCarloPowerResult {self.test}: {self.apa().full_result}>"


@apa.register
def _(res: MonteCarloPowerResult) -> Apa:
    o = res.options
    if res.test == "mediation":
        what = (f"the indirect effect (a = {apa_num(o['a'], gt1=False)}, b = {apa_num(o['b'], gt1=False)}, "
                f"c′ = {apa_num(o['c_prime'], gt1=False)}; {o['ci_method'].replace('_', ' ')} "
                f"{round(o['level'] * 100)}% CI excluding 0)")
    else:
        what = (f"the interaction (b = {apa_num(o['b_xw'], gt1=False)}, "
                f"two-tailed α = {apa_num(o['alpha'], gt1=False)})")
    est = f"power = {apa_num(res.power, 3, gt1=False)}, MC SE = {apa_num(res.se, 3, gt1=False)}"
    text = (f"In {res.n_rep} simulated samples of N = {res.n}, power to detect {what} was "
            f"{apa_num(res.power, 2, gt1=False)} (Monte Carlo SE {apa_num(res.se, 3, gt1=False)}).")
    return Apa(estimate=est, statistic="", full_result=text, table=res.table())


def _check_common(n, n_rep, level, seed, k):
    if not isinstance(n, (int, np.integer)) or n < k + 2:
        raise MonteCarloError("", argument="n", value=n, hint=f"each simulated study needs a whole number of at least {k + 2} respondents")
    if not isinstance(n_rep, (int, np.integer)) or n_rep < 2:
        raise MonteCarloError("", argument="n_rep", value=n_rep, hint="give a whole number of replications (e.g. 1000)")
    if not isinstance(level, (int, float)) or not 0 < level < 1:
        raise MonteCarloError("", argument="level", value=level, hint="the confidence level must lie between 0 and 1 (e.g. 0.95)")
    if seed is not None and not isinstance(seed, (int, np.integer)):
        raise MonteCarloError("", argument="seed", value=seed, hint="give a whole number, or None for a fresh seed (stated in the result)")


def _bar(total, desc, progress):
    show = sys.stderr.isatty() if progress is None else bool(progress)
    if not show:
        return None
    from tqdm.auto import tqdm
    return tqdm(total=total, desc=desc, unit="rep", leave=False)

"""The result of an analytic power calculation: :class:`PowerResult` (table, power curve) and its
APA sentence. The calculations are in :mod:`.power`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..formatting.apa import Apa, apa, apa_num
from ..results import Result
from .power_equations import _f2_power, _norm_power, _r_power

__all__ = ["PowerResult"]

@dataclass(frozen=True)
class PowerResult(Result):
    """An analytic power calculation (the protocol of every goalscope result).

    Attributes
    ----------
    test : str
        What is tested (``"correlation"``, ``"regression"``, ``"correlation difference"``).
    effect : str
        Name of the effect size (``"r"``, ``"f2"``, ``"q"``).
    estimate : float
        The effect size (given or solved).
    n_exact : float
        Total sample size (given or solved; not rounded, as pwr reports it; per group for a
        difference solved for n). ``.table()["n"]`` holds it too.
    n : int
        :attr:`n_exact` rounded up to a whole respondent (the same as :attr:`n_required`).
    power, alpha : float
    alternative : str
    solved_for : str
        Which quantity was left ``None`` (``"power"``, ``"n"``, ``"r"`` or ``"f2"``).
    options : dict
        Every argument as given.
    r_call : str
        The equivalent R call.
    extra : dict
        Further quantities (u and v for regression; n1, n2, r1, r2 for a difference).

    Examples
    --------
    >>> from analysis import power_correlation
    >>> res = power_correlation(r=0.18, power=0.8)
    >>> res.n, round(res.n_exact, 4), res.solved_for
    (240, 239.1141, 'n')
    >>> print(res.apa())
    To detect r = .18 with power .80 in a two-tailed test at α = .05, N = 240 respondents are needed.

    R: ``pwr::pwr.r.test(r = 0.18, sig.level = 0.05, power = 0.8)`` (``res.r_call``).
    """

    test: str
    effect: str
    estimate: float
    n_exact: float
    power: float
    alpha: float
    alternative: str
    solved_for: str
    options: dict = field(default_factory=dict)   # a field default: Result.options is a class attribute
    r_call: str = ""
    extra: dict = field(default_factory=dict)
    seed: None = None           # analytic: no random numbers

    @property
    def n_required(self) -> int:
        """The sample size rounded up to a whole respondent (per group for a difference)."""
        return int(math.ceil(self.n_exact - 1e-9))

    @property
    def n(self) -> int:
        """Respondents needed (or given), a whole number: :attr:`n_exact` rounded up."""
        return self.n_required

    def table(self) -> pd.DataFrame:
        """One tidy row: test, effect, estimate, n, alpha, power, alternative, solved_for (+ extra)."""
        row = {"test": self.test, "effect": self.effect, "estimate": self.estimate, "n": self.n_exact,
               "alpha": self.alpha, "power": self.power, "alternative": self.alternative,
               "solved_for": self.solved_for}
        row.update(self.extra)
        return pd.DataFrame([row])

    def summary(self) -> pd.DataFrame:
        return self.table()

    @property
    def n_excluded(self) -> int:
        return 0                 # no data: nothing excluded

    def power_at(self, n) -> np.ndarray:
        """Power of the same test at other sample sizes (per group for a difference, groups in the
        given proportion)."""
        n = np.atleast_1d(np.asarray(n, float))
        if self.test == "correlation":
            return np.array([_r_power(m, self.estimate, self.alpha, self.alternative) for m in n])
        if self.test == "regression":
            u = self.extra["u"]
            return np.array([_f2_power(u, m - u - 1, self.estimate, self.alpha) for m in n])
        n1, n2 = self.extra["n1"], self.extra["n2"]
        share = n2 / n1
        return np.array([_norm_power(self.estimate / math.sqrt(1 / (m - 3) + 1 / (m * share - 3)), self.alpha,
                                     self.alternative) for m in n])

    def figure(self, path=None):
        """Power curve over N with this result marked (black and grey only; deterministic bytes).

        Returns the matplotlib Figure; with ``path`` (.png/.svg/.pdf) it is also written.
        """
        from matplotlib.figure import Figure

        x_now = self.extra["n1"] if self.test == "correlation difference" else self.n_exact
        low = {"correlation": 4.5, "regression": self.extra.get("u", 1) + 2.5}.get(self.test, 4.5)
        if self.test == "correlation difference":
            low = 3.5 * max(1.0, self.extra["n1"] / self.extra["n2"])
        xs = np.linspace(low, max(2.0 * x_now, low + 20), 240)
        fig = Figure(figsize=(5.5, 3.6))
        ax = fig.add_subplot()
        ax.plot(xs, self.power_at(xs), color="black", lw=1.5)
        ax.axhline(self.power, color="0.5", ls="--", lw=1)
        ax.plot([x_now], [self.power], marker="o", color="black", ls="none")
        ax.annotate(f"N = {math.ceil(x_now - 1e-9)}, power = {self.power:.2f}", (x_now, self.power),
                    textcoords="offset points", xytext=(8, -14))
        ax.set_ylim(0, 1)
        ax.set_xlabel("N per group" if self.test == "correlation difference" else "N")
        ax.set_ylabel("Power")
        ax.set_title(f"{self.test.capitalize()}: {apa(self).estimate}, α = {self.alpha:g} ({self.alternative})")
        fig.tight_layout()
        if path is not None:
            from ..formatting.figures import save_figure
            save_figure(fig, path)
        return fig

    def __repr__(self) -> str:
        return f"<PowerResult {self.test}: {self.apa().full_result}>"


@apa.register
def _(res: PowerResult) -> Apa:
    if res.test == "regression":
        test = f"an F test (u = {res.extra['u']})"
    else:
        test = "a " + {"two-sided": "two-tailed", "greater": "one-tailed", "less": "one-tailed"}[res.alternative] + " test"
    gt1 = res.effect != "r"
    eff = f"{res.effect} = {apa_num(res.estimate, 3 if res.effect == 'f2' else 2, gt1=gt1)}"
    per = " per group" if res.test == "correlation difference" else ""
    if res.test == "correlation difference" and res.solved_for == "power":
        return Apa(estimate=eff, statistic=f"power = {apa_num(res.power, 2, gt1=False)}",
                   full_result=f"With n1 = {res.extra['n1']:g} and n2 = {res.extra['n2']:g}, a "
                               + {"two-sided": "two-tailed", "greater": "one-tailed", "less": "one-tailed"}[res.alternative]
                               + f" test at α = {apa_num(res.alpha, 2, gt1=False)} detects {eff} "
                               f"(r1 = {apa_num(res.extra['r1'], 2, gt1=False)}, r2 = {apa_num(res.extra['r2'], 2, gt1=False)}) "
                               f"with power {apa_num(res.power, 2, gt1=False)}.", table=res.table())
    a = apa_num(res.alpha, 2, gt1=False)
    pw = apa_num(res.power, 2, gt1=False)
    sentence = {
        "power": f"With N = {res.n_required}{per}, {test} at α = {a} detects {eff} with power {pw}.",
        "n": f"To detect {eff} with power {pw} in {test} at α = {a}, N = {res.n_required} respondents{per} are needed.",
        "effect": f"With N = {res.n_required}{per}, {test} at α = {a} has power {pw} to detect {eff}.",
    }["effect" if res.solved_for in ("r", "f2", "q") else res.solved_for]
    return Apa(estimate=eff, statistic=f"power = {apa_num(res.power, 2, gt1=False)}", full_result=sentence,
               table=res.table())

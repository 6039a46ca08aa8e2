"""The result of :func:`~analysis.models.mediation`: :class:`MediationResult` (table, summary,
the lavaan call, the figure) and its APA sentence. What each row reports: :mod:`.indirect_effects`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pandas as pd

from ..formatting.apa import Apa, apa, apa_ci, apa_num, apa_p
from ..results import TableResult
from ._common import Reported, coefficient_figure, retired_attribute

__all__ = ["MediationResult"]


@dataclass(repr=False)
class MediationResult(Reported, TableResult):
    """Result of :func:`mediation`.

    ``table()`` is ``paths`` (one row per path: ``path, estimate, se, ci_low, ci_high, p_val,
    kind``), ``summary()`` one row with the sample, the bootstrap and the indirect, direct and
    total effects, ``apa()`` the APA text (``.apa().table`` the formatted table), ``figure(path=None)``
    the paths with their CIs. Like the table :func:`mediation` returned before, it also answers
    DataFrame look-ups on that table (``res["estimate"]``, ``res.loc``, ``res.to_csv(...)``).

    Attributes
    ----------
    paths : DataFrame
        ``path, estimate, se, ci_low, ci_high, p_val, kind`` (see the module notes).
    normal_theory : DataFrame
        lavaan-equivalent table: ``path, estimate, se, z, p_val, ci_low, ci_high`` (ML SEs and the
        delta method).
    boot : DataFrame
        The bootstrap draws of the indirect effects and contrasts (n_boot × k).
    bca : DataFrame
        ``path, z0, acceleration`` (BCa only).
    ci_method : str
        ``"percentile"`` or ``"bca"`` (``ci`` is its old name: works for one release, with a FutureWarning).
    seed : int
        The seed the bootstrap used: the one given, or a fresh one drawn when ``seed=None`` (pass it
        back as ``seed=`` to repeat the run).

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import mediation
    >>> res = mediation(read_dataset("demo"), x="exam1", m="exam2", y="exam3", n_boot=1000, seed=1)
    >>> res.summary()[["n", "n_excluded", "n_boot", "seed"]]
         n  n_excluded  n_boot  seed
    0  381          19    1000     1
    >>> print(res.r_call)
    lavaan::sem('exam2 ~ a1*exam1
                 exam3 ~ cp*exam1 + b1*exam2
                 ind1 := a1*b1', data, se = "bootstrap", bootstrap = 1000)
    """

    _table_name = "paths"

    paths: pd.DataFrame
    normal_theory: pd.DataFrame
    boot: pd.DataFrame
    x: str
    m: list
    y: str
    covar: list
    serial: bool
    n: int
    n_boot: int
    ci_method: str
    level: float
    seed: object
    bca: pd.DataFrame = field(default_factory=pd.DataFrame)
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)
    contrasts: bool = True

    @property
    def ci(self) -> str:
        """Old name of :attr:`ci_method` (works for one release, with a FutureWarning)."""
        retired_attribute(self, "ci", "ci_method")
        return self.ci_method

    def table(self) -> pd.DataFrame:
        """One row per path: ``path, estimate, se, ci_low, ci_high, p_val, kind`` (the module notes say
        which SE, CI and p each kind carries)."""
        return self.paths.reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """One row: the model (x, m, y, covariates), ``n, n_excluded``, the bootstrap (``n_boot,
        ci_method, level, seed``) and the effects: ``indirect`` (the total indirect effect with several
        mediators) with its bootstrap CI and p, ``direct`` and ``total``."""
        p = self.paths.set_index("path")
        ind = p.loc["indirect total"] if "indirect total" in p.index else p[p.kind == "indirect"].iloc[0]
        return pd.DataFrame([{"x": self.x, "m": ", ".join(self.m), "y": self.y, "covar": ", ".join(self.covar),
                              "serial": self.serial, **self._sample_facts(), "n_boot": self.n_boot,
                              "ci_method": self.ci_method, "level": self.level, "seed": self.seed,
                              "indirect": ind.estimate, "indirect_ci_low": ind.ci_low,
                              "indirect_ci_high": ind.ci_high, "indirect_p_val": ind.p_val,
                              "direct": p.loc["direct", "estimate"], "total": p.loc["total", "estimate"]}])

    def _options(self) -> dict:
        return {"covar": list(self.covar), "serial": self.serial, "n_boot": self.n_boot, "seed": self.seed,
                "ci_method": self.ci_method, "level": self.level, "contrasts": self.contrasts,
                "nan_policy": "listwise"}

    @property
    def r_call(self) -> str:
        """The lavaan model of the same paths (the a, b, direct and indirect labels as PROCESS names them)."""
        cv = "".join(f" + {c}" for c in self.covar)
        lines, a_of = [], {}
        for j, mj in enumerate(self.m, start=1):
            earlier = [f"d{i}{j}*{mi}" for i, mi in enumerate(self.m[:j - 1], start=1)] if self.serial else []
            lines.append(f"{mj} ~ " + " + ".join([f"a{j}*{self.x}"] + earlier) + cv)
            a_of[mj] = f"a{j}"
        lines.append(f"{self.y} ~ " + " + ".join([f"cp*{self.x}"] + [f"b{j}*{mj}" for j, mj in
                                                   enumerate(self.m, start=1)]) + cv)
        if self.serial and len(self.m) > 1:
            lines.append("# indirect effects: products of a, d and b along each chain")
        else:
            lines += [f"ind{j} := a{j}*b{j}" for j in range(1, len(self.m) + 1)]
        if len(self.m) > 1 and not self.serial:   # the saturated model: residual covariances of the mediators
            lines += [f"{a} ~~ {b}" for a, b in itertools.combinations(self.m, 2)]
        body = "\n             ".join(lines)
        ci = ', boot.ci.type = "bca.simple"' if self.ci_method == "bca" else ""
        return f"lavaan::sem('{body}', data, se = \"bootstrap\", bootstrap = {self.n_boot}){'' if not ci else '; parameterEstimates(fit' + ci + ')'}"

    def figure(self, path=None):
        """The paths and indirect effects with their CIs; written to ``path`` when given."""
        return coefficient_figure(self.table(), f"{self.x} → {', '.join(self.m)} → {self.y}", path, term="path")


@apa.register
def _(res: MediationResult) -> Apa:
    lvl = f"{round(res.level * 100)}%"
    ci_name = "percentile" if res.ci_method == "percentile" else "BCa"
    rows, parts = [], []
    for r in res.paths.itertuples(index=False):
        boot = r.kind in ("indirect", "contrast")
        rows.append({"Path": r.path, "Estimate": apa_num(r.estimate, 3), "SE": apa_num(r.se, 3),
                     f"{lvl} CI": f"[{apa_num(r.ci_low, 3)}, {apa_num(r.ci_high, 3)}]",
                     "p": apa_p(r.p_val).replace("p = ", "").replace("p ", ""),
                     "CI type": f"bootstrap {ci_name}" if boot else "t"})
        if boot:
            parts.append(f"{r.path}: {apa_num(r.estimate, 3)}, {lvl} {ci_name} CI "
                         f"[{apa_num(r.ci_low, 3)}, {apa_num(r.ci_high, 3)}]")
    first = res.paths[res.paths.kind == "indirect"].iloc[0]
    direct = res.paths[res.paths.path == "direct"].iloc[0]
    cov = f", controlling for {', '.join(res.covar)}" if res.covar else ""
    kind = "serial" if res.serial and len(res.m) > 1 else "parallel" if len(res.m) > 1 else "simple"
    full = (f"A {kind} mediation model of {res.y} on {res.x} through {', '.join(res.m)}{cov} (N = {res.n}; "
            f"{res.n_boot} bootstrap resamples, {ci_name} CIs): " + "; ".join(parts) +
            f". Direct effect: b = {apa_num(direct.estimate, 3)}, "
            f"{apa_ci(direct.ci_low, direct.ci_high, 3, level=res.level)}, {apa_p(direct.p_val)}.")
    return Apa(estimate=f"{first.path}: {apa_num(first.estimate, 3)}, "
                        f"{apa_ci(first.ci_low, first.ci_high, 3, level=res.level)}",
               statistic=f"bootstrap {apa_p(first.p_val)}", full_result=full, table=pd.DataFrame(rows))

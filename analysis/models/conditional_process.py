"""Moderated mediation (conditional process models): first-stage (PROCESS model 7: m ~ x + w + x·w,
y ~ x + m) or second-stage (model 14: m ~ x, y ~ x + m + w + m·w) moderation of an indirect effect;
the index of moderated mediation (a₃b or a·b₃) and the conditional indirect effects at w = −1 SD,
mean and +1 SD, with the vectorised bootstrap of :mod:`analysis.models.path_bootstrap`; the
centring or standardising of x and w as :func:`~analysis.models.moderation` does it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..checks import check_level, check_n_boot, check_seed
from ..deprecation import renamed
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_num, apa_p
from ._common import Reported, as_list, coefficient_figure, p_cell, retired_attribute, screens_sample, used_seed
from .interactions import prepare_moderation
from .path_bootstrap import CI_TYPES, PathModel, boot_ci, ols_path_row

__all__ = ["moderated_mediation", "ModeratedMediationResult"]


@dataclass
class ModeratedMediationResult(Reported):
    """Result of :func:`moderated_mediation`.

    Attributes
    ----------
    paths : DataFrame
        ``path, estimate, se, ci_low, ci_high, p_val, kind``: the OLS paths (as :func:`mediation`),
        the index of moderated mediation and the conditional indirect effects at w = −1 SD, mean,
        +1 SD (bootstrap SD, CI and p).
    ci_method : str
        ``"percentile"`` or ``"bca"`` (``ci`` is its old name: works for one release, with a FutureWarning).
    seed : int
        The seed the bootstrap used: the one given, or a fresh one drawn when ``seed=None`` (pass it
        back as ``seed=`` to repeat the run).

    ``table()`` is ``paths``; ``summary()`` one row of sample, bootstrap and the index with its CI;
    ``figure(path=None)`` the paths and effects with their CIs.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import moderated_mediation
    >>> res = moderated_mediation(read_dataset("demo"), x="exam1", m="exam2", y="exam3", w="age",
    ...                           n_boot=500, seed=1)
    >>> res.summary()[["stage", "n", "n_excluded", "n_boot", "seed"]]
       stage    n  n_excluded  n_boot  seed
    0  first  381          19     500     1
    """

    paths: pd.DataFrame
    boot: pd.DataFrame
    x: str
    m: str
    w: str
    y: str
    stage: str
    n: int
    n_boot: int
    ci_method: str
    level: float
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)
    seed: object = None
    covar: list = field(default_factory=list)
    scaling: str = "center"

    def table(self) -> pd.DataFrame:
        """One row per path and effect: ``path, estimate, se, ci_low, ci_high, p_val, kind``."""
        return self.paths.reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """One row: the model, ``n, n_excluded``, the bootstrap and the index of moderated mediation."""
        i = self.index
        return pd.DataFrame([{"x": self.x, "m": self.m, "w": self.w, "y": self.y, "stage": self.stage,
                              **self._sample_facts(), "n_boot": self.n_boot, "ci_method": self.ci_method,
                              "level": self.level, "seed": self.seed, "index": i.estimate,
                              "index_ci_low": i.ci_low, "index_ci_high": i.ci_high, "index_p_val": i.p_val}])

    def _options(self) -> dict:
        return {"stage": self.stage, "covar": list(self.covar), "scaling": self.scaling, "n_boot": self.n_boot,
                "seed": self.seed, "ci_method": self.ci_method, "level": self.level, "nan_policy": "listwise"}

    @property
    def r_call(self) -> str:
        cv = "".join(f" + {c}" for c in self.covar)
        focal = self.x if self.stage == "first" else self.m
        prod = f"{focal}_x_{self.w}"     # lavaan takes no ':' in a model: the product is a column
        if self.stage == "first":
            body = (f"{self.m} ~ a1*{self.x} + a2*{self.w} + a3*{prod}{cv}\n"
                    f"             {self.y} ~ cp*{self.x} + b*{self.m}{cv}\n             imm := a3*b")
        else:
            body = (f"{self.m} ~ a*{self.x}{cv}\n             {self.y} ~ cp*{self.x} + b1*{self.m} + b2*{self.w} + "
                    f"b3*{prod}{cv}\n             imm := a*b3")
        if self.scaling == "none":
            c = (lambda v: v)
        elif self.scaling == "center":
            c = (lambda v: f"({v} - mean({v}))")
        else:
            c = (lambda v: f"as.numeric(scale({v}))")
        data = f"transform(data, {prod} = {c(focal)} * {c(self.w)})"
        return (f"lavaan::sem('{body}', {data}, se = \"bootstrap\", bootstrap = {self.n_boot})  "
                f"# PROCESS model {7 if self.stage == 'first' else 14}")

    def figure(self, path=None):
        """The paths, the index and the conditional indirect effects with their CIs."""
        return coefficient_figure(self.table(), f"{self.x} → {self.m} → {self.y}, moderated by {self.w}", path,
                                  term="path")

    @property
    def ci(self) -> str:
        """Old name of :attr:`ci_method` (works for one release, with a FutureWarning)."""
        retired_attribute(self, "ci", "ci_method")
        return self.ci_method

    @property
    def index(self) -> pd.Series:
        """The index of moderated mediation row."""
        return self.paths.set_index("path").loc["index of moderated mediation"]


@renamed(ci="ci_method")
@screens_sample("moderated_mediation")
def moderated_mediation(data: pd.DataFrame, x: str, m: str, y: str, w: str, stage: str = "first",
                        covar=None, scaling: str = "center", n_boot: int = 5000, seed=None,
                        ci_method: str = "percentile", level: float = 0.95,
                        progress: bool | None = None) -> ModeratedMediationResult:
    """Index of moderated mediation (Hayes) with conditional indirect effects at ±1 SD of ``w``.

    Parameters
    ----------
    stage : {"first", "second"}
        ``"first"``: w moderates x → m (PROCESS model 7; index = a₃·b).
        ``"second"``: w moderates m → y (model 14; index = a·b₃).
    scaling : {"center", "standardize", "none"}
        Applied to x and w (first stage) or m and w (second stage) before forming the product.
    n_boot, seed, level, progress
        As :func:`analysis.models.indirect_effects` (``seed=None`` draws a fresh seed, stated on the result).
    ci_method : {"percentile", "bca"}
        Bootstrap CI of the index and the conditional indirect effects; ``ci=`` is its old name
        (works for one release, with a FutureWarning).

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import moderated_mediation
    >>> res = moderated_mediation(read_dataset("demo"), x="exam1", m="exam2", y="exam3", w="age",
    ...                           n_boot=1000, seed=1)
    >>> res.table().kind.tolist()[-4:]
    ['index', 'conditional', 'conditional', 'conditional']
    >>> # R: lavaan: exam2 ~ a1*exam1 + a2*age + a3*exam1_x_age; exam3 ~ cp*exam1 + b*exam2; imm := a3*b
    """
    check_level(level, "moderated_mediation")
    if stage not in ("first", "second"):
        raise DataError("is not a stage", argument="stage", value=stage, within="moderated_mediation",
                        hint="use 'first' or 'second'")
    if ci_method not in CI_TYPES:
        raise DataError("is not a bootstrap CI method", argument="ci_method", value=ci_method,
                        within="moderated_mediation", hint="use 'percentile' or 'bca'")
    covar = as_list(covar)
    cols = [x, m, y, w] + covar
    focal = x if stage == "first" else m
    d, excluded, info = prepare_moderation(data, cols, focal, w, scaling, "moderated_mediation")
    prod = f"{focal}:{w}"
    d[prod] = d[focal] * d[w]
    if stage == "first":
        eqs = {m: [x, w, prod] + covar, y: [x, m] + covar}
    else:
        eqs = {m: [x] + covar, y: [x, m, w, prod] + covar}
    pm = PathModel(d, eqs)
    w_mu, w_sd = info[w]
    scale = 1.0 if scaling == "standardize" else w_sd
    base = w_mu if scaling == "none" else 0.0
    levels = [base - scale, base, base + scale]

    def derived(c):
        pm_m, pm_y = pm.equations[m], pm.equations[y]
        if stage == "first":
            a1, a3 = c[m][:, pm_m.index(x)], c[m][:, pm_m.index(prod)]
            bb = c[y][:, pm_y.index(m)]
            cols_ = [a3 * bb] + [(a1 + a3 * w0) * bb for w0 in levels]
        else:
            a = c[m][:, pm_m.index(x)]
            b1, b3 = c[y][:, pm_y.index(m)], c[y][:, pm_y.index(prod)]
            cols_ = [a * b3] + [a * (b1 + b3 * w0) for w0 in levels]
        return np.column_stack(cols_)

    n_boot = check_n_boot(n_boot, "moderated_mediation")
    seed = used_seed(check_seed(seed, "moderated_mediation"))
    full = pm.full()
    est = derived({k: v[None, :] for k, v in full.items()})[0]
    boot = pm.bootstrap(n_boot, np.random.default_rng(seed), derived, progress=progress)
    jack = derived(pm.jackknife()) if ci_method == "bca" else None
    low, high, p, _ = boot_ci(boot, est, jack, ci_method, level)
    names = ["index of moderated mediation"] + [f"conditional indirect at {w} {lab}"
                                                for lab in ("−1 SD", "mean", "+1 SD")]
    ols = pm.ols_tables()
    rows = []
    for eq, t in ols.items():
        rows += [ols_path_row(t, var, f"{eq} ~ {var}", "path", level) for var in t["preds"] if var != "1"]
    sd_boot = boot.std(axis=0, ddof=1)
    for k, nm in enumerate(names):
        rows.append({"path": nm, "estimate": est[k], "se": sd_boot[k], "ci_low": low[k], "ci_high": high[k],
                     "p_val": p[k], "kind": "index" if k == 0 else "conditional"})
    return ModeratedMediationResult(pd.DataFrame(rows), pd.DataFrame(boot, columns=names), x, m, w, y, stage,
                                    int(d.shape[0]), n_boot, ci_method, level, excluded, seed, covar, scaling)


@apa.register
def _(res: ModeratedMediationResult) -> Apa:
    lvl = f"{round(res.level * 100)}%"
    ci_name = "percentile" if res.ci_method == "percentile" else "BCa"
    rows = [{"Effect": r.path, "Estimate": apa_num(r.estimate, 3), "SE": apa_num(r.se, 3),
             f"{lvl} CI": f"[{apa_num(r.ci_low, 3)}, {apa_num(r.ci_high, 3)}]", "p": p_cell(r.p_val)}
            for r in res.paths.itertuples(index=False)]
    i = res.index
    cond = res.paths[res.paths.kind == "conditional"]
    parts = [f"{r.path.split(' at ', 1)[1]}: {apa_num(r.estimate, 3)}, [{apa_num(r.ci_low, 3)}, {apa_num(r.ci_high, 3)}]"
             for r in cond.itertuples(index=False)]
    est = f"index = {apa_num(i.estimate, 3)}, {lvl} {ci_name} CI [{apa_num(i.ci_low, 3)}, {apa_num(i.ci_high, 3)}]"
    full = (f"Moderated mediation ({res.stage} stage; {res.x} → {res.m} → {res.y}, moderator {res.w}; N = {res.n}, "
            f"{res.n_boot} bootstrap resamples): {est}. Conditional indirect effects: " + "; ".join(parts) + ".")
    return Apa(estimate=est, statistic=f"bootstrap {apa_p(i.p_val)}", full_result=full, table=pd.DataFrame(rows))

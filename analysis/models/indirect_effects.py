"""Mediation with a vectorised bootstrap: parallel or serial mediators, covariates, percentile or
BCa CIs, indirect / direct / total effects and contrasts between indirect effects.

The bootstrap is vectorised (:mod:`analysis.models.path_bootstrap` says how).

What is reported (:func:`mediation`, one row per path)
------------------------------------------------------
* a, d (mediator → later mediator, serial), b, direct (c′) and total (c) paths: OLS estimates with
  OLS SEs, t tests on the residual df and t CIs — identical to ``lm`` (and to lavaan's estimates).
* indirect effects (products of paths), the total indirect effect and contrasts (differences of
  indirect effects): ``se`` = bootstrap SD; ``ci_low``/``ci_high`` = percentile or BCa bootstrap
  CI; ``p_val`` = the bootstrap test that matches the CI: twice the smaller tail of the bootstrap
  distribution at 0, after the BCa correction when ``ci_method="bca"`` — i.e. the smallest α at which the
  (1 − α) CI of the same type excludes 0. With B resamples the smallest p reported is 2/B.

``MediationResult.normal_theory`` gives the lavaan-equivalent normal-theory table (ML standard
errors, z tests, delta-method SEs for indirect effects and contrasts) for comparison with
``lavaan::sem(...)`` ``:=`` parameters. It equals lavaan's saturated model: with parallel mediators
add their residual covariance (``A ~~ E``), which lavaan does not free by default, so that the
model matches equation-by-equation OLS (as PROCESS model 4).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from ..checks import check_level, check_n_boot, check_seed
from ..deprecation import renamed
from ..errors import DataError
from ._common import as_list, check_columns, check_frame, complete_cases, retired_attribute, screens_sample, used_seed
from .mediation_normal_theory import _normal_theory
from .mediation_result import MediationResult
from .path_bootstrap import CI_TYPES, PathModel, boot_ci, ols_path_row

# MediationResult lives in mediation_result.py; it stays importable from here
__all__ = ["mediation", "fit_mediation", "MediationResult"]


def _indirect_chains(m: list, serial: bool) -> list[tuple]:
    if not serial:
        return [(mi,) for mi in m]
    chains = []
    for r in range(1, len(m) + 1):
        chains += list(itertools.combinations(m, r))
    return chains


def _chain_name(chain) -> str:
    return "indirect " + " → ".join(chain)


@renamed(ci="ci_method")
@screens_sample("mediation")
def mediation(data: pd.DataFrame, x: str, m, y: str, covar=None, n_boot: int = 5000, seed=None,
              ci_method: str = "percentile", serial: bool = False, level: float = 0.95,
              contrasts: bool = True, progress: bool | None = None, family: str = "gaussian"):
    """Mediation analysis with bootstrapped indirect effects.

    Parameters
    ----------
    data : DataFrame
    x : str
        The predictor (e.g. ``"mastery_avoidance"``).
    m : str or list of str
        Mediator(s). Several are parallel by default; ``serial=True`` orders them
        x → m[0] → m[1] → … → y (every earlier mediator predicts every later one).
    y : str
        The outcome.
    covar : str or list, optional
        Covariates entered in every equation.
    n_boot : int
        Bootstrap resamples (default 5000).
    seed : int or numpy.random.Generator, optional
        Seed of the bootstrap (``numpy.random.default_rng``): same inputs + seed → same output.
        Default None: a fresh seed is drawn and stated on the result (``mediation(...).seed``);
        only a run given that seed repeats it.
    ci_method : {"percentile", "bca"}
        Bootstrap CI of the indirect effects and contrasts (BCa: bias-corrected and accelerated,
        jackknife acceleration). ``ci=`` is its old name (works for one release, with a FutureWarning).
    level : float
        Confidence level.
    contrasts : bool
        Add pairwise differences between indirect effects (with more than one).
    progress : bool, optional
        Show a tqdm progress bar (default: only when the bootstrap is slow).
    family : {"gaussian", "poisson", "negative_binomial"}
        Outcome model: OLS (default), or a count model for y (one mediator; see
        :func:`analysis.models.count_mediation`: a, b, direct and the bootstrap a·b on the
        log-rate scale).

    Returns
    -------
    MediationResult
        ``.table()``: ``path, estimate, se, ci_low, ci_high, p_val, kind``. For a, d, b, direct and
        total paths the OLS SE, t test and t CI (equal to ``lm``); for indirect effects and
        contrasts the bootstrap SD, the bootstrap CI and the bootstrap p value matching that CI
        (see the module notes). ``.summary()`` one row of sample and effects, ``.apa()`` the APA
        text, ``.normal_theory`` the lavaan-equivalent delta-method table, ``.boot`` the draws.
        With a count outcome (``family=``) a :class:`analysis.models.CountMediationResult`.
        (``fit_mediation`` is the old name of this function: it works for one release, with a
        FutureWarning.)

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import mediation
    >>> res = mediation(read_dataset("demo"), x="exam1", m=["exam2", "extra_tasks"], y="exam3", covar="age",
    ...                 n_boot=2000, seed=1)
    >>> res.table()["path"].tolist()[:4]
    ['exam2 ~ exam1', 'extra_tasks ~ exam1', 'exam3 ~ exam2', 'exam3 ~ extra_tasks']
    >>> # R: lavaan::sem('exam2 ~ a1*exam1 + age; extra_tasks ~ a2*exam1 + age
    >>> #                 exam3 ~ cp*exam1 + b1*exam2 + b2*extra_tasks + age; exam2 ~~ extra_tasks
    >>> #                 ind1 := a1*b1; ind2 := a2*b2', data, se = "bootstrap")
    """
    if family != "gaussian":
        return _count_outcome(data, x, m, y, covar, serial, n_boot, seed, ci_method, level, family)
    check_frame(data)
    m = as_list(m)
    covar = as_list(covar)
    if not isinstance(x, str) or not isinstance(y, str):
        raise DataError("must each be one column name", argument="x, y", value=(x, y), within="mediation",
                        hint="give x='column' and y='column'; mediators go in m=[...]")
    if not m:
        raise DataError("names no mediator", argument="m", value=m, within="mediation",
                        hint="give at least one mediator (m=...)")
    cols = [x] + m + covar + [y]
    dup = [c for c in cols if cols.count(c) > 1]
    if dup:
        raise DataError("has more than one role (x, m, y, covar)", file=data.attrs.get("source"), column=dup[0], within="mediation",
                        hint="give each column one role")
    check_columns(data, cols, what="mediation", numeric=True)
    if ci_method not in CI_TYPES:
        raise DataError("is not a bootstrap CI method", argument="ci_method", value=ci_method, within="mediation",
                        hint="use 'percentile' or 'bca'")
    check_level(level, "mediation")
    n_boot = check_n_boot(n_boot, "mediation")
    seed = used_seed(check_seed(seed, "mediation"))
    cc = complete_cases(data, cols, what="mediation")
    d = cc.data[cols].apply(pd.to_numeric).astype(float)
    n = d.shape[0]
    p_max = 2 + len(m) + len(covar)
    if n <= p_max + 1:
        raise DataError(f"have {n} complete rows, too few for {p_max} coefficients in the outcome model",
                        file=data.attrs.get("source"), column=cols, within="mediation",
                        hint="Collect more responses, or use fewer mediators and covariates.")
    for c in cols:
        if d[c].std() == 0:
            raise DataError(f"has no variance among the {n} complete rows", file=data.attrs.get("source"), column=c,
                            within="mediation", hint="Leave the column out: a constant explains nothing.")

    equations = {}
    for j, mj in enumerate(m):
        equations[mj] = [x] + (m[:j] if serial else []) + covar
    equations[y] = [x] + m + covar
    total_key = "__total__"
    pm = PathModel(d, equations)
    if np.linalg.matrix_rank(pm.V) < pm.q:
        raise DataError("are collinear (one is a linear function of the others)", file=data.attrs.get("source"), column=cols,
                        within="mediation", hint="drop one of them")

    chains = _indirect_chains(m, serial)

    def pos(eq, var):
        return pm.equations[eq].index(var)

    def indirect(coefs: dict) -> np.ndarray:
        """Batch × (chains [+ total] [+ contrasts])."""
        vals = []
        for ch in chains:
            v = coefs[ch[0]][:, pos(ch[0], x)]
            for prev, nxt in zip(ch, ch[1:]):
                v = v * coefs[nxt][:, pos(nxt, prev)]
            v = v * coefs[y][:, pos(y, ch[-1])]
            vals.append(v)
        out = list(vals)
        if len(vals) > 1:
            out.append(np.sum(vals, axis=0))
            if contrasts:
                for i, j in itertools.combinations(range(len(vals)), 2):
                    out.append(vals[i] - vals[j])
        return np.column_stack(out)

    names = [_chain_name(ch) for ch in chains]
    if len(chains) > 1:
        names.append("indirect total")
        if contrasts:
            names += [f"contrast ({names[i].removeprefix('indirect ')}) − ({names[j].removeprefix('indirect ')})"
                      for i, j in itertools.combinations(range(len(chains)), 2)]

    full = pm.full()
    est = indirect({k: v[None, :] for k, v in full.items()})[0]
    rng = np.random.default_rng(seed)
    boot = pm.bootstrap(n_boot, rng, indirect, progress=progress)
    jack = indirect(pm.jackknife()) if ci_method == "bca" else None
    low, high, p, (z0, acc) = boot_ci(boot, est, jack, ci_method, level)
    se_boot = boot.std(axis=0, ddof=1)

    ols = pm.ols_tables()
    # the total effect (y ~ x + covariates) is an OLS row only: not part of the bootstrap
    ols[total_key] = PathModel(d[[x] + covar].assign(**{total_key: d[y]}), {total_key: [x] + covar}).ols_tables()[total_key]
    rows = []

    def ols_row(path, kind, eq, var):
        rows.append(ols_path_row(ols[eq], var, path, kind, level))

    for mj in m:
        ols_row(f"{mj} ~ {x}", "a", mj, x)
    if serial:
        for j, mj in enumerate(m):
            for mi in m[:j]:
                ols_row(f"{mj} ~ {mi}", "d", mj, mi)
    for mj in m:
        ols_row(f"{y} ~ {mj}", "b", y, mj)
    ols_row("direct", "direct", y, x)
    ols_row("total", "total", total_key, x)
    for k, nm in enumerate(names):
        kind = "contrast" if nm.startswith("contrast") else "indirect"
        rows.append({"path": nm, "estimate": est[k], "se": se_boot[k], "ci_low": low[k],
                     "ci_high": high[k], "p_val": p[k], "kind": kind})
    paths = pd.DataFrame(rows)

    normal = _normal_theory(ols, chains, names, x, y, m, total_key, contrasts, level)
    bca = pd.DataFrame({"path": names, "z0": z0, "acceleration": acc}) if ci_method == "bca" else pd.DataFrame()
    return MediationResult(paths=paths, normal_theory=normal, boot=pd.DataFrame(boot, columns=names),
                           x=x, m=m, y=y, covar=covar, serial=serial, n=n, n_boot=n_boot, ci_method=ci_method,
                           level=level, seed=seed, bca=bca, excluded=cc.excluded, contrasts=contrasts)


@renamed(ci="ci_method")
def fit_mediation(data: pd.DataFrame, x: str, m, y: str, covar=None, serial: bool = False,
                  n_boot: int = 5000, seed=None, ci_method: str = "percentile", level: float = 0.95,
                  contrasts: bool = True, progress: bool | None = None, family: str = "gaussian",
                  *, include_excluded: bool = False):
    """Old name of :func:`mediation` (works for one release, with a FutureWarning).

    Examples
    --------
    >>> import warnings
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import fit_mediation
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     res = fit_mediation(read_dataset("demo"), "exam1", "exam2", "exam3", n_boot=200, seed=1)
    >>> type(res).__name__, str(w[0].message)
    ('MediationResult', 'analysis.models.fit_mediation() is renamed analysis.models.mediation(); the old name stops working in the next release')
    >>> # R: see mediation()
    """
    retired_attribute(None, "fit_mediation()", "mediation()", owner="analysis.models", stacklevel=4)  # 4: past @renamed
    return mediation(data, x, m, y, covar=covar, serial=serial, n_boot=n_boot, seed=seed, ci_method=ci_method,
                     level=level, contrasts=contrasts, progress=progress, family=family,
                     include_excluded=include_excluded)


def _count_outcome(data, x, m, y, covar, serial, n_boot, seed, ci_method, level, family):
    """The family= hook of :func:`mediation`: a count outcome (count_outcome_mediation.py)."""
    from .count_outcome_mediation import count_mediation
    from .counts import FAMILIES

    if family not in FAMILIES:
        raise DataError(f"is not a family; family must be gaussian, {', '.join(FAMILIES)}", argument="family",
                        value=family, within="mediation", hint="choose one of them")
    m = as_list(m)
    if len(m) != 1 or serial:
        raise DataError(f"names {len(m)} mediators{' in series' if serial else ''}", argument="m", value=m,
                        within="mediation", hint=f"with a count outcome (family={family!r}) give exactly one mediator")
    if ci_method != "percentile":
        raise DataError("is not available with a count outcome", argument="ci_method", value=ci_method,
                        within="mediation", hint="with a count outcome the bootstrap CI is percentile")
    return count_mediation(data, x, m[0], y, family=family, covar=covar, n_boot=n_boot, seed=seed, level=level)

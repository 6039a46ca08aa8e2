"""The design of a calibrated simulation, checked: :func:`~analysis.findings.simulation.simulate`'s
arguments turned into the instruments (with their column prefixes), the factors (items, reversed
items, loading, skew), the target correlation matrix, its optional fixed Cholesky factor and the
setback; every refusal is a :class:`SimulationError` naming the argument."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import GoalscopeError
from ..instruments import Instrument, load_instrument

SETBACK_DEFAULTS = {"waves": 3, "failure": 2, "drop": 0.8, "rate": 0.4, "goal": None, "goal_effect": 0.25,
                    "noise": 0.5, "prefix": "performance"}


class SimulationError(GoalscopeError):
    """Arguments of :func:`simulate` that cannot be simulated."""


@dataclass(frozen=True)
class _Factor:
    name: str
    prefix: str
    instrument: Instrument
    scale: str | None
    items: list
    reversed: set
    loading: float
    skew: float


def column_prefix(instrument_id: str) -> str:
    """The default column prefix of an instrument: its id with other characters than letters and
    digits turned into '_' (``"agq-r"`` → ``"agq_r"``, columns ``agq_r_1`` …)."""
    return re.sub(r"[^0-9A-Za-z]+", "_", instrument_id).strip("_").lower()


def _instruments(instruments, response) -> dict[str, Instrument]:
    if isinstance(instruments, (str, Instrument)):
        instruments = [instruments]
    if isinstance(instruments, dict):
        pairs = list(instruments.items())
    else:
        pairs = []
        for spec in instruments:
            inst = load_instrument(spec)
            pairs.append((column_prefix(inst.id), inst))
    if not pairs:
        raise SimulationError("names no instrument", argument="instruments", value=instruments, within="simulate",
                              hint="give at least one instrument (e.g. ['agq-r', 'pps'])")
    out = {}
    for prefix, spec in pairs:
        if not re.match(r"^[A-Za-z][A-Za-z0-9_]*$", str(prefix)):
            raise SimulationError(f"names column prefix {prefix!r}", argument="instruments", value=instruments, within="simulate",
                                  hint="a column prefix must start with a letter and hold only letters, digits and '_'")
        if prefix in out:
            raise SimulationError(f"uses instrument prefix '{prefix}' twice", argument="instruments", value=instruments,
                                  within="simulate", hint="pass a dict {prefix: instrument} to name them apart")
        inst = load_instrument(spec)
        over = (response or {}).get(prefix) or (response or {}).get(inst.id)
        if over:
            inst = inst.with_response(**over)
        if inst.response.step is None:
            raise SimulationError(f"names '{inst.id}', which has a continuous response scale (no step)",
                                  argument="instruments", value=instruments, within="simulate",
                                  hint="only Likert-type keys can be simulated")
        out[prefix] = inst
    unknown = set(response or {}) - set(out) - {i.id for i in out.values()}
    if unknown:
        raise SimulationError(f"is given for {', '.join(sorted(unknown))}, which is not among the instruments",
                              argument="response", value=response, within="simulate", hint=f"use {', '.join(out)}")
    return out


def _covering(inst: Instrument):
    everything = set(inst.all_items)
    for name, s in inst.scales.items():
        if set(s.items) == everything:
            return name
    return None


def _units(instruments: dict) -> dict:
    """Every name a target matrix may use → (prefix, scale or None)."""
    names, bare = {}, {}
    for prefix, inst in instruments.items():
        for alias in {prefix, inst.id, inst.id.lower()}:
            names[alias] = (prefix, None)
        for scale in inst.scales:
            names[f"{prefix}_{scale}"] = (prefix, scale)
            names[f"{inst.id}_{scale}"] = (prefix, scale)
            bare.setdefault(scale, []).append((prefix, scale))
    for scale, where in bare.items():
        if len(where) == 1 and scale not in names:
            names[scale] = where[0]
    return names


def _default_factors(instruments: dict) -> list:
    out = []
    for prefix, inst in instruments.items():
        cover = _covering(inst)
        if cover is not None:
            out.append((prefix, prefix, None))
            continue
        seen = set()
        for scale, s in inst.scales.items():
            if seen & set(s.items):
                raise SimulationError(f"names '{inst.id}', whose scales overlap", argument="instruments",
                                      value=list(instruments), within="simulate",
                                      hint="give a correlation matrix that names the instrument or disjoint scales")
            seen |= set(s.items)
            out.append((f"{prefix}_{scale}", prefix, scale))
    return out


def _check_matrix(corr) -> pd.DataFrame:
    if not isinstance(corr, pd.DataFrame):
        raise SimulationError("is not a square DataFrame", argument="correlations", value=type(corr).__name__, within="simulate",
                              hint="give a DataFrame with the factor names as index and columns (instrument prefixes or "
                                   "<prefix>_<scale> names)")
    if list(corr.index) != list(corr.columns):
        raise SimulationError(f"has rows {list(corr.index)} but columns {list(corr.columns)}", argument="correlations",
                              value=list(corr.columns), within="simulate",
                              hint="the correlation matrix must have the same names, in the same order, as rows and "
                                   "columns")
    values = corr.to_numpy(dtype=float)
    if not np.all(np.isfinite(values)):
        raise SimulationError("holds a missing or infinite value", argument="correlations", value=list(corr.columns),
                              within="simulate", hint="give every correlation as a number")
    bad = [str(n) for n, d in zip(corr.index, np.diag(values)) if abs(d - 1) > 1e-12]
    if bad:
        raise SimulationError(f"has a diagonal other than 1 (rows {', '.join(bad)})", argument="correlations",
                              value=list(corr.columns), within="simulate", hint="the diagonal of the correlation matrix must be 1")
    if not np.allclose(values, values.T, atol=1e-12, rtol=0):
        i, j = np.argwhere(np.abs(values - values.T) > 1e-12)[0]
        raise SimulationError(f"is not symmetric: [{corr.index[i]}, {corr.index[j]}] = {values[i, j]:g} but "
                              f"[{corr.index[j]}, {corr.index[i]}] = {values[j, i]:g}", argument="correlations",
                              value=list(corr.columns), within="simulate", hint="give the same value on both sides")
    if np.any(np.abs(values) > 1):
        raise SimulationError("holds a value outside -1 to 1", argument="correlations", value=list(corr.columns), within="simulate",
                              hint="correlations must lie between -1 and 1")
    if len(values) > 1 and np.linalg.eigvalsh(values).min() <= 1e-10:
        raise SimulationError("is not positive definite (no population has these correlations together)",
                              argument="correlations", value=list(corr.columns), within="simulate",
                              hint="lower the largest correlations or check their signs")
    return pd.DataFrame(values, index=[str(c) for c in corr.index], columns=[str(c) for c in corr.columns])


def _factors(instruments, corr, constructs, loadings, skew) -> tuple[list[_Factor], pd.DataFrame]:
    if corr is None:
        defs = _default_factors(instruments)
        names = [d[0] for d in defs]
        corr = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    else:
        corr = _check_matrix(corr)
        units = _units(instruments)
        defs = []
        for name in corr.columns:
            key = (constructs or {}).get(name, name)
            if key not in units:
                raise SimulationError(
                    f"names '{name}', which is neither an instrument nor a scale of {', '.join(instruments)}",
                    argument="correlations", value=list(corr.columns), within="simulate",
                    hint=f"use one of: {', '.join(sorted(k for k in units if '-' not in k))}"
                    + (" (or map it with constructs={name: ...})" if constructs is None else ""))
            prefix, scale = units[key]
            defs.append((name, prefix, scale))
    factors = []
    claimed: dict[str, dict] = {p: {} for p in instruments}
    for name, prefix, scale in defs:
        inst = instruments[prefix]
        items = list(inst.all_items) if scale is None else list(inst.scales[scale].items)
        for i in items:
            if i in claimed[prefix]:
                raise SimulationError(f"puts item {i} of '{prefix}' in both '{claimed[prefix][i]}' and '{name}'",
                                      argument="correlations", value=list(corr.columns), within="simulate",
                                      hint="name either the instrument or disjoint scales in the matrix")
            claimed[prefix][i] = name
        if scale is None:
            cover = _covering(inst)
            rev = inst.reversed_in(cover) if cover else set().union(*(inst.reversed_in(s) for s in inst.scales))
        else:
            rev = inst.reversed_in(scale)
        lam = _pick(loadings, name, prefix, 0.7, "loadings")
        if not 0 < lam < 1:
            raise SimulationError(f"gives '{name}' the loading {lam!r}", argument="loadings", value=loadings, within="simulate",
                                  hint="a loading must lie strictly between 0 and 1")
        default_skew = 1.0 if inst.response.min == 0 else -0.4
        sk = _pick(skew, name, prefix, default_skew, "skew")
        factors.append(_Factor(name, prefix, inst, scale, items, set(rev), float(lam), float(sk)))
    for prefix, inst in instruments.items():
        left = [str(i) for i in inst.all_items if i not in claimed[prefix]]
        if left:
            raise SimulationError(f"leaves items {', '.join(left)} of '{prefix}' ({inst.id}) in no factor",
                                  argument="correlations", value=list(corr.columns), within="simulate",
                                  hint=f"add a row and column '{prefix}' (the whole instrument) or its remaining scales")
    return factors, corr


def _fixed_factor(factor, corr: pd.DataFrame):
    """The caller's fixed factor of the target, checked (None: compute the Cholesky factor)."""
    if factor is None:
        return None
    if isinstance(factor, pd.DataFrame):
        if list(factor.index) != list(corr.index) or list(factor.columns) != list(corr.columns):
            raise SimulationError("does not carry the correlation matrix's names in its order", argument="factor",
                                  value=list(factor.columns), within="simulate",
                                  hint=f"use ({', '.join(map(str, corr.columns))}) as rows and columns")
        factor = factor.to_numpy(dtype=float)
    f = np.asarray(factor, dtype=float)
    k = corr.shape[0]
    if f.shape != (k, k) or not np.all(np.isfinite(f)):
        raise SimulationError(f"is not a finite {k} x {k} matrix", argument="factor", value=f"shape {f.shape}", within="simulate",
                              hint="give one row and column per factor, every entry a number")
    if np.any(np.triu(f, 1) != 0):
        raise SimulationError("is not lower-triangular", argument="factor", value=f"shape {f.shape}", within="simulate",
                              hint="give a Cholesky factor of the target (numpy.linalg.cholesky)")
    worst = float(np.max(np.abs(f @ f.T - corr.to_numpy(dtype=float))))
    if worst > 1e-12:
        raise SimulationError(f"times its transpose differs from the correlation matrix by up to {worst:.3g}",
                              argument="factor", value=f"shape {f.shape}", within="simulate",
                              hint="give the target's Cholesky factor (numpy.linalg.cholesky)")
    return f


def _pick(value, name, prefix, default, what):
    if value is None:
        return default
    if isinstance(value, dict):
        unknown = [k for k in value if not isinstance(k, str)]
        if unknown:
            raise SimulationError(f"has keys {unknown!r}, not factor names", argument=what, value=value, within="simulate",
                                  hint="{what} keys must be factor names")
        return value.get(name, value.get(prefix, default))
    if not isinstance(value, (int, float)):
        raise SimulationError("is neither a number nor a dict", argument=what, value=value, within="simulate",
                              hint=f"{what} must be a number or a dict {{factor: number}}")
    return value


def _share(x, what):
    if not isinstance(x, (int, float)) or not 0 <= x < 1:
        raise SimulationError("is not a share", argument=what, value=x, within="simulate",
                              hint=f"{what} must be a share between 0 and 1 (e.g. 0.05)")
    return float(x)


def _setback(setback, factor_names):
    if not setback:
        return None
    spec = dict(SETBACK_DEFAULTS)
    if isinstance(setback, dict):
        unknown = set(setback) - set(spec)
        if unknown:
            raise SimulationError(f"has unknown options {', '.join(sorted(unknown))}", argument="setback", value=setback,
                                  within="simulate", hint=f"use {', '.join(spec)}")
        spec.update(setback)
    if not isinstance(spec["waves"], int) or spec["waves"] < 2 or not 2 <= spec["failure"] <= spec["waves"]:
        raise SimulationError(f"has waves={spec['waves']!r}, failure={spec['failure']!r}", argument="setback",
                              value=setback, within="simulate",
                              hint="setback needs waves ≥ 2 and a failure occasion from 2 to waves")
    if spec["goal"] is None:
        spec["goal"] = factor_names[0]
    if spec["goal"] not in factor_names:
        raise SimulationError(f"names goal '{spec['goal']}', which is not a factor", argument="setback",
                              value=setback, within="simulate", hint=f"use one of {', '.join(factor_names)}")
    return spec

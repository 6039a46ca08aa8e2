"""Calibrated simulation: item-level survey exports whose latent correlations equal a target.

:func:`simulate` draws, for every respondent, one latent score per *factor* (an instrument, or a
scale of an instrument) with the target correlation matrix, and turns each factor into its items
with a common-factor model for a latent response y* = λ·η + √(1 − λ²)·ε cut at thresholds into the
instrument's response codes. The export therefore behaves like real data: the scored correlations
are the latent ones attenuated by unreliability (≈ target × √(α_x α_y) with equal loadings), items
reverse-keyed in the key are answered reversed (min + max − code), and the categories are skewed
as survey answers are. Options add missing answers, careless respondents, teams with a chosen ICC
and repeated performance measures around a setback.

What is drawn (``seed`` fixes all of it)
----------------------------------------
* factors: η = Z·Lᵀ with L the Cholesky factor of the target (numpy), or the fixed factor given
  as ``factor`` (then the product is summed column by column, so no LAPACK or BLAS call decides
  the bits and the export is byte-identical on any machine); with teams,
  η = √icc·u_team + √(1 − icc)·e, both with correlation matrix = target, so the total latent
  correlations stay the target and each factor's ICC(1) is ``icc``.
* thresholds: K − 1 cut points evenly spaced on ±1.5 SD, shifted by ``skew`` (positive: answers
  pile up at the low end). Default skew: +1.0 for symptom-frequency formats that start at 0
  (PHQ-9, DASS-21, CES-D), −0.4 (mild ceiling) for agreement formats — our choice, stated in
  :attr:`SimulationResult.factors`.
* careless respondents (share ``careless``): straight-liners answer every item of an instrument
  with one code (the same relative position on every instrument); random responders draw each
  answer uniformly. Their rows are listed in :attr:`SimulationResult.truth`, never in the export.
* missing answers (share ``missing_share``, completely at random over item cells): blank, or the
  code(s) in ``missing``.
* setback: performance at ``waves`` occasions; at occasion ``failure`` it drops by ``drop`` SD, then
  rises by ``rate + goal_effect·η_goal`` SD per occasion (recovery that depends on a goal factor);
  person baseline N(0, 1), occasion noise N(0, noise²); written as 70 + 10·performance.

Generating correlated normals uses floating-point linear algebra, so the exact rows may differ in
the last bits across CPUs; tests assert statistics with tolerances from theory, not rows. A script
that must regenerate a file byte for byte (scripts/make_demo.py) passes ``factor=`` literals.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..checks import draw_seed, seed_from
from ..errors import GoalscopeError
from ..formatting.apa import Apa, apa
from ..instruments import Instrument, load_instrument
from ..results import Result

__all__ = ["SimulationResult", "simulate", "SimulationError", "target_from_findings", "target_from_pairs",
           "column_prefix"]

SPREAD = 1.5                 # thresholds evenly spaced on ±SPREAD latent SDs (before the skew shift)
CARELESS_KINDS = ("straight", "random")
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


@dataclass(frozen=True)
class SimulationResult(Result):
    """A simulated survey (the protocol of every goalscope result).

    Attributes
    ----------
    data : DataFrame
        The export: ``id_column``, ``group`` (with teams), item columns ``<prefix>_<item>`` and the
        performance columns (with a setback). Write it with :meth:`write`.
    latent : DataFrame
        The true factor scores (one column per factor), same rows as ``data``.
    truth : DataFrame
        Per respondent: ``careless`` (``""``, ``"straight"`` or ``"random"``) and the team.
    correlations : DataFrame
        The target latent correlation matrix (factor names).
    factors : DataFrame
        One row per factor: prefix, instrument, scale, items, reversed, loading, skew, thresholds.
    options : dict
        Every argument, including ``seed``.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis import simulate
    >>> target = pd.DataFrame([[1, -.5], [-.5, 1]], index=["grit", "procr"], columns=["grit", "procr"])
    >>> sim = simulate({"grit": "grit-s", "procr": "pps"}, target, n=100, seed=1)
    >>> sim.n, sim.table()["factor"].tolist(), sim.summary()["target"].tolist()
    (100, ['grit', 'procr'], [-0.5])

    R: ``lavaan::simulateData(model, sample.nobs = 100)`` then cut at the thresholds (``sim.r_call``).
    """

    data: pd.DataFrame
    latent: pd.DataFrame
    truth: pd.DataFrame
    correlations: pd.DataFrame
    factors: pd.DataFrame
    options: dict = field(default_factory=dict)   # a field default: Result.options is a class attribute
    instruments: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.data.shape[0])

    @property
    def seed(self):
        return self.options.get("seed")

    @property
    def n_excluded(self) -> int:
        return 0                 # nothing is excluded when data are made

    def table(self) -> pd.DataFrame:
        """The design, one row per factor (what generated the items)."""
        return self.factors.copy(deep=False)

    def summary(self) -> pd.DataFrame:
        """One row per pair of factors: the target latent r and the r among the drawn latent scores."""
        names = list(self.correlations.columns)
        drawn = np.corrcoef(self.latent[names].to_numpy(), rowvar=False) if len(names) > 1 else np.ones((1, 1))
        rows = [{"factor_x": a, "factor_y": b, "target": float(self.correlations.loc[a, b]),
                 "latent_r": float(drawn[i, j]), "n": self.n}
                for i, a in enumerate(names) for j, b in enumerate(names) if i < j]
        return pd.DataFrame(rows, columns=["factor_x", "factor_y", "target", "latent_r", "n"])

    @property
    def r_call(self) -> str:
        """An R counterpart: lavaan syntax for ``lavaan::simulateData`` (continuous y*, then cut)."""
        lines = []
        for f in self.factors.itertuples():
            cols = [f"{f.prefix}_{i}" for i in f.items]
            lines.append(f"{f.factor} =~ " + " + ".join(
                f"{-f.loading if i in f.reversed else f.loading:g}*{c}" for i, c in zip(f.items, cols)))
        names = list(self.correlations.columns)
        for i, a in enumerate(names):
            lines.append(f"{a} ~~ 1*{a}")
            for b in names[i + 1:]:
                lines.append(f"{a} ~~ {float(self.correlations.loc[a, b]):g}*{b}")
        model = "\\n".join(lines)
        return (f'lavaan::simulateData("{model}", sample.nobs = {self.n}, standardized = TRUE, '
                f"seed = {self.seed})  # then cut each y* at the thresholds in .factors")

    def write(self, path) -> str:
        """Write the export atomically (CSV, XLSX or parquet by the file ending); returns the path."""
        from ..io.writers import write_table
        return str(write_table(self.data, path))

    def study_yaml(self, data: str = "responses.csv", name: str = "simulated") -> str:
        """A study file that reads the written export (``goalscope run`` walks the whole road on it)."""
        import yaml

        o = self.options
        study = {"name": name, "title": f"Simulated survey (synthetic, seed {self.seed})", "data": data,
                 "id": o["id_column"]}
        codes = o.get("missing")
        if codes is not None:
            study["missing_codes"] = [_plain_number(c) for c in np.atleast_1d(codes)]
        keep = ([o["group"]] if o.get("teams") else []) + [c for c in self.data.columns
                                                          if o.get("setback") and c.startswith(o["setback"]["prefix"] + "_")]
        if keep:
            study["keep"] = keep
        if o.get("teams"):
            study["group"] = o["group"]
        study["instruments"] = {}
        for prefix, inst in self.instruments.items():
            entry = {"instrument": _key_reference(inst),
                     "columns": f"{prefix}_{{n}}" if inst.numbered
                     else {i: f"{prefix}_{i}" for i in inst.all_items}}
            over = (o.get("response") or {}).get(prefix) or (o.get("response") or {}).get(inst.id)
            if over:
                entry["response"] = {"min": _plain_number(inst.response.min), "max": _plain_number(inst.response.max)}
            study["instruments"][prefix] = entry
        study["seed"] = self.seed if self.seed is not None else 2026
        head = f"# SYNTHETIC data: goalscope simulate (seed {self.seed}); no real respondents.\n"
        return head + yaml.safe_dump(study, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)

    def write_study(self, path, data: str = "responses.csv", name: str = "simulated") -> str:
        """Write :meth:`study_yaml` atomically."""
        from ..io.writers import atomic_write_text
        return str(atomic_write_text(path, self.study_yaml(data=data, name=name)))


def _plain_number(x):
    """A number as a study file writes it: -99, not -99.0 (a YAML int where the value is whole)."""
    x = float(x)
    return int(x) if x.is_integer() else x


def _key_reference(inst: Instrument) -> str:
    """The shipped id when the key is shipped, else the key file's path."""
    try:
        shipped = load_instrument(inst.id)
    except GoalscopeError:
        shipped = None
    if shipped is not None and shipped.path == inst.path:
        return inst.id
    return str(inst.path)


@apa.register
def _(res: SimulationResult) -> Apa:
    o = res.options
    parts = [f"{len(res.factors)} latent factor(s) over {len(res.instruments)} instrument(s)"]
    if o["careless"]:
        parts.append(f"{o['careless']:.0%} careless respondents")
    if o["missing_share"]:
        parts.append(f"{o['missing_share']:.0%} of answers missing")
    if o["teams"]:
        parts.append(f"{o['teams']} teams with latent ICC(1) = {o['icc']:g}")
    if o["setback"]:
        parts.append(f"{o['setback']['waves']} performance occasions around a setback")
    text = (f"Synthetic data: N = {res.n} simulated respondents (seed {res.seed}); " + ", ".join(parts)
            + "; latent correlations as targeted.")
    return Apa(estimate=f"N = {res.n}", full_result=text, table=res.summary())


# ------------------------------------------------------------------------------------------------
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


# ------------------------------------------------------------------------------------------------
def simulate(instruments, correlations: pd.DataFrame | None = None, n: int = 400, seed: int | None = None, *,
             constructs: dict | None = None, loadings=None, skew=None, response: dict | None = None,
             missing_share: float = 0.0, missing=None, careless: float = 0.0,
             careless_kinds=CARELESS_KINDS, teams: int | None = None, icc: float = 0.0, group: str = "team",
             setback=None, id_column: str = "respondent_id", factor=None) -> SimulationResult:
    """Simulate an item-level survey export whose latent correlations equal ``correlations``.

    Parameters
    ----------
    instruments : list or dict
        Shipped ids or key files (``["agq-r", "pps"]``; columns ``agq_r_1`` …, ``pps_1`` …), or
        ``{prefix: instrument}`` to choose the column prefixes (``{"goals": "agq-r"}`` → ``goals_1``).
    correlations : DataFrame, optional
        Square target matrix of latent correlations. Its names are instrument prefixes or ids (one
        factor for all items), ``<prefix>_<scale>`` or a scale name unique among the instruments (one
        factor per scale), or any name mapped by ``constructs``. Every item must belong to exactly one
        factor. Default: one factor per instrument (or per scale when none covers all items),
        uncorrelated.
    n : int
        Respondents.
    seed : int or numpy.random.Generator, optional
        Seed of ``numpy.random.default_rng`` (a Generator: a seed is drawn from it; ``None``: a fresh seed is drawn and stated in ``.seed``; pass
        it to draw the same data again).
    constructs : dict, optional
        ``{matrix name: factor name}``, e.g. ``{"procrastination": "pps"}``.
    loadings : float or dict, optional
        Standardised loading of every item (default 0.7), or ``{factor: loading}``.
    skew : float or dict, optional
        Threshold shift in latent SDs (positive: answers pile up at the low end); default +1.0 for
        scales whose codes start at 0, −0.4 otherwise.
    response : dict, optional
        ``{prefix: {"min": 1, "max": 7}}``: administer an instrument on another range.
    missing_share : float
        Share of item answers missing completely at random.
    missing : number or list, optional
        The export's code for "no answer" (``-99``); default: blank cells.
    careless : float
        Share of careless respondents, split evenly over ``careless_kinds``.
    careless_kinds : tuple
        ``"straight"`` (one code per instrument) and/or ``"random"`` (uniform answers).
    teams : int, optional
        Number of teams (respondents assigned at random, sizes as equal as possible), written in
        column ``group``.
    icc : float
        Latent ICC(1) of every factor when ``teams`` is given.
    setback : bool or dict, optional
        Repeated performance around a failure: ``{"waves": 3, "failure": 2, "drop": 0.8, "rate": 0.4,
        "goal": <factor>, "goal_effect": 0.25, "noise": 0.5, "prefix": "performance"}`` (SD units).
    id_column : str
        Name of the respondent id column (values 1 … n).
    factor : DataFrame or array, optional
        A fixed lower-triangular factor L of ``correlations`` (L·Lᵀ equal to it within 1e-12), on
        the factor names in the matrix's order. Default: numpy's Cholesky factor, computed at run
        time. With a fixed factor the latent scores are summed column by column (elementwise
        products only), so the same seed gives the same bytes on every CPU and BLAS build; compute
        it once (``numpy.linalg.cholesky``) and write it into the script as literals.

    Returns
    -------
    SimulationResult
        ``.data`` (the export), ``.latent``, ``.truth``, ``.factors``, ``.summary()``,
        ``.write(path)``, ``.study_yaml()``.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis import simulate
    >>> target = pd.DataFrame([[1, -.5], [-.5, 1]], index=["grit", "procr"], columns=["grit", "procr"])
    >>> sim = simulate({"grit": "grit-s", "procr": "pps"}, target, n=300, seed=1)
    >>> sim.data.columns[:4].tolist()
    ['respondent_id', 'grit_1', 'grit_2', 'grit_3']
    >>> sim.factors.loc[0, ["factor", "instrument", "reversed"]].tolist()
    ['grit', 'grit-s', [1, 3, 5, 6]]
    >>> sim.summary().target.tolist()
    [-0.5]

    In R, ``lavaan::simulateData(model, sample.nobs = n)`` draws the continuous y* (``.r_call``
    gives the model); cutting them at the thresholds gives the codes.
    """
    if not isinstance(n, (int, np.integer)) or n < 2:
        raise SimulationError("is not a number of respondents", argument="n", value=n, within="simulate",
                              hint="n must be a whole number of respondents (at least 2)")
    seed = seed_from(seed)
    if seed is not None and not isinstance(seed, (int, np.integer)):
        raise SimulationError("is not a seed", argument="seed", value=seed, within="simulate",
                              hint="seed must be a whole number, or None")
    insts = _instruments(instruments, response)
    factors, corr = _factors(insts, correlations, constructs, loadings, skew)
    names = [f.name for f in factors]
    missing_share = _share(missing_share, "missing_share")
    careless = _share(careless, "careless")
    kinds = tuple(careless_kinds)
    if careless and (not kinds or set(kinds) - set(CARELESS_KINDS)):
        raise SimulationError("is not a set of careless kinds", argument="careless_kinds", value=kinds, within="simulate",
                              hint="use 'straight' and/or 'random'")
    if teams is not None and (not isinstance(teams, (int, np.integer)) or not 2 <= teams <= n):
        raise SimulationError("is not a number of teams", argument="teams", value=teams, within="simulate",
                              hint="teams must be a whole number from 2 to n")
    if not isinstance(icc, (int, float)) or not 0 <= icc < 1:
        raise SimulationError("is not an ICC", argument="icc", value=icc, within="simulate", hint="icc must lie in [0, 1)")
    if icc and teams is None:
        raise SimulationError("is given without teams", argument="icc", value=icc, within="simulate",
                              hint="icc needs teams (the number of teams)")
    codes = None if missing is None else list(np.atleast_1d(missing))
    spec = _setback(setback, names)

    fixed = _fixed_factor(factor, corr)
    if seed is None:   # a fresh seed, stated on the result, so the data can be drawn again
        seed = draw_seed()
    rng = np.random.default_rng(seed)
    chol = np.linalg.cholesky(corr.to_numpy()) if fixed is None else fixed

    def correlate(z):
        if fixed is None:
            return z @ chol.T
        out = np.zeros_like(z)                      # elementwise, in a fixed order: same bits everywhere
        for k in range(z.shape[1]):
            out += z[:, [k]] * chol[:, k][None, :]
        return out

    eta = correlate(rng.standard_normal((n, len(names))))
    team = None
    if teams:
        sizes = np.full(teams, n // teams)
        sizes[: n % teams] += 1
        team = rng.permutation(np.repeat(np.arange(teams), sizes))
        u = correlate(rng.standard_normal((teams, len(names))))
        eta = math.sqrt(icc) * u[team] + math.sqrt(1 - icc) * eta

    columns, blocks, info = [], [], []
    block_of = {}
    for j, f in enumerate(factors):
        r = f.instrument.response
        k = r.n_options
        cuts = np.linspace(-SPREAD, SPREAD, k - 1) + f.skew
        noise = math.sqrt(1 - f.loading ** 2)
        ystar = f.loading * eta[:, [j]] + noise * rng.standard_normal((n, len(f.items)))
        keyed = np.searchsorted(cuts, ystar, side="right")                  # 0 … k − 1
        rev = np.array([i in f.reversed for i in f.items])
        answered = np.where(rev[None, :], (k - 1) - keyed, keyed)
        for c, item in enumerate(f.items):
            block_of[(f.prefix, item)] = answered[:, c]
        info.append({"factor": f.name, "prefix": f.prefix, "instrument": f.instrument.id, "scale": f.scale or "",
                     "items": list(f.items), "reversed": sorted(f.reversed, key=str), "loading": f.loading,
                     "skew": f.skew, "thresholds": [round(float(t), 10) for t in cuts],
                     "response": f"{r.min:g}-{r.max:g}"})
    # the export: item columns in key order per instrument, as codes min + step × index
    idx_cols = {}
    for prefix, inst in insts.items():
        # numbered items in number order, as a questionnaire prints them; named items in key order
        for item in (sorted(inst.all_items) if inst.numbered else inst.all_items):
            idx_cols[f"{prefix}_{item}"] = (prefix, block_of[(prefix, item)])
    index = np.column_stack([v for _, v in idx_cols.values()]).astype(float)
    col_prefix = [p for p, _ in idx_cols.values()]
    n_opt = np.array([insts[p].response.n_options for p in col_prefix])

    kind = np.full(n, "", dtype=object)
    if careless:
        who = rng.random(n) < careless
        kind[who] = np.asarray(kinds, dtype=object)[rng.integers(0, len(kinds), who.sum())]
        straight = np.flatnonzero(kind == "straight")
        if straight.size:
            pos = rng.random(straight.size)                           # the same relative position everywhere
            index[straight] = np.floor(pos[:, None] * n_opt[None, :])
        rnd = np.flatnonzero(kind == "random")
        if rnd.size:
            index[rnd] = np.floor(rng.random((rnd.size, index.shape[1])) * n_opt[None, :])
    mins = np.array([insts[p].response.min for p in col_prefix])
    steps = np.array([insts[p].response.step for p in col_prefix])
    values = mins[None, :] + steps[None, :] * index
    if missing_share:
        holes = rng.random(values.shape) < missing_share
        values[holes] = np.nan if codes is None else codes[0]

    data = {id_column: np.arange(1, n + 1)}
    if team is not None:
        width = len(str(teams))
        data[group] = np.array([f"T{t + 1:0{width}d}" for t in team], dtype=object)
    integral = bool(np.all(np.equal(np.mod(mins, 1), 0)) and np.all(np.equal(np.mod(steps, 1), 0)))
    frame = pd.DataFrame(values, columns=list(idx_cols))
    if integral:
        frame = frame.astype("Int64")
    out = pd.concat([pd.DataFrame(data), frame], axis=1)
    if spec:
        g = eta[:, names.index(spec["goal"])]
        base = rng.standard_normal(n)
        perf = {}
        for t in range(1, spec["waves"] + 1):
            level = base.copy()
            if t >= spec["failure"]:
                level -= spec["drop"]
            if t > spec["failure"]:
                level += (t - spec["failure"]) * (spec["rate"] + spec["goal_effect"] * g)
            level += spec["noise"] * rng.standard_normal(n)
            perf[f"{spec['prefix']}_{t}"] = np.round(70 + 10 * level, 1)
        out = pd.concat([out, pd.DataFrame(perf)], axis=1)
    latent = pd.DataFrame(eta, columns=names)
    truth = pd.DataFrame({id_column: out[id_column], "careless": kind.astype(str)})
    if team is not None:
        truth[group] = out[group]
    options = {"instruments": {p: i.id for p, i in insts.items()}, "n": n, "seed": seed, "constructs": constructs,
               "loadings": loadings, "skew": skew, "response": response, "missing_share": missing_share,
               "missing": missing, "careless": careless, "careless_kinds": kinds, "teams": teams, "icc": icc,
               "group": group, "setback": spec, "id_column": id_column, "factor": None if fixed is None else "fixed"}
    return SimulationResult(data=out, latent=latent, truth=truth, correlations=corr, factors=pd.DataFrame(info),
                            options=options, instruments=insts)


# ------------------------------------------------------------------------------------------------
def target_from_findings(constructs: dict, findings: pd.DataFrame | None = None, ids=None) -> pd.DataFrame:
    """A target latent correlation matrix assembled from registered correlations.

    Parameters
    ----------
    constructs : dict
        ``{construct: factor name}``, e.g. ``{"mastery_approach": "goals_mastery_approach",
        "depression": "mood"}``; the matrix is on the factor names.
    findings : DataFrame, optional
        The registry table (``id, construct_x, construct_y, kind, value, subgroup``); default
        :func:`analysis.findings.registry.published_findings` (looked up when called).
    ids : list, optional
        Use only these findings. By default every registered ``r`` between two mapped constructs
        counts, except subgroup-specific ones; several for one pair are averaged on Fisher's z.

    Returns
    -------
    DataFrame
        Square, unit diagonal; pairs without a registered correlation are 0 (uncorrelated).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.findings.simulation import target_from_findings
    >>> reg = pd.DataFrame({"id": ["a", "b"], "construct_x": ["mastery_approach", "performance_avoidance"],
    ...                     "construct_y": ["depression", "depression"], "kind": ["r", "r"],
    ...                     "value": [-0.18, 0.16], "subgroup": [None, None]})
    >>> target_from_findings({"mastery_approach": "map", "performance_avoidance": "pav", "depression": "mood"},
    ...                      reg).loc["mood"].tolist()
    [-0.18, 0.16, 1.0]
    """
    if not isinstance(constructs, dict) or not constructs:
        raise SimulationError("is not a mapping", argument="constructs", value=constructs, within="target_from_findings",
                              hint="give constructs={construct: factor name, ...}")
    if findings is None:
        try:
            from .registry import published_findings
        except ImportError:
            raise SimulationError("is not given, and the registry of published findings (analysis.findings.registry) "
                                  "is not installed in this version", argument="findings", value=None,
                                  within="target_from_findings", hint="give the target matrix yourself") from None
        findings = published_findings()
    need = {"id", "construct_x", "construct_y", "kind", "value"}
    if need - set(findings.columns):
        raise SimulationError(f"lacks {', '.join(sorted(need - set(findings.columns)))}", argument="findings",
                              value=list(findings.columns), within="target_from_findings",
                              hint="pass the table of published_findings()")
    rows = findings
    if ids is not None:
        ids = [ids] if isinstance(ids, str) else list(ids)
        unknown = [i for i in ids if i not in set(findings["id"])]
        if unknown:
            raise SimulationError(f"names finding(s) {', '.join(unknown)}, which are not in the registry", argument="ids",
                                  value=ids, within="target_from_findings",
                                  hint="`goalscope findings` lists the registered ids")
        rows = rows[rows["id"].isin(ids)]
    elif "subgroup" in rows.columns:
        rows = rows[rows["subgroup"].isna() | (rows["subgroup"].astype(str) == "")]
    rows = rows[(rows["kind"].astype(str) == "r") & pd.to_numeric(rows["value"], errors="coerce").notna()]
    rows = rows[rows["construct_x"].isin(constructs) & rows["construct_y"].isin(constructs)]
    names = list(dict.fromkeys(constructs.values()))
    frame = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    zs: dict = {}
    for r in rows.itertuples():
        a, b = constructs[r.construct_x], constructs[r.construct_y]
        if a != b:
            zs.setdefault(frozenset((a, b)), []).append(float(r.value))
    if not zs:
        raise SimulationError("has no registered correlation linking two of them (direction-only findings carry no "
                              "number)", argument="constructs", value=list(constructs), within="target_from_findings",
                              hint="give the target matrix yourself, or other constructs")
    for pair, values in zs.items():
        a, b = sorted(pair, key=names.index)
        # one value: taken as published; several: averaged on Fisher's z
        r = float(_combine(values))
        frame.loc[a, b] = frame.loc[b, a] = r
    return frame


def _combine(values: list) -> float:
    """One published r as it stands; several averaged on Fisher's z."""
    if len(values) == 1:
        return values[0]
    return math.tanh(sum(math.atanh(v) for v in values) / len(values))


def target_from_pairs(instruments, pairs: dict) -> pd.DataFrame:
    """A target matrix from a few named correlations; every other factor pair is uncorrelated.

    Factors the pairs do not name are the instruments' default ones (the whole instrument when a
    scale covers all its items, else each scale), so the matrix covers every item.

    Parameters
    ----------
    instruments : list or dict
        As for :func:`simulate`.
    pairs : dict
        ``{(factor_a, factor_b): r}``.

    Examples
    --------
    >>> from analysis.findings.simulation import target_from_pairs
    >>> m = target_from_pairs({"goals": "agq-r", "procr": "pps"}, {("goals_mastery_approach", "procr"): -0.25})
    >>> m.index.tolist()
    ['goals_mastery_approach', 'procr', 'goals_performance_approach', 'goals_mastery_avoidance', 'goals_performance_avoidance']
    >>> float(m.loc["procr", "goals_mastery_approach"]), float(m.loc["procr", "goals_mastery_avoidance"])
    (-0.25, 0.0)
    """
    names = []
    for a, b in pairs:
        names += [x for x in (a, b) if x not in names]
    insts = _instruments(instruments, None)
    units = _units(insts)
    whole = {units[n][0] for n in names if n in units and units[n][1] is None}
    by_scale = {units[n][0] for n in names if n in units and units[n][1] is not None}
    for name, prefix, scale in _default_factors(insts):
        if name in names or prefix in whole or (scale is None and prefix in by_scale):
            continue
        names.append(name)
    frame = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    for (a, b), v in pairs.items():
        frame.loc[a, b] = frame.loc[b, a] = float(v)
    return frame

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

import numpy as np
import pandas as pd

from ..checks import draw_seed, seed_from
from .simulation_design import (SimulationError, _factors, _fixed_factor, _instruments, _setback, _share,
                                column_prefix)
from .simulation_result import SimulationResult
from .simulation_targets import target_from_findings, target_from_pairs

# the names importable from here before the split stay importable from here
__all__ = ["SimulationResult", "simulate", "SimulationError", "target_from_findings", "target_from_pairs",
           "column_prefix"]

SPREAD = 1.5                 # thresholds evenly spaced on ±SPREAD latent SDs (before the skew shift)
CARELESS_KINDS = ("straight", "random")


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

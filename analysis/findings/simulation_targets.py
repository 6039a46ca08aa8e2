"""Target latent correlation matrices for :func:`~analysis.findings.simulation.simulate`: from the
registry of published findings (:func:`target_from_findings`) or from a few named correlations
(:func:`target_from_pairs`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .simulation_design import SimulationError, _default_factors, _instruments, _units


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

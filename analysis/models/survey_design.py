"""Replicate-weight designs: the final weight, the replicate weights and how their spread becomes a
variance (Fay's BRR, BRR, JK2; the formula: :mod:`analysis.models.survey_weights`), checked against
the data; and the plausible-value columns of a score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..checks import check_choice, check_numeric
from ..errors import DataError
from ._common import as_list, check_frame


METHODS = ("fay", "brr", "jk2")


_R_TYPE = {"fay": "Fay", "brr": "BRR", "jk2": "JK2"}


@dataclass(frozen=True)
class ReplicateDesign:
    """The weight columns of a replicate-weight design and how they give a variance.

    Made by :func:`replicate_design`; ``scale`` is c of the module's formula, ``degf`` the design's
    degrees of freedom (rank of the replicate weights − 1, as ``survey::degf``).
    """

    weight: str
    replicate_weights: tuple
    method: str
    fay_k: float
    degf: int
    pattern: str | None = None   # "W_FSTURWT{n}" when the replicate weights were given that way

    @property
    def replicates(self) -> int:
        return len(self.replicate_weights)

    @property
    def scale(self) -> float:
        if self.method == "jk2":
            return 1.0
        return 1.0 / (self.replicates * (1.0 - self.fay_k) ** 2)

    def variance(self, full: np.ndarray, replicated: np.ndarray) -> np.ndarray:
        """c · Σ_r (θ_r − θ)² for each column of ``replicated`` (one row per replicate)."""
        return self.scale * ((replicated - full) ** 2).sum(axis=0)

    def describe(self) -> str:
        """How the standard errors were computed, e.g. "80 Fay replicate weights (k = 0.5)"."""
        if self.method == "fay":
            return f"{self.replicates} Fay replicate weights (k = {self.fay_k:g})"
        if self.method == "brr":
            return f"{self.replicates} BRR replicate weights"
        return f"{self.replicates} JK2 jackknife replicate weights"

    def r_call(self, data: str = "d") -> str:
        """The equivalent ``survey::svrepdesign`` call."""
        if self.pattern is not None:
            reps = '"' + re.escape(self.pattern).replace(r"\{n\}", "[0-9]+").replace("\\", "\\\\") + '"'
        else:
            reps = f'{data}[, c({", ".join(repr(c) for c in self.replicate_weights)})]'
        rho = f", rho = {self.fay_k:g}" if self.method == "fay" else ""
        return (f"svrepdesign(data = {data}, weights = ~{self.weight}, repweights = {reps}, "
                f"type = \"{_R_TYPE[self.method]}\"{rho}, mse = TRUE)")


def _columns_of(data: pd.DataFrame, spec, what: str, name: str) -> tuple[list, str | None]:
    """Columns named by a list, or by a pattern with ``{n}`` (all matching columns, by n)."""
    if isinstance(spec, str) and "{n}" in spec:
        rx = re.compile("^" + re.escape(spec).replace(r"\{n\}", r"(\d+)") + "$")
        found = sorted(((int(m.group(1)), c) for c in map(str, data.columns) if (m := rx.match(c))))
        if not found:
            raise DataError(f"matches no column of the data (e.g. {spec.replace('{n}', '1')!r})", argument=name,
                            value=spec, within=what, hint="give the pattern of the columns or a list of them")
        return [c for _, c in found], spec
    cols = as_list(spec)
    if not cols:
        raise DataError("is empty", argument=name, value=spec, within=what,
                        hint="give a pattern such as 'W_FSTURWT{n}' or a list of columns")
    return cols, None


def _check_weights(data: pd.DataFrame, columns, what: str) -> pd.DataFrame:
    """The weight columns as floats: every cell a number ≥ 0, none missing (else the first bad cell)."""
    from ..io.readers import row_label

    values = check_numeric(data, columns, what, hint="a weight must be a number", na_tokens=False)
    for c in values.columns:
        v = values[c].to_numpy()
        bad = ~np.isfinite(v) | (v < 0)
        if bad.any():
            pos = int(bad.argmax())
            missing = bool(np.isnan(v[pos]))
            raise DataError("the weight is missing" if missing else "is not a weight",
                            file=data.attrs.get("source"), row=row_label(data, data.index[pos]), column=c,
                            value=None if missing else f"{v[pos]:g}", within=what,
                            hint="every respondent needs a final weight and replicate weights ≥ 0 (set a weight to 0 "
                                 "to leave a respondent out of the population estimates, or drop the row before the "
                                 "analysis)")
    return values


def weight_columns(data: pd.DataFrame, design: dict, plausible_values: dict | None = None) -> list[str]:
    """The columns a weighted analysis reads besides its variables: the final weight, the replicate
    weights and every plausible value (patterns resolved as :func:`replicate_design` resolves them).

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models.survey_design import weight_columns
    >>> cols = weight_columns(read_dataset("pisa_demo"), {"weight": "W_FSTUWT", "replicate_weights": "W_FSTURWT{n}"},
    ...                       {"MATH": "PV{n}MATH"})
    >>> len(cols), cols[:2], cols[-1]
    (91, ['W_FSTUWT', 'W_FSTURWT1'], 'PV10MATH')

    R has no equivalent (``svrepdesign`` takes the same pattern: ``repweights = "W_FSTURWT[0-9]+"``).
    """
    cols = [design["weight"], *_columns_of(data, design["replicate_weights"], "weights", "replicates")[0]]
    for name, spec in (plausible_values or {}).items():
        cols += _columns_of(data, spec, "plausible_values", name)[0]
    return cols


def replicate_design(data: pd.DataFrame, weight: str = "W_FSTUWT", replicate_weights="W_FSTURWT{n}",
                     method: str = "fay", fay_k: float | None = None) -> ReplicateDesign:
    """Name the final weight and the replicate weights of a survey, and how they give variances.

    Parameters
    ----------
    data : DataFrame
        The respondents, with the weight columns.
    weight : str
        The final (full-sample) weight, e.g. PISA's ``W_FSTUWT``, TIMSS's ``TOTWGT``.
    replicate_weights : str or list of str
        The replicate weights: a pattern with ``{n}`` (``"W_FSTURWT{n}"``: every column that matches,
        ordered by n) or a list of columns. They include the final weight, as PISA ships them.
    method : {"fay", "brr", "jk2"}
        ``"fay"``: Fay's balanced repeated replication (PISA), variance = Σ(θ_r − θ)² / (R (1 − k)²);
        ``"brr"``: plain BRR (k = 0), Σ(θ_r − θ)² / R; ``"jk2"``: the paired jackknife, one
        replicate per variance zone, Σ(θ_r − θ)², as survey's ``type = "JK2"``.
    fay_k : float, optional
        Fay's factor k, 0 ≤ k < 1 (default 0.5, as PISA); only with ``method="fay"``.

    Returns
    -------
    ReplicateDesign

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import replicate_design
    >>> pisa = read_dataset("pisa_demo")
    >>> design = replicate_design(pisa, weight="W_FSTUWT", replicate_weights="W_FSTURWT{n}", method="fay")
    >>> design.describe(), design.degf
    ('80 Fay replicate weights (k = 0.5)', 79)
    >>> design.r_call()
    'svrepdesign(data = d, weights = ~W_FSTUWT, repweights = "W_FSTURWT[0-9]+", type = "Fay", rho = 0.5, mse = TRUE)'

    R: ``survey::svrepdesign(data = d, weights = ~W_FSTUWT, repweights = "W_FSTURWT[0-9]+",
    type = "Fay", rho = 0.5, mse = TRUE)``.
    """
    what = "replicate_design"
    data = check_frame(data, what)
    check_choice(method, METHODS, what, "method")
    if method == "fay":
        k = 0.5 if fay_k is None else fay_k
        if isinstance(k, bool) or not isinstance(k, (int, float)) or not 0 <= k < 1:
            raise DataError("is not Fay's factor", argument="fay_k", value=k, within=what,
                            hint="give a number 0 ≤ k < 1 (PISA: 0.5)")
        k = float(k)
    else:
        if fay_k is not None:
            raise DataError("applies to method='fay' only", argument="fay_k", value=fay_k, within=what,
                            hint=f"leave it out with method={method!r}")
        k = 0.0
    if not isinstance(weight, str):
        raise DataError("is not a column name", argument="weight", value=weight, within=what,
                        hint="give the final weight's column")
    reps, pattern = _columns_of(data, replicate_weights, what, "replicate_weights")
    if weight in reps:
        raise DataError("is also among the replicate weights", file=data.attrs.get("source"), column=weight, item="the final weight",
                        within=what, hint="give the replicate weights without the final weight")
    if len(reps) < 2:
        raise DataError(f"names {len(reps)} column; a variance needs at least 2", argument="replicate_weights",
                        value=replicate_weights, within=what, hint="give two or more replicate weights")
    values = _check_weights(data, [weight] + reps, what)
    degf = int(np.linalg.matrix_rank(values[reps].to_numpy())) - 1
    return ReplicateDesign(weight, tuple(reps), method, k, degf, pattern)


def as_design(data, design, what) -> ReplicateDesign:
    if isinstance(design, ReplicateDesign):
        _check_weights(data, [design.weight, *design.replicate_weights], what)
        return design
    if isinstance(design, dict):
        unknown = [k for k in design if k not in ("weight", "replicate_weights", "method", "fay_k")]
        if unknown:
            raise DataError(f"has {', '.join(map(repr, unknown))}, which replicate_design does not take",
                            argument="design", value=design, within=what,
                            hint="give 'weight', 'replicate_weights', 'method' and 'fay_k'")
        return replicate_design(data, **design)
    raise DataError("is not a design", argument="design", value=design, within=what,
                    hint="give replicate_design(data, ...) or its keywords as a dict, e.g. "
                         "{'weight': 'W_FSTUWT', 'replicate_weights': 'W_FSTURWT{n}'}")


def plausible_columns(data, plausible_values, what) -> dict:
    """{name: [PV columns]}: the same number of values for every name, no name already a column."""
    if plausible_values is None:
        return {}
    if not isinstance(plausible_values, dict):
        raise DataError("is not a mapping", argument="plausible_values", value=plausible_values, within=what,
                        hint="give e.g. {'MATH': 'PV{n}MATH'} (the name to use, the pattern of its columns)")
    out = {}
    for name, spec in plausible_values.items():
        if name in data.columns:
            raise DataError(f"names '{name}', which is already a column of the data", argument="plausible_values",
                            value=plausible_values, within=what, hint="choose another name for the combined score")
        out[name], _ = _columns_of(data, spec, what, f"plausible_values['{name}']")
    counts = {n: len(c) for n, c in out.items()}
    if len(set(counts.values())) > 1 or min(counts.values()) < 2:
        raise DataError(f"has {', '.join(f'{n}: {k}' for n, k in counts.items())} plausible values",
                        argument="plausible_values", value=plausible_values, within=what,
                        hint="plausible values need the same number (at least 2) for every score")
    return out

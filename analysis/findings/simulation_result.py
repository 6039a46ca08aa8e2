"""The result of :func:`~analysis.findings.simulation.simulate`: the simulated export, the true
latent scores and careless respondents, the design, and how it is written (the export, a study file
that reads it) and reported (APA sentence, R counterpart)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import GoalscopeError
from ..formatting.apa import Apa, apa
from ..instruments import Instrument, load_instrument
from ..results import Result


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

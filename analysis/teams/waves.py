"""Survey waves: the staff report for each wave and the change of every unit between waves.

Each wave is reported as by :func:`analysis.teams.build_staff_report` (scores, agreement per
wave, ICC, the anonymity rules). Between consecutive waves, every unit that exists in both gets
the change of each scale score: later mean minus earlier mean, with a Welch t test and its
confidence interval. Welch, because a unit's two waves are treated as two independent samples:
staff surveys are usually anonymous, so answers cannot be paired, and team membership changes
between waves (people join, leave, move); the test does not assume equal variances or sizes.
This equals R ``t.test(later, earlier)`` (``var.equal = FALSE``), computed here from each wave's
published n, mean and SD.

Anonymity across waves. The answers of different waves are different responses, so every
published number of a wave is a sum over that wave's responses only, and the linear system an
attacker faces (see :mod:`analysis.anonymity.privacy`) splits into one independent block per wave:
differencing against another wave tells nothing about this wave. What links the waves is the
change table, and a change is published only when the unit is published in *both* waves; its
numbers (n, mean and SD of each wave, and what follows from them) are then already public, so the
change table adds nothing an attacker can use. A unit hidden in either wave has a blank change.
Outside knowledge (that a team kept exactly the same people) is not something the reports can
protect against, as for a single wave.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_level
from ..errors import DataError
from ..formatting.apa import Apa, apa
from ..results import Result
from ..anonymity.units import ORGANISATION
from .formats import hidden_label
from ..anonymity.privacy import MIN_GROUP_DEFAULT
from ..checks import near_columns

CHANGE_COLUMNS = ["level", "unit", "parent", "scale", "wave_1", "wave_2", "n_1", "mean_1", "sd_1", "n_2", "mean_2",
                  "sd_2", "estimate", "se", "ci_low", "ci_high", "statistic", "df", "p_val", "rwg_j_1", "rwg_j_2",
                  "suppressed", "note"]

R_CALL = "t.test(later, earlier, var.equal = FALSE, conf.level = level)  # per unit and scale"


def welch(n1, m1, s1, n2, m2, s2, level: float = 0.95) -> dict:
    """Welch's t for mean2 - mean1 from two independent samples' n, mean and SD.

    Hand-written from the summary statistics (scipy's ``ttest_ind_from_stats`` gives t and p but
    not the interval); the same formulas as R ``t.test(x2, x1)``.

    Examples
    --------
    >>> r = welch(10, 3.0, 1.0, 12, 3.5, 1.2)
    >>> round(r["estimate"], 3), round(r["statistic"], 4), round(r["df"], 3), round(r["p_val"], 4)
    (0.5, 1.066, 19.998, 0.2991)

    # R: t.test(x2, x1, var.equal = FALSE)   (on the raw answers of the two samples)
    """
    n1, m1, s1, n2, m2, s2 = (np.asarray(x, dtype=float) for x in (n1, m1, s1, n2, m2, s2))
    v1, v2 = s1 ** 2 / n1, s2 ** 2 / n2
    se = np.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1))
    est = m2 - m1
    with np.errstate(divide="ignore", invalid="ignore"):
        t = est / se
        crit = stats.t.ppf(0.5 + level / 2, df)
        p = 2 * stats.t.sf(np.abs(t), df)
    out = {"estimate": est, "se": se, "ci_low": est - crit * se, "ci_high": est + crit * se, "statistic": t,
           "df": df, "p_val": p}
    return {k: (float(v) if np.ndim(v) == 0 else v) for k, v in out.items()}


@dataclass
class WaveReport(Result):
    """Staff reports for several waves and the change between consecutive waves.

    ``table()`` the change of every unit and scale (``.change``: ``estimate, se, ci_low,
    ci_high, statistic, df, p_val`` of the Welch t test …); ``summary()`` the organisation's rows;
    ``apa()`` the text; ``figure(path)`` the change chart; ``n`` the responses of all waves;
    ``options`` and ``r_call``.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.teams import build_wave_report
    >>> rep = build_wave_report({"2025": read_dataset("staff_demo"), "2026": read_dataset("staff_demo_wave2")},
    ...                         "vandewalle", "team", columns="wdgo_{n}")
    >>> rep.n, rep.summary()["scale"].tolist()
    (674, ['learning', 'avoid', 'prove'])

    # R: t.test(later, earlier, var.equal = FALSE)  # per unit and scale
    """

    waves: list
    reports: dict
    change: pd.DataFrame
    level: float
    options: dict = field(default_factory=dict)
    r_call: str = R_CALL

    @property
    def n(self) -> int:
        return int(sum(r.n_people for r in self.reports.values()))

    @property
    def latest(self):
        return self.reports[self.waves[-1]]

    def table(self) -> pd.DataFrame:
        return self.change.copy(deep=False)

    def summary(self) -> pd.DataFrame:
        return self.change[self.change["level"] == ORGANISATION].reset_index(drop=True)

    def figure(self, path=None, level: str | None = None):
        """The change chart (last two waves; each unit of ``level``, default the parent or unit
        grouping, with its 95% CI): a matplotlib Figure, also written to ``path`` (.png, .svg or
        .pdf, the same bytes on every run) when given. (Until version 0.x it returned PNG bytes:
        :func:`analysis.teams.wave_output.change_chart_png` gives them.)"""
        from ..formatting.figures import save_figure
        from .wave_output import change_chart

        fig = change_chart(self, level or self.latest.parent or self.latest.group)
        if path is not None:
            save_figure(fig, path)
        return fig


@apa.register
def _apa_waves(rep: WaveReport) -> Apa:
    """Each scale's change in the organisation (Welch t), and how many unit changes are not shown."""
    parts = []
    for r in rep.summary().itertuples():
        label = rep.latest.labels.get(r.scale, r.scale)
        parts.append(f"{label}: M = {r.mean_1:.2f} in {r.wave_1} and {r.mean_2:.2f} in {r.wave_2}, change "
                     f"{r.estimate:.2f}, {rep.level:.0%} CI [{r.ci_low:.2f}, {r.ci_high:.2f}], "
                     f"Welch t({r.df:.1f}) = {r.statistic:.2f}, p {_p(r.p_val)}")
    shown = rep.change[rep.change["level"] != ORGANISATION]
    hidden = shown.drop_duplicates(["level", "unit", "wave_1"])["suppressed"].sum()
    text = "; ".join(parts) + f". {int(hidden)} unit changes are not shown (a unit hidden, or absent, in either wave)."
    return Apa(estimate="; ".join(p.split(", Welch")[0] for p in parts), statistic="", full_result=text,
               table=rep.summary())


def _p(p) -> str:
    return "< .001" if p < 0.001 else "= " + f"{p:.3f}".lstrip("0")


def split_waves(data: pd.DataFrame, wave: str, order=None) -> dict:
    """``{wave: rows}`` from a wave column (in ``order``, or sorted)."""
    if wave not in data.columns:
        raise DataError("is not in the data", file=data.attrs.get("source"), column=wave, item="the wave column",
                        hint="Name the column that says each row's wave (wave=)." + near_columns(wave, data))
    lab = data[wave]
    if lab.isna().any():
        first = lab.index[lab.isna()][0]
        from ..io.readers import row_label

        raise DataError("the wave is empty", file=data.attrs.get("source"), row=row_label(data, first), column=wave, value="",
                        hint="give every row its wave")
    names = sorted(lab.astype(str).unique()) if order is None else [str(w) for w in order]
    missing = set(lab.astype(str)) - set(names)
    if missing:
        raise DataError(f"has waves {sorted(missing)} not in the order given ({names})", file=data.attrs.get("source"), column=wave,
                        item="the wave column", hint="list every wave in waves=, or leave it out")
    out = {w: data[lab.astype(str) == w] for w in names}
    return out


def build_wave_report(data, instrument, group: str, *, wave: str | None = None, waves=None, parent=None, also=(),
                      min_group: int = MIN_GROUP_DEFAULT, level: float = 0.95, columns=None, null="uniform",
                      **item_options) -> WaveReport:
    """The staff report for two or more survey waves, with each unit's change between waves.

    Parameters
    ----------
    data : DataFrame or dict
        One export with a wave column (``wave=``), or ``{wave name: DataFrame}`` (one export per
        wave, in order).
    instrument, group, parent, also, min_group, columns, null, **item_options
        As for :func:`analysis.teams.build_staff_report`; applied to each wave.
    wave : str, optional
        Column naming the wave of each row (with a single DataFrame).
    waves : list, optional
        Order of the waves (default: sorted names).
    level : float
        Confidence level of the change intervals (default 0.95).

    Returns
    -------
    WaveReport
        ``.reports[wave]`` (a :class:`StaffReport` per wave) and ``.change`` with columns
        ``level, unit, parent, scale, wave_1, wave_2, n_1, mean_1, sd_1, n_2, mean_2, sd_2,
        estimate, se, ci_low, ci_high, statistic, df, p_val, rwg_j_1, rwg_j_2, suppressed, note``
        (``estimate`` = later minus earlier mean; Welch t). Equivalent R:
        ``t.test(later, earlier)`` per unit and scale.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> w1, w2 = read_dataset("staff_demo"), read_dataset("staff_demo_wave2")
    >>> rep = build_wave_report({"2025": w1, "2026": w2}, "vandewalle", "team", parent="department",
    ...                         columns="wdgo_{n}")
    >>> org = rep.summary().set_index("scale")
    >>> round(float(org.loc["learning", "estimate"]), 3), int(org.loc["learning", "n_1"]), int(org.loc["learning", "n_2"])
    (-0.144, 334, 340)
    """
    from .report import build_staff_report

    check_level(level, "build_wave_report", "level")
    if isinstance(data, dict):
        frames = {str(k): v for k, v in data.items()}
        if waves is not None:
            frames = {str(w): frames[str(w)] for w in waves}
    else:
        if wave is None:
            raise DataError("is not given", argument="wave", value=wave,
                            hint="several waves need a wave column (wave=...) or one DataFrame per wave")
        frames = split_waves(data, wave, waves)
    if len(frames) < 2:
        raise DataError(f"holds {len(frames)} wave(s) ({list(frames)}); a change report needs at least two waves",
                        argument="waves", value=list(frames), hint="give two or more")
    reports = {}
    for w, d in frames.items():
        try:
            opts = {"source": d.attrs.get("source"), **item_options}
            reports[w] = build_staff_report(d, instrument, group, parent=parent, also=also, min_group=min_group,
                                            columns=columns, null=null, **opts)
        except DataError as exc:
            raise exc.reworded(f"wave {w}: {exc}") from None
    names = list(reports)
    for w, r in reports.items():
        r.wave, r.waves = w, names
    change = pd.concat([_change(reports[a], reports[b], a, b, level) for a, b in zip(names, names[1:])],
                       ignore_index=True)
    opts = {"group": group, "parent": parent, "also": list(also), "min_group": min_group, "level": level,
            "wave": wave, "waves": names, "test": "Welch t (independent samples)"}
    return WaveReport(waves=names, reports=reports, change=change, level=level, options=opts)


def _change(r1, r2, w1: str, w2: str, level: float) -> pd.DataFrame:
    key = ["level", "unit", "scale"]
    a = r1.table.set_index(key)
    b = r2.table.set_index(key)
    idx = a.index.union(b.index, sort=False)
    levels = [ORGANISATION] + ([r2.parent] if r2.parent else []) + [r2.group] + list(r2.also)
    rank = {lv: i for i, lv in enumerate(levels)}
    sc = {s: i for i, s in enumerate(r2.scales)}
    idx = sorted(idx, key=lambda t: (rank.get(t[0], 99), str(t[1]), sc.get(t[2], 99)))
    a, b = a.reindex(idx), b.reindex(idx)
    out = pd.DataFrame({"level": [t[0] for t in idx], "unit": [t[1] for t in idx],
                        "parent": b["parent"].fillna(a["parent"]).to_numpy(), "scale": [t[2] for t in idx]})
    out["wave_1"], out["wave_2"] = w1, w2
    in1 = a["n"].notna().to_numpy() | a["suppressed"].notna().to_numpy()
    in2 = b["n"].notna().to_numpy() | b["suppressed"].notna().to_numpy()
    shown = (a["suppressed"].eq(False) & b["suppressed"].eq(False)).to_numpy()
    for side, t in (("1", a), ("2", b)):
        for col in ("n", "mean", "sd"):
            out[f"{col}_{side}"] = np.where(shown, t[col].astype(float).to_numpy(), np.nan)
    res = welch(out["n_1"], out["mean_1"], out["sd_1"], out["n_2"], out["mean_2"], out["sd_2"], level)
    for k, v in res.items():
        out[k] = np.where(shown, v, np.nan)
    out["rwg_j_1"] = np.where(shown, a["rwg_j"].astype(float).to_numpy(), np.nan)
    out["rwg_j_2"] = np.where(shown, b["rwg_j"].astype(float).to_numpy(), np.nan)
    out["suppressed"] = ~shown
    note = np.where(shown, "", hidden_label(r2.k))
    note = np.where(~in1, f"not in {w1}", note)
    note = np.where(~in2, f"not in {w2}", note)
    out["note"] = note
    for c in ("n_1", "n_2"):
        out[c] = out[c].astype("Int64")
    return out[CHANGE_COLUMNS]


def write_wave_report(rep: WaveReport, path) -> Path:
    """Write the wave report: .xlsx / .html (latest wave's report plus the change), or .csv
    (every wave's long table with a ``wave`` column; the change beside it as ``<name>.change.csv``).

    Examples
    --------
    >>> import tempfile, os
    >>> from analysis.datasets import read_dataset
    >>> rep = build_wave_report({"w1": read_dataset("staff_demo"), "w2": read_dataset("staff_demo_wave2")},
    ...                         "vandewalle", "team", columns="wdgo_{n}")
    >>> write_wave_report(rep, os.path.join(tempfile.mkdtemp(), "waves.csv")).name
    'waves.csv'

    # R: write.csv(change, "waves.change.csv")
    """
    from ..io import write_table
    from .report import write_staff_report
    from .wave_output import change_html, change_sheet

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        long = pd.concat([r.table.assign(wave=w) for w, r in rep.reports.items()], ignore_index=True)
        write_table(rep.change, p.with_name(p.stem + ".change.csv"))
        return write_table(long[["wave"] + [c for c in long.columns if c != "wave"]], p)
    return write_staff_report(rep.latest, p, extra_sheets=[change_sheet(rep)], extra_html=[change_html(rep)])

"""Forest plots for replication verdicts and pooled correlations, readable without colour.

Shapes and labels carry the meaning (filled circle = observed, open square = published, diamond =
pooled, a right-hand column of text for direction-only findings and verdicts), all in black and
greys; bytes are deterministic through :func:`analysis.formatting.figures.save_figure`.
"""

from __future__ import annotations

import numpy as np

from ..formatting.figures import finish_figure


def _fmt(x) -> str:
    from ..formatting.apa import apa_num

    return apa_num(x, 2, gt1=False)


def _figure(n_rows: int, width: float = 9.0):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    height = 1.2 + 0.42 * max(n_rows, 1)
    fig, ax = plt.subplots(figsize=(width, height))
    return fig, ax


def replication_forest(res, path=None):
    """Observed r (●, solid 95% CI) against the published r (□, dashed CI when published) per
    finding; direction-only findings show their published direction as text. Returns the Figure."""
    from matplotlib.lines import Line2D

    t = res.rows
    k = len(t)
    fig, ax = _figure(k, width=10.0)
    ys = np.arange(k)[::-1]
    for y, (_, row) in zip(ys, t.iterrows()):
        ax.hlines(y + 0.12, row["ci_low"], row["ci_high"], color="black", lw=1.4)
        ax.plot(row["estimate"], y + 0.12, marker="o", color="black", ms=6, ls="none")
        if row["published"] == row["published"]:
            if row["published_ci_low"] == row["published_ci_low"]:
                ax.hlines(y - 0.12, row["published_ci_low"], row["published_ci_high"], color="0.35", lw=1.2,
                          linestyles="dashed")
            ax.plot(row["published"], y - 0.12, marker="s", mfc="white", mec="black", ms=6, ls="none")
            pub = f"published r = {_fmt(row['published'])}"
        else:
            pub = f"published: {row['published_direction']} (no number)"
        verdict = row["verdict"].split(":")[0]
        ax.annotate(f"{pub}; {verdict}", xy=(1.02, y), xycoords=("axes fraction", "data"), va="center",
                    fontsize=8)
    ax.axvline(0, color="0.6", lw=0.8, zorder=0)
    ax.set_yticks(ys)
    ax.set_yticklabels(t["finding_id"], fontsize=8)
    ax.set_ylim(-0.8, k - 0.2)
    lo = np.nanmin(np.r_[t["ci_low"], t["published"], t["published_ci_low"], -0.1])
    hi = np.nanmax(np.r_[t["ci_high"], t["published"], t["published_ci_high"], 0.1])
    pad = 0.05 * (hi - lo)
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_xlabel(f"correlation r (observed: {round(res.level * 100)}% CI)")
    handles = [Line2D([], [], color="black", marker="o", lw=1.4, label="observed"),
               Line2D([], [], color="0.35", marker="s", mfc="white", mec="black", ls="--", lw=1.2,
                      label="published")]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False, fontsize=8)
    fig.subplots_adjust(left=0.33, right=0.66, top=1 - 0.55 / fig.get_figheight(), bottom=0.5 / fig.get_figheight() + 0.05)
    return finish_figure(fig, ax, path, layout=False)


def pooled_forest(res, path=None):
    """Each study's r with its CI (■ sized by weight) and the pooled r (◆), on the r scale."""
    from scipy import stats

    s = res.studies
    k = len(s)
    fig, ax = _figure(k + 1, width=7.0)
    zc = stats.norm.ppf(1 - (1 - res.level) / 2)
    lo = np.tanh(s["yi"] - zc * np.sqrt(s["vi"]))
    hi = np.tanh(s["yi"] + zc * np.sqrt(s["vi"]))
    ys = np.arange(k)[::-1] + 1
    wmax = s["weight"].max()
    for y, r, a, b, w in zip(ys, s["r"], lo, hi, s["weight"]):
        ax.hlines(y, a, b, color="black", lw=1.1)
        ax.plot(r, y, marker="s", color="black", ms=4 + 6 * np.sqrt(w / wmax), ls="none")
    p = res.pooled
    ax.fill([p["ci_low_r"], p["estimate_r"], p["ci_high_r"], p["estimate_r"]], [0, 0.25, 0, -0.25],
            facecolor="white", edgecolor="black", lw=1.2)
    ax.axvline(0, color="0.6", lw=0.8, zorder=0)
    ax.axvline(p["estimate_r"], color="0.3", lw=0.8, ls=":", zorder=0)
    labels = [f"{lab}  (n = {n})" for lab, n in zip(s["label"], s["n"])]
    ax.set_yticks(list(ys) + [0])
    ax.set_yticklabels(labels + [f"pooled ({res.method})"], fontsize=8)
    ax.set_ylim(-0.8, k + 0.6)
    ax.set_xlabel(f"correlation r ({round(res.level * 100)}% CI)")
    ax.set_title(f"r = {_fmt(p['estimate_r'])} [{_fmt(p['ci_low_r'])}, {_fmt(p['ci_high_r'])}], "
                 f"I² = {p['i2']:.1f}%, k = {k}", fontsize=9)
    return finish_figure(fig, ax, path)

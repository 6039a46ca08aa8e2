"""Generate the synthetic demo survey in data/raw/demo/ (fixed seed; no real people).

    python scripts/make_demo.py            # rewrite data/raw/demo/responses.csv
    python scripts/make_demo.py --out DIR  # write elsewhere (the tests check the committed file)

The survey mimics a student study of achievement goals (AGQ-R administered on 1-7), procrastination
(PPS), a disorganised-study-strategy scale (a user key), grit (Grit-S, coded in the printed order,
so anchors are reversed), depression (PHQ-9 exported as 1-4), three exam scores around a setback,
an attention check, completion time and a staff-like grouping column. Effects follow the direction
of the literature (mastery-approach: less procrastination, mastery-avoidance: more; disorganisation
carries part of it; performance-avoidance: more depressive symptoms). About 7 % of respondents are
careless (straight-liners, random clickers, speeders); -99 codes and blanks mark missing answers.
This is the only script allowed to write under data/raw/, and only the demo folder.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 2026
N = 400
ROOT = Path(__file__).resolve().parents[1]


def _items(rng, latent, loadings, n_cat, lo, noise=0.75):
    """Ordinal items from a latent score: loading * latent + noise, cut at fixed thresholds."""
    cols = []
    cuts = np.linspace(-1.6, 1.6, n_cat - 1)
    for lam in loadings:
        y = lam * latent + rng.normal(0, noise, len(latent))
        cols.append(lo + np.searchsorted(cuts, y))
    return np.column_stack(cols)


# The SVD factor F of the goals' correlation matrix below (F @ F.T = corr), written out as literals:
# numpy's multivariate_normal computes it with LAPACK at run time, and a correlation matrix's SVD may
# differ in its last bits between CPUs and BLAS builds. With F fixed and the product taken elementwise,
# the demo regenerates byte for byte on any machine (these are the values numpy's default "svd" method
# gives, so the committed file did not change).
_GOALS_FACTOR = np.array([
    [-0.6303357309073994, 0.6320104977101868, 0.38638806526873737, 0.2322581756223869],
    [-0.7451130683685894, -0.4164096180195411, 0.42397508603705975, -0.3027452258699273],
    [-0.7308513258879589, 0.38448862872153444, -0.5014235201113585, -0.2580683772002701],
    [-0.7545015919827788, -0.4892111280435419, -0.2557947370157261, 0.3549209382508637]])


def _correlated_normals(rng, n: int) -> np.ndarray:
    """n draws of the four goals: standard normals times the fixed factor, summed elementwise."""
    z = rng.standard_normal((n, 4))
    out = np.zeros((n, 4))
    for k in range(4):
        out += z[:, [k]] * _GOALS_FACTOR[:, k]
    return out


def make(seed: int = SEED, n: int = N) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # achievement goals: MAp, PAp, MAv, PAv
    corr = np.array([[1.0, 0.30, 0.45, 0.15],
                     [0.30, 1.0, 0.25, 0.55],
                     [0.45, 0.25, 1.0, 0.40],
                     [0.15, 0.55, 0.40, 1.0]])
    assert np.allclose(_GOALS_FACTOR @ _GOALS_FACTOR.T, corr, atol=1e-12)
    g = _correlated_normals(rng, n)
    map_, pap, mav, pav = g.T
    disorg = -0.30 * map_ + 0.35 * mav + rng.normal(0, 0.85, n)
    procr = -0.20 * map_ + 0.15 * mav + 0.45 * disorg + rng.normal(0, 0.75, n)
    grit = 0.40 * map_ - 0.40 * procr + rng.normal(0, 0.8, n)
    dep = -0.18 * map_ + 0.20 * pav + 0.25 * procr + rng.normal(0, 0.9, n)

    agq = np.empty((n, 12), dtype=float)
    key = {0: [1, 3, 7], 1: [2, 4, 8], 2: [5, 9, 11], 3: [6, 10, 12]}
    for f, items in key.items():
        agq[:, [i - 1 for i in items]] = _items(rng, g[:, f], [0.9, 0.8, 0.85], 7, 1)
    pps = _items(rng, procr, [0.8, 0.75, 0.7, 0.85, 0.7, 0.75, 0.9, 0.85, 0.7, 0.8, 0.75, 0.6], 5, 1)
    dis = _items(rng, disorg, [0.8, 0.7, 0.75, 0.65], 5, 1)
    # Grit-S: items 1, 3, 5, 6 are worded against grit; the export codes the first printed option
    # ("Very much like me") as 1, i.e. anchors reversed relative to the key
    grit_keyed = _items(rng, grit, [0.7, 0.75, 0.65, 0.8, 0.7, 0.6, 0.75, 0.8], 5, 1)
    grit_items = grit_keyed.astype(float)
    for i in (0, 2, 4, 5):
        grit_items[:, i] = 6 - grit_items[:, i]        # worded against grit
    grit_items = 6 - grit_items                        # printed order: 1 = very much like me
    phq = _items(rng, dep - 1.2, [0.8, 0.85, 0.6, 0.7, 0.55, 0.75, 0.65, 0.5, 0.45], 4, 1, noise=0.9)
    phq = np.minimum(phq, 4)                           # exported 1-4 for a 0-3 scale

    items = np.column_stack([agq, pps, dis, grit_items, phq]).astype(float)
    names = ([f"agq_{i}" for i in range(1, 13)] + [f"pps_{i}" for i in range(1, 13)]
             + [f"disorg_{i}" for i in range(1, 5)] + [f"grit_{i}" for i in range(1, 9)]
             + [f"phq_{i}" for i in range(1, 10)])
    att = np.full(n, 4.0)
    duration = np.round(rng.lognormal(np.log(540), 0.35, n))

    # careless respondents
    kind = rng.choice(["ok", "straight", "random", "speeder"], size=n, p=[0.93, 0.03, 0.02, 0.02])
    for r in np.flatnonzero(kind == "straight"):
        items[r, :] = rng.integers(1, 4)
        att[r] = items[r, 0]
    ranges = ([7] * 12 + [5] * 12 + [5] * 4 + [5] * 8 + [4] * 9)
    for r in np.flatnonzero(kind == "random"):
        items[r, :] = [rng.integers(1, k + 1) for k in ranges]
        att[r] = rng.integers(1, 6)
    for r in np.flatnonzero(kind == "speeder"):
        duration[r] = rng.integers(45, 110)
        items[r, :] = np.where(rng.random(items.shape[1]) < 0.5, items[r, :],
                               [rng.integers(1, k + 1) for k in ranges])

    # missing answers: mostly blanks, some -99 codes
    miss = rng.random(items.shape) < 0.025
    code = rng.random(items.shape) < 0.4
    items[miss & ~code] = np.nan
    items[miss & code] = -99

    # exams around a setback: exam 2 is hard; recovery on exam 3 is better with mastery goals
    base = 68 + 4 * grit + 3 * map_ - 2 * procr + rng.normal(0, 6, n)
    exam1 = base + rng.normal(0, 4, n)
    exam2 = base - 12 - 2 * pav + rng.normal(0, 5, n)
    exam3 = base - 5 + 3.5 * map_ - 1.5 * pap + rng.normal(0, 5, n)
    exams = np.clip(np.round(np.column_stack([exam1, exam2, exam3])), 0, 100)
    exams[rng.random(exams.shape) < 0.02] = np.nan

    df = pd.DataFrame(items, columns=names)
    ids = [f"S{i:04d}" for i in range(1, n + 1)]
    front = pd.DataFrame({
        "respondent_id": ids,
        "email": [f"{s.lower()}@example.edu" for s in ids],
        "section": rng.choice(list("ABCDEFGH"), size=n),
        "gender": rng.choice(["female", "male", "non-binary"], size=n, p=[0.55, 0.42, 0.03]),
        "age": rng.integers(18, 31, size=n),
        "duration_s": duration.astype(int),
        "att_1": att,
    })
    back = pd.DataFrame(exams, columns=["exam1", "exam2", "exam3"])
    out = pd.concat([front, df, back], axis=1)
    for col in names + ["att_1", "exam1", "exam2", "exam3"]:
        out[col] = out[col].astype("Int64")
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "data" / "raw" / "demo"), help="output folder")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    make().to_csv(out / "responses.csv", index=False, lineterminator="\n")
    print(f"wrote {out / 'responses.csv'}")


if __name__ == "__main__":
    main()

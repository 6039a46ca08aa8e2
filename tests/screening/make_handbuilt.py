"""Write tests/screening/fixtures/handbuilt.csv, the hand-built survey the screening tests share.

Run from the repository root: ``.venv/bin/python tests/screening/make_handbuilt.py``. The file is
committed; the tests read it and never draw it again, so the rows they assert are the same on every
machine. The generator itself uses only independent draws and elementwise arithmetic (no matrix
factorisation), so it is reproducible too, but the committed file is what counts.

200 respondents answer the AGQ-R (12 items, 1-7; four goals) and the Grit-S (8 items, 1-5; items
1, 3, 5, 6 worded against grit, so they are antonyms of the others in the export) with strong
factor loadings, then:

* rows 10-15   straight-liners: every item the same answer (attention item passed)
* rows 30-35   random responders: uniform answers (attention item passed)
* rows 50-54   speeders: 20-35 s for 20 items (< 2 s per item), answers attentive
* rows 70-74   attention failures: answer 2 where the instruction says 4
* row 199      a resubmission of row 0 (same id, same answers)
* 2 % of answers missing at random
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

STRAIGHT = list(range(10, 16))
RANDOM = list(range(30, 36))
SPEEDERS = list(range(50, 55))
ATTENTION = list(range(70, 75))
RESUBMISSION = (0, 199)
OUT = Path(__file__).resolve().parent / "fixtures" / "handbuilt.csv"


def _answers(rng, latent, loadings, lo, hi):
    y = latent[:, None] * np.asarray(loadings) + rng.normal(0, 0.45, (len(latent), len(loadings)))
    mid = (lo + hi) / 2
    return np.clip(np.round(mid + y * (hi - lo) / 4), lo, hi)


def make(seed: int = 2049, n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # four goals correlating .4: a common factor plus a unique part (variances .4 + .6)
    common = rng.normal(size=n)
    goals = np.sqrt(0.4) * common[:, None] + np.sqrt(0.6) * rng.normal(size=(n, 4))
    # grit's two facets correlating .9
    g0 = rng.normal(size=n)
    grit = np.column_stack([g0, 0.9 * g0 + np.sqrt(1 - 0.81) * rng.normal(size=n)])
    agq = np.empty((n, 12))
    for f, items in enumerate(([1, 3, 7], [2, 4, 8], [5, 9, 11], [6, 10, 12])):
        agq[:, [i - 1 for i in items]] = _answers(rng, goals[:, f], [0.95, 0.9, 0.9], 1, 7)
    g = np.empty((n, 8))
    g[:, [0, 2, 4, 5]] = 6 - _answers(rng, grit[:, 0], [0.9, 0.85, 0.9, 0.85], 1, 5)   # worded against
    g[:, [1, 3, 6, 7]] = _answers(rng, grit[:, 1], [0.9, 0.85, 0.9, 0.85], 1, 5)
    duration = np.round(rng.lognormal(np.log(300), 0.3, n))
    att = np.full(n, 4.0)
    for r in STRAIGHT:
        v = rng.integers(2, 5)
        agq[r] = v
        g[r] = v
    for r in RANDOM:
        agq[r] = rng.integers(1, 8, 12)
        g[r] = rng.integers(1, 6, 8)
    for r in SPEEDERS:
        duration[r] = rng.integers(20, 36)
    att[ATTENTION] = 2
    items = np.hstack([agq, g])
    miss = rng.random(items.shape) < 0.02
    miss[STRAIGHT] = False
    items[miss] = np.nan
    src, dup = RESUBMISSION
    items[dup] = items[src]
    df = pd.DataFrame(items, columns=[f"agq_{i}" for i in range(1, 13)] + [f"grit_{i}" for i in range(1, 9)])
    ids = [f"P{i:03d}" for i in range(n)]
    ids[dup] = ids[src]
    duration[dup] = duration[src] + 40
    front = pd.DataFrame({"pid": ids, "duration_s": duration.astype(int), "att_1": att.astype(int)})
    return pd.concat([front, df.astype("Int64")], axis=1)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    make().to_csv(args.out, index=False, lineterminator="\n")
    print(f"wrote {args.out}")

"""A hand-built survey with known careless respondents (seeded), shared by the screening tests.

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

import numpy as np
import pandas as pd

STRAIGHT = list(range(10, 16))
RANDOM = list(range(30, 36))
SPEEDERS = list(range(50, 55))
ATTENTION = list(range(70, 75))
RESUBMISSION = (0, 199)
INSTRUMENTS = {"goals": {"instrument": "agq-r", "columns": "agq_{n}", "response": {"min": 1, "max": 7}},
               "grit": {"instrument": "grit-s", "columns": "grit_{n}"}}


def _answers(rng, latent, loadings, lo, hi):
    y = latent[:, None] * np.asarray(loadings) + rng.normal(0, 0.45, (len(latent), len(loadings)))
    mid = (lo + hi) / 2
    return np.clip(np.round(mid + y * (hi - lo) / 4), lo, hi)


def make(seed: int = 2026, n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    goals = rng.multivariate_normal(np.zeros(4), np.eye(4) * 0.6 + 0.4, size=n)
    grit = rng.multivariate_normal(np.zeros(2), [[1, 0.9], [0.9, 1]], size=n)
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
    out = pd.concat([front, df.astype("Int64")], axis=1)
    out.attrs = {"source": "handbuilt.csv", "first_row": 2}
    return out

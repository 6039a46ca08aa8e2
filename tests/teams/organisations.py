"""Random organisations for the anonymity properties (privacy and waves): the score columns."""

import numpy as np

SCALES = ["learning", "avoid", "prove"]


def add_random_scores(df, rng, scales=SCALES, missing_share: float = 0.05):
    """Give ``df`` one 1–6 score column per scale, ``missing_share`` of them missing (seeded ``rng``)."""
    for s in scales:
        v = rng.integers(1, 7, len(df)).astype(float)
        v[rng.random(len(df)) < missing_share] = np.nan
        df[s] = v
    return df

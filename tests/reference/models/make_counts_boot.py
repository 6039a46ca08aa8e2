"""Write the first bootstrap resamples that count_mediation(seed=1) draws on counts_quakes.csv, so
counts.R can refit them in R (integer draws only: no floating-point linear algebra).
Run from the repository root:  python tests/reference/models/make_counts_boot.py  (before counts.R)
"""
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
n = len(pd.read_csv(HERE / "counts_quakes.csv"))
rng = np.random.default_rng(1)
rows = [pd.DataFrame({"resample": b + 1, "row": rng.integers(0, n, n) + 1}) for b in range(3)]  # 1-based for R
pd.concat(rows).to_csv(HERE / "counts_quakes_boot_rows.csv", index=False)

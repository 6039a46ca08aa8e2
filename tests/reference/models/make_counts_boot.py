"""Write the first bootstrap resamples that count_mediation(seed=1) draws on counts_quakes.csv, so
counts.R can refit them in R (integer draws only: no floating-point linear algebra).
Run: cd tests/reference/models && python make_counts_boot.py  (before Rscript counts.R)"""
import numpy as np
import pandas as pd

n = len(pd.read_csv("counts_quakes.csv"))
rng = np.random.default_rng(1)
rows = [pd.DataFrame({"resample": b + 1, "row": rng.integers(0, n, n) + 1}) for b in range(3)]  # 1-based for R
pd.concat(rows).to_csv("counts_quakes_boot_rows.csv", index=False)

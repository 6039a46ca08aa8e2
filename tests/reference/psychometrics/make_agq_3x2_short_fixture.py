"""Write agq_3x2_short.csv: a synthetic export shaped like the 3×2 achievement-goal short form (key
agq-3x2-short: six goals × two items, 1-7, no reversed items), for the Spearman–Brown and CFA
references (spearman_brown.R, cfa_short_form.R) and the measurement tests.

Six correlated goal factors (correlations .30-.60, approach goals closer to each other than to the
avoidance goals), loadings .65-.80, answers rounded to the 1-7 scale; three answers left blank (so
listwise CFA and pairwise Spearman–Brown see different respondents). The columns are named by the
key's item ids. The draws are made once, here, and the file is committed.
Run from the repository root:  python tests/reference/psychometrics/make_agq_3x2_short_fixture.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

GOALS = ["task_approach", "self_approach", "other_approach", "task_avoidance", "self_avoidance", "other_avoidance"]
rng = np.random.default_rng(20261205)
n = 240
phi = np.full((6, 6), 0.30)
phi[:3, :3] = phi[3:, 3:] = 0.45
for g in range(3):
    phi[g, g + 3] = phi[g + 3, g] = 0.60          # the same standard, approach and avoidance
np.fill_diagonal(phi, 1.0)
factors = rng.multivariate_normal(np.zeros(6), phi, size=n)
loadings = np.array([[0.80, 0.70], [0.75, 0.65], [0.80, 0.75], [0.70, 0.65], [0.75, 0.70], [0.80, 0.65]])
cols = {}
for g, goal in enumerate(GOALS):
    for j in range(2):
        lam = loadings[g, j]
        y = lam * factors[:, g] + np.sqrt(1 - lam ** 2) * rng.normal(size=n)
        cols[f"{goal}_{j + 1}"] = np.clip(np.rint(4 + 1.4 * y), 1, 7).astype(int)
out = pd.DataFrame(cols)
out.insert(0, "respondent_id", [f"S{i:03d}" for i in range(1, n + 1)])
out = out.astype({c: "Int64" for c in out.columns[1:]})
for row, col in [(7, "self_approach_2"), (88, "other_avoidance_1"), (150, "task_approach_1")]:
    out.loc[row, col] = pd.NA
out.to_csv(Path(__file__).with_name("agq_3x2_short.csv"), index=False)
print(out.shape)

"""Write ips_reversed_in_file.csv: a synthetic Irrational Procrastination Scale export (9 items,
1-5; the key reverses items 2, 6 and 9) whose positively worded items 2, 6 and 9 were ALREADY
reverse-scored in the file, as some survey tools do — so every column runs in the procrastination
direction, and scoring it without reversed_in_file reverses them a second time.
Input of keying.R and of the keying tests and corpus cases. The draws are made once, here, and the
file is committed.
Run from the repository root:  python tests/reference/psychometrics/make_keying_fixture.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

rng = np.random.default_rng(2026)
n = 60
trait = rng.normal(size=n)
answers = np.clip(np.rint(3 + trait[:, None] + rng.normal(scale=0.8, size=(n, 9))), 1, 5).astype(int)
out = pd.DataFrame(answers, columns=[f"ips_{i}" for i in range(1, 10)])
out.insert(0, "respondent_id", [f"R{i:03d}" for i in range(1, n + 1)])
out = out.astype({c: "Int64" for c in out.columns[1:]})
out.loc[[4, 17], "ips_6"] = pd.NA  # two unanswered items (pairwise covariances, as psych)
out.to_csv(Path(__file__).with_name("ips_reversed_in_file.csv"), index=False)
print(out.shape)

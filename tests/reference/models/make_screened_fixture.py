"""Write screened_bfi.csv: bfi_scales.csv as `goalscope run` would write scores, with a column
`excluded` — the 2800 respondents (excluded False) plus 14 copies of respondents 1, 201, 401, …
with A and N reversed (7 − x) that screening excluded (excluded True), each right after the row it
copies. No random draws: every value is exact. Input of screened.R and tests/models/test_screened_sample.py.
Run from the repository root:  python tests/reference/models/make_screened_fixture.py  (after correlations.R)
"""

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
bfi = pd.read_csv(HERE / "bfi_scales.csv")
rows = []
for i, r in bfi.iterrows():
    rows.append({**r.to_dict(), "excluded": False, "excluded_by": ""})
    if i % 200 == 0:  # an excluded copy that would pull the A–N correlation towards zero
        rows.append({**r.to_dict(), "A": 7 - r["A"], "N": 7 - r["N"], "excluded": True, "excluded_by": "attention"})
out = pd.DataFrame(rows)
for c in ["gender", "education", "age"]:
    out[c] = out[c].astype("Int64")
out.to_csv(HERE / "screened_bfi.csv", index=False)
print(out.shape, int(out["excluded"].sum()))

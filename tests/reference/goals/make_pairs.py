"""Generate pairs.csv: pairs of codings for the kappa reference (run once; the CSV is committed).

Integer draws from a seeded generator only (no floating-point linear algebra), so the file is the
same on every machine; kappa.R reads it and writes kappa.csv.
Run from the repository root:  python tests/reference/goals/make_pairs.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

TYPES = np.array(["mastery", "performance", "outcome", "unclear"])
rng = np.random.default_rng(20261201)
frames = []


def add(name, a, b):
    frames.append(pd.DataFrame({"dataset": name, "coder_1": a, "coder_2": b}))


# 1. four classes, 80 statements, coder 2 changes about a quarter of coder 1's codes
a = TYPES[rng.choice(4, size=80, p=[0.35, 0.3, 0.25, 0.1])]
b = a.copy()
flip = rng.random(80) < 0.25
b[flip] = TYPES[rng.integers(0, 4, size=int(flip.sum()))]
add("four_class_80", a, b)
# 2. three classes with blanks in either coder
a = TYPES[rng.integers(0, 3, size=60)].astype(object)
b = np.where(rng.random(60) < 0.7, a, TYPES[rng.integers(0, 3, size=60)]).astype(object)
a[rng.choice(60, size=5, replace=False)] = None
b[rng.choice(60, size=4, replace=False)] = None
add("three_class_missing", a, b)
# 3. coder 2 never uses one class that coder 1 uses
a = TYPES[rng.integers(0, 4, size=40)]
b = np.where(a == "unclear", "outcome", np.where(rng.random(40) < 0.8, a, "mastery"))
add("unused_class", a, b)
# 4. independent codings (kappa near zero)
add("independent", TYPES[rng.integers(0, 4, size=50)], TYPES[rng.integers(0, 4, size=50)])
# 5. ten statements, the upper confidence limit is clipped at 1
add("small_clipped", list("aabbbcccca"), list("aabbcccccb"))

out = pd.concat(frames, ignore_index=True)
out.to_csv(Path(__file__).with_name("pairs.csv"), index=False, lineterminator="\n")

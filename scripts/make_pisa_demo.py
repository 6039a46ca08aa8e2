"""Write data/raw/pisa_demo/responses.csv: a synthetic survey made to the shape of PISA's student file.

    python scripts/make_pisa_demo.py        # from the repository root; seeded, so it rewrites the same bytes

No real student is in it. The shape follows what a PISA analysis meets (the numbers are invented for
the demo, not PISA's): 600 students in 160 schools, the schools paired into 80 variance zones; a final
student weight W_FSTUWT; 80 replicate weights W_FSTURWT1..W_FSTURWT80 made by Fay's method with k = 0.5
from a Hadamard matrix of order 80 (in replicate r, zone h, one school of the pair gets weight × 1.5
and the other × 0.5, by the sign of H[r, h]); ten plausible values PV1MATH..PV10MATH of a mathematics
score; the goal indices MASTGOAL (mastery goals), GFOFAIL (fear of failure, 15 students left it blank)
and COMPETE (competitiveness); ESCS, female, and a binary EXPECT_UNI (expects a university degree);
the twelve AGQ-R items agq_1..agq_12 (1-5; Elliot & Murayama's key, mastery-approach items 1, 3, 7)
drawn from the goal indices, so the example study has an instrument to score (drawn from a second
seeded stream after everything else, so the columns above do not depend on them).
Values are rounded (weights to 4 decimals, indices to 4, scores to 3) so the CSV reads back exactly.
The same file is copied to analysis/datasets/data/pisa_demo/ (read_dataset("pisa_demo")).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "raw" / "pisa_demo" / "responses.csv"
COPY = ROOT / "analysis" / "datasets" / "data" / "pisa_demo" / "responses.csv"
SEED = 20261206
ZONES = 80            # variance zones (pairs of schools) = replicates
STUDENTS = 600
FAY_K = 0.5
PVS = 10


def paley_hadamard(q: int = 79) -> np.ndarray:
    """A Hadamard matrix of order q + 1 for a prime q ≡ 3 (mod 4) (Paley's first construction)."""
    residues = {(i * i) % q for i in range(1, q)}
    chi = np.array([0] + [1 if d in residues else -1 for d in range(1, q)])
    jacobsthal = np.array([[chi[(j - i) % q] for j in range(q)] for i in range(q)])
    s = np.zeros((q + 1, q + 1), dtype=int)
    s[0, 1:] = 1
    s[1:, 0] = -1
    s[1:, 1:] = jacobsthal
    h = np.eye(q + 1, dtype=int) + s
    assert (h @ h.T == (q + 1) * np.eye(q + 1, dtype=int)).all(), "not a Hadamard matrix"
    return h


def main() -> None:
    rng = np.random.default_rng(SEED)
    schools = 2 * ZONES
    # every school has at least two students; the rest are spread at random
    size = 2 + rng.multinomial(STUDENTS - 2 * schools, np.full(schools, 1 / schools))
    school = np.repeat(np.arange(schools), size)
    zone = school // 2
    half = school % 2                                        # first or second school of its zone
    school_weight = rng.uniform(20, 120, schools)
    base = school_weight[school] * rng.uniform(0.8, 1.25, STUDENTS)
    w = np.round(base, 4)
    h = paley_hadamard(ZONES - 1)
    sign = np.where(half == 0, 1, -1)
    reps = {f"W_FSTURWT{r + 1}": np.round(w * (1 + (1 - FAY_K) * sign * h[r, zone]), 4) for r in range(ZONES)}

    school_effect = rng.normal(0, 25, schools)[school]
    escs = rng.normal(-0.2, 1.0, STUDENTS) + 0.4 * (school_effect / 25)
    female = rng.integers(0, 2, STUDENTS)
    mastery = rng.normal(0.1, 1.0, STUDENTS)
    fear = 0.35 * mastery + rng.normal(0.0, 0.95, STUDENTS) + 0.2 * female
    compete = 0.3 * mastery + rng.normal(0.0, 0.95, STUDENTS) - 0.15 * female
    ability = 470 + 12 * mastery - 9 * fear + 4 * compete + 28 * escs + school_effect + rng.normal(0, 70, STUDENTS)
    pv = {f"PV{m}MATH": np.round(ability + rng.normal(0, 30, STUDENTS), 3) for m in range(1, PVS + 1)}
    logit = -0.4 + 0.012 * (ability - 470) + 0.6 * escs + 0.25 * mastery
    expect = (rng.uniform(size=STUDENTS) < 1 / (1 + np.exp(-logit))).astype(int)

    fear = np.round(fear, 4)
    fear[rng.choice(STUDENTS, 15, replace=False)] = np.nan   # left blank
    out = pd.DataFrame({
        "CNTSTUID": [f"S{i + 1:04d}" for i in range(STUDENTS)],
        "CNTSCHID": [f"SCH{s + 1:03d}" for s in school],
        "ZONE": zone + 1,
        "female": female,
        "ESCS": np.round(escs, 4),
        "MASTGOAL": np.round(mastery, 4),
        "GFOFAIL": fear,
        "COMPETE": np.round(compete, 4),
        "EXPECT_UNI": expect,
        **pv,
        "W_FSTUWT": w,
        **reps,
    })
    items = np.random.default_rng(SEED + 1)
    scale_of = {1: mastery, 3: mastery, 7: mastery, 2: compete, 4: compete, 8: compete,
                5: 0.5 * mastery + 0.5 * np.nan_to_num(fear.astype(float)), 9: 0.6 * mastery, 11: 0.6 * mastery,
                6: np.nan_to_num(fear.astype(float)), 10: np.nan_to_num(fear.astype(float)), 12: 0.5 * compete}
    agq = {f"agq_{i}": np.clip(np.round(3 + 0.9 * scale_of[i] + items.normal(0, 0.7, STUDENTS)), 1, 5).astype(int)
           for i in range(1, 13)}
    out = pd.concat([out.iloc[:, :9], pd.DataFrame(agq), out.iloc[:, 9:]], axis=1)
    num = out.select_dtypes("number").columns
    out[num] = out[num].mask(out[num] == 0, 0)   # rounding can give -0.0; write it as 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(OUT, index=False, lineterminator="\n")
    COPY.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(OUT, COPY)
    print(f"wrote {OUT.relative_to(ROOT)} ({out.shape[0]} rows, {out.shape[1]} columns) and its copy")


if __name__ == "__main__":
    main()

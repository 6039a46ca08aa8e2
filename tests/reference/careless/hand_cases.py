"""Hand-worked reference values for the careless-responding indices (writes hand_cases.json).

Every expected value below is (a) worked by hand in the comments, for the small cases, and
(b) recomputed here by a deliberately naive pure-Python implementation (lists, ``fractions``
and ``statistics``; no NumPy, nothing from ``analysis``) written from careless 1.2.2's
documented definitions (cran/careless 1.2.2: R/longstring.R, R/irv.R, R/mahad.R with
psych::outlier, R/evenodd.R, R/psychsyn.R, NEWS.md). The script stops if (a) and (b) disagree.
``careless_reference.R`` computes the same matrices a third way (R) into hand_matrices_r.csv.

Run from the repository root:  python tests/reference/careless/hand_cases.py
"""

from __future__ import annotations

import csv
import json
import math
import random
import statistics
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
NA = None


# --- naive implementations of the definitions ------------------------------------------------
def runs(row):
    """Run lengths as R's rle(): NA never equals a neighbour (each NA is its own run)."""
    out = [1]
    for prev, cur in zip(row, row[1:]):
        if prev is not NA and cur is not NA and prev == cur:
            out[-1] += 1
        else:
            out.append(1)
    return out


def longstring(row):
    if all(v is NA for v in row):
        return math.nan  # goalscope: undefined (careless returns 1)
    r = runs(row)
    return max(r)


def longstring_avg(row):
    if all(v is NA for v in row):
        return math.nan
    r = runs(row)
    return sum(r) / len(r)


def sd(values):
    v = [x for x in values if x is not NA]
    return statistics.stdev(v) if len(v) >= 2 else math.nan


def irv(row, na_rm=True):
    if not na_rm and any(v is NA for v in row):
        return math.nan
    return sd(row)


def r_cut(p, k):
    """cut(seq_len(p), k, labels = FALSE): k equal-width right-closed intervals over [1, p]."""
    lo, hi = 1.0, float(p)
    dx = hi - lo
    breaks = [lo + (hi - lo) * i / k for i in range(k + 1)]
    breaks[0], breaks[-1] = lo - dx / 1000, hi + dx / 1000
    return [next(i for i in range(k) if breaks[i] < pos <= breaks[i + 1]) for pos in range(1, p + 1)]


def mean(v):
    v = [x for x in v if x is not NA]
    return Fraction(sum(Fraction(x) for x in v), len(v)) if v else None


def pairwise_cov(m, a, b):
    rows = [r for r in m if r[a] is not NA and r[b] is not NA]
    ma = Fraction(sum(Fraction(r[a]) for r in rows), len(rows))
    mb = Fraction(sum(Fraction(r[b]) for r in rows), len(rows))
    return sum((r[a] - ma) * (r[b] - mb) for r in rows) / (len(rows) - 1)


def inverse(s):
    """Exact Gauss-Jordan inverse of a small matrix of Fractions."""
    n = len(s)
    a = [list(row) + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(s)]
    for c in range(n):
        piv = next(r for r in range(c, n) if a[r][c] != 0)
        a[c], a[piv] = a[piv], a[c]
        f = a[c][c]
        a[c] = [v / f for v in a[c]]
        for r in range(n):
            if r != c and a[r][c] != 0:
                g = a[r][c]
                a[r] = [v - g * w for v, w in zip(a[r], a[c])]
    return [row[n:] for row in a]


def mahad(m):
    """psych::outlier: pairwise covariance, column means of available answers, missing dev = 0."""
    p = len(m[0])
    s = [[pairwise_cov(m, i, j) for j in range(p)] for i in range(p)]
    inv = inverse(s)
    means = [mean([r[j] for r in m]) for j in range(p)]
    out = []
    for r in m:
        if all(v is NA for v in r):
            out.append(math.nan)
            continue
        d = [Fraction(0) if r[j] is NA else r[j] - means[j] for j in range(p)]
        out.append(float(sum(d[i] * inv[i][j] * d[j] for i in range(p) for j in range(p))))
    return out


def pearson(a, b):
    pairs = [(x, y) for x, y in zip(a, b) if x is not NA and y is not NA]
    if len(pairs) < 2:
        return math.nan
    xs, ys = [float(x) for x, _ in pairs], [float(y) for _, y in pairs]
    if len(set(xs)) == 1 or len(set(ys)) == 1:
        return math.nan
    return statistics.correlation(xs, ys)


def evenodd(row, factors):
    even, odd, start = [], [], 0
    for k in factors:
        block = row[start:start + k]
        start += k
        e, o = mean(block[1::2]), mean(block[0::2])
        even.append(NA if e is None else e)
        odd.append(NA if o is None else o)
    n_pairs = sum(e is not NA and o is not NA for e, o in zip(even, odd))
    r = pearson(even, odd)
    if math.isnan(r):
        return math.nan, n_pairs
    sb = -1.0 if r <= -1 + 1e-15 else 2 * r / (1 + r)
    return -max(sb, -1.0), n_pairs


def item_pairs(m, critval, anto):
    p = len(m[0])
    cols = [[r[j] for r in m] for j in range(p)]
    out = []
    for j in range(p):          # column-major lower triangle, as careless's as.table()
        for i in range(j + 1, p):
            r = pearson(cols[i], cols[j])
            if (anto and r < -critval) or (not anto and r > critval):
                out.append((i, j))
    return out


def psychsyn(m, critval, anto=False):
    pairs = item_pairs(m, abs(critval), anto)
    res = []
    for row in m:
        a = [row[i] for i, _ in pairs]
        b = [row[j] for _, j in pairs]
        n = sum(x is not NA and y is not NA for x, y in zip(a, b))
        res.append((n, pearson(a, b) if n > 2 else math.nan))
    return pairs, res


def close(a, b, tol=1e-9):
    return (isinstance(a, float) and math.isnan(a) and isinstance(b, float) and math.isnan(b)) or abs(a - b) < tol


# --- the cases -------------------------------------------------------------------------------
def main():
    cases = {}

    # longstring: runs are written out by hand
    m = [[1, 1, 1, 2, 2],        # runs 3,2        -> max 3, mean 5/2 = 2.5
         [3, NA, 3, 3, 4],       # runs 1,1,2,1    -> max 2, mean 5/4 = 1.25 (NA breaks the run)
         [5, 5, 5, 5, 5],        # runs 5          -> 5, 5
         [2, NA, NA, 2, 2],      # runs 1,1,1,2    -> 2, 1.25 (two NAs are two runs)
         [NA, NA, NA, NA, NA]]   # no answer       -> NaN, NaN (careless: 1, 1)
    hand = {"longstring": [3, 2, 5, 2, math.nan], "longstring_avg": [2.5, 1.25, 5, 1.25, math.nan]}
    got = {"longstring": [longstring(r) for r in m], "longstring_avg": [longstring_avg(r) for r in m]}
    cases["longstring"] = {"x": m, "expected": hand, "source": "careless 1.2.2 R/longstring.R (rle per row)"}
    _check(hand, got, "longstring")

    # irv: sd with n - 1
    m = [[1, 2, 3, 4, 5],        # sd = sqrt(10/4) = 1.5811388300841898; chunks (1,2,3),(4,5): 1, sqrt(.5)
         [2, NA, 4, NA, 6],      # sd(2,4,6) = 2;   na.rm=FALSE -> NaN; chunks (2,4): sqrt 2, (6): NaN
         [3, 3, 3, 3, 3],        # 0
         [1, NA, NA, NA, NA]]    # one answer -> NaN
    hand = {"irv": [math.sqrt(2.5), 2.0, 0.0, math.nan],
            "irv_complete": [math.sqrt(2.5), math.nan, 0.0, math.nan],
            "irv_1": [1.0, math.sqrt(2), 0.0, math.nan],
            "irv_2": [math.sqrt(0.5), math.nan, 0.0, math.nan]}
    chunk = r_cut(5, 2)          # cut(1:5, 2): breaks 0.996, 3, 5.004 -> items 1-3 | 4-5
    assert chunk == [0, 0, 0, 1, 1], chunk
    got = {"irv": [irv(r) for r in m], "irv_complete": [irv(r, False) for r in m],
           "irv_1": [sd([v for v, c in zip(r, chunk) if c == 0]) for r in m],
           "irv_2": [sd([v for v, c in zip(r, chunk) if c == 1]) for r in m]}
    cases["irv"] = {"x": m, "num_split": 2, "expected": hand,
                    "source": "careless 1.2.2 R/irv.R (sd(row, na.rm = TRUE); split via cut())"}
    _check(hand, got, "irv")
    cases["irv_cut"] = {"expected": {str((p, k)): r_cut(p, k) for p, k in [(5, 2), (7, 3), (10, 3), (25, 4), (12, 5)]},
                        "source": "R base cut(seq_len(p), k, labels = FALSE)"}

    # mahad, complete data: means (2, 2); S = [[2/3, 1/3], [1/3, 2/3]], S^-1 = [[2, -1], [-1, 2]]
    # D2 = (-1,0): 2; (0,-1): 2; (1,1): 2 - 1 - 1 + 2 = 2; (0,0): 0
    m = [[1, 2], [2, 1], [3, 3], [2, 2]]
    hand = {"mahad": [2.0, 2.0, 2.0, 0.0]}
    cases["mahad"] = {"x": m, "expected": hand, "source": "careless 1.2.2 R/mahad.R -> psych::outlier"}
    _check(hand, {"mahad": mahad(m)}, "mahad")
    # with a missing answer: column means 2 and 12/5; S_xx = 2/3 (rows 1-4), S_yy = 5.2/4 = 13/10,
    # S_xy = 1/3 (pairwise rows 1-4); det = 34/45; S^-1 = 45/34 [[13/10, -1/3], [-1/3, 2/3]]
    # row 1, d = (-1, -2/5): 45/34 (13/10 - 2*(2/15) + (2/3)(4/25)) = 45/34 * 1.14 = 1.5088235294117647
    # row 5, d = (0, 8/5):   45/34 * (2/3) * 64/25 = 2.2588235294117647
    # all-NA row 6: NaN (careless drops it before psych::outlier)
    m = [[1, 2], [2, 1], [3, 3], [2, 2], [NA, 4], [NA, NA]]
    got = mahad(m)
    assert abs(got[0] - 45 / 34 * 1.14) < 1e-12 and abs(got[4] - 45 / 34 * (2 / 3) * 64 / 25) < 1e-12, got
    cases["mahad_missing"] = {"x": m, "expected": {"mahad": got},
                              "source": "careless 1.2.2 R/mahad.R -> psych::outlier (na.rm = TRUE)"}

    # evenodd, factors 3, 3, 2 (keyed answers)
    # row 1: f1 odd (1,3) -> 2, even (2) -> 2; f2 odd (4,5) -> 4.5, even 4; f3 odd 2, even 3
    #        even (2,4,3), odd (2,4.5,2): r = 2.5 / sqrt(2 * 25/6) = .8660254; SB = 2r/(1+r) = .9282032
    #        evenodd = -.9282032
    # row 2: even (1,2,3) odd (3,2,1): r = -1 -> SB -inf -> floored at -1 -> evenodd = +1
    # row 3: constant answers -> r undefined -> NaN
    # row 4: f3 unanswered -> two pairs left: even (2,4) odd (2,4.5): r = 1 -> evenodd = -1
    # row 5: only f1 answered -> one pair -> NaN
    m = [[1, 2, 3, 4, 4, 5, 2, 3],
         [3, 1, 3, 2, 2, 2, 1, 3],
         [4, 4, 4, 4, 4, 4, 4, 4],
         [1, 2, 3, 4, 4, 5, NA, NA],
         [1, 2, 3, NA, NA, NA, NA, NA]]
    r1 = 2.5 / math.sqrt(2 * 25 / 6)
    hand = {"evenodd": [-(2 * r1 / (1 + r1)), 1.0, math.nan, -1.0, math.nan], "evenodd_n_pairs": [3, 3, 3, 2, 1]}
    got = [evenodd(r, [3, 3, 2]) for r in m]
    _check(hand, {"evenodd": [g[0] for g in got], "evenodd_n_pairs": [g[1] for g in got]}, "evenodd")
    cases["evenodd"] = {"x": m, "factors": [3, 3, 2], "expected": hand,
                        "source": "careless 1.2.2 R/evenodd.R (negated Spearman-Brown, floored at -1; NEWS 1.2.1)"}

    # psychsyn / psychant: 14 respondents from a one-factor model (seeded, pure Python): a1-a3 are
    # worded with the factor, n1-n2 against it, so a-a and n-n pairs are synonyms and a-n pairs
    # antonyms. Row 12 straight-lines (r undefined -> NaN with resample_na = FALSE); rows 13-14
    # have missing answers (fewer pairs).
    rng = random.Random(2026)
    m = []
    for k in range(14):
        f = rng.gauss(0, 1.2)
        row = [min(5, max(1, round(3 + f + rng.gauss(0, .6)))) for _ in range(3)]
        row += [min(5, max(1, round(3 - f + rng.gauss(0, .6)))) for _ in range(2)]
        m.append(row)
    m[11] = [3, 3, 3, 3, 3]
    m[12][1] = NA
    m[13][0] = NA
    m[13][4] = NA
    pairs, syn = psychsyn(m, 0.60)
    apairs, ant = psychsyn(m, 0.60, anto=True)
    cases["psychsyn"] = {"x": m, "critval": 0.60, "pairs": pairs, "apairs": apairs,
                         "expected": {"psychsyn_r": [s[1] for s in syn], "psychsyn_n_pairs": [s[0] for s in syn],
                                      "psychant": [a[1] for a in ant], "psychant_n_pairs": [a[0] for a in ant]},
                         "source": "careless 1.2.2 R/psychsyn.R, R/psychant.R (resample_na = FALSE)"}

    text = json.dumps(cases, indent=1, allow_nan=True)
    (HERE / "hand_cases.json").write_text(text + "\n", encoding="utf-8")
    with open(HERE / "hand_matrices.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["case", "row"] + [f"v{j}" for j in range(1, 9)])
        for name in ("longstring", "irv", "mahad", "mahad_missing", "evenodd", "psychsyn"):
            for k, row in enumerate(cases[name]["x"], 1):
                w.writerow([name, k] + ["" if v is NA else v for v in row] + [""] * (8 - len(row)))
    print("wrote hand_cases.json and hand_matrices.csv")


def _check(hand, got, what):
    for key, values in hand.items():
        for k, (a, b) in enumerate(zip(values, got[key])):
            if not close(float(a), float(b)):
                raise SystemExit(f"{what}.{key}[{k}]: hand {a} != computed {b}")


if __name__ == "__main__":
    main()

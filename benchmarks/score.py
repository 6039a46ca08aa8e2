"""Benchmark: scoring 1,000,000 respondents x 12 items (4 scales, 5 % missing).

    .venv/bin/python benchmarks/score.py [--n 1000000] [--repeat 5]

Times goalscope's `score_items` (and the full `score`, which adds column mapping and range checks)
and, when Rscript with psych is on the PATH, `psych::scoreFast` on data of the same shape generated
in R, in the same run. Prints the ratio and the peak memory of our scoring relative to the input
array (tracemalloc sees numpy's allocations). Speed is reported as ratios, never asserted in tests.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import time
import tracemalloc

import numpy as np
import pandas as pd

from analysis import instrument_from_dict, prepare_items, score, score_items

KEY = instrument_from_dict({
    "id": "bench", "response": {"min": 1, "max": 5},
    "scales": {f"s{j}": {"items": [f"i{3 * j + k}" for k in range(1, 4)], "reverse": [f"i{3 * j + 1}"], "method": "mean"}
               for j in range(4)},
})

R_CODE = r"""
suppressMessages(library(psych))
set.seed(1)
n <- {n}; k <- 12
x <- matrix(sample(1:5, n * k, replace = TRUE), n, k)
x[matrix(runif(n * k) < 0.05, n, k)] <- NA
colnames(x) <- paste0("i", 1:k)
keys <- list(s0 = c("-i1", "i2", "i3"), s1 = c("-i4", "i5", "i6"), s2 = c("-i7", "i8", "i9"), s3 = c("-i10", "i11", "i12"))
best <- Inf
for (r in 1:{repeat}) {{ t <- system.time(s <- scoreFast(keys, x, min = 1, max = 5))[["elapsed"]]; best <- min(best, t) }}
cat(best, "\n")
"""


def data(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, size=(n, 12)).astype(float)
    x[rng.random(x.shape) < 0.05] = np.nan
    return pd.DataFrame(x, columns=[f"i{j}" for j in range(1, 13)])


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def r_time(n: int, repeat: int) -> float | None:
    if not shutil.which("Rscript"):
        return None
    res = subprocess.run(["Rscript", "-e", R_CODE.format(n=n, repeat=repeat)], capture_output=True, text=True)
    if res.returncode != 0:
        print("R failed:", res.stderr.strip().splitlines()[-1:])
        return None
    return float(res.stdout.split()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    df = data(args.n)
    input_bytes = df.to_numpy().nbytes
    items = prepare_items(df, KEY)
    t_core = best_of(lambda: score_items(items), args.repeat)
    t_full = best_of(lambda: score(df, KEY), args.repeat)
    tracemalloc.start()
    score(df, KEY)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t_r = r_time(args.n, args.repeat)
    print(f"respondents x items      : {args.n:,} x 12 (4 scales, 5 % missing)")
    print(f"goalscope score()        : {t_full:.3f} s   (read checks + keys + scores)")
    print(f"goalscope score_items()  : {t_core:.3f} s   (scores from prepared items)")
    print(f"peak memory of score()   : {peak / input_bytes:.2f} x the input array ({peak / 2**20:.0f} MiB)")
    if t_r is None:
        print("psych::scoreFast         : (Rscript with psych not found; no ratio)")
    else:
        print(f"psych::scoreFast         : {t_r:.3f} s")
        print(f"ratio scoreFast / score(): {t_r / t_full:.1f}x faster")


if __name__ == "__main__":
    main()

"""Benchmark: careless-responding indices for 100,000 respondents x 50 items (1-5, 3 % missing).

    .venv/bin/python benchmarks/screen.py [--n 100000] [--repeat 3]

Times goalscope's longstring (+ average), irv, mahad, evenodd (10 scales of 5) and psychsyn on the
same data and, when Rscript is on the PATH, careless 1.2.2's algorithms as careless runs them
(row-wise ``apply`` with ``rle``/``sd``, ``psych::outlier``, a per-person loop for evenodd and
``apply`` for psychsyn) re-typed from careless's source, since careless itself is not installable
here. The data are written to a temporary CSV that R reads; reading time is not counted. Speed is
reported, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time

import numpy as np
import pandas as pd

from analysis.screening import evenodd, irv, longstring, mahad, psychsyn

R_CODE = r"""
suppressMessages(library(psych))
x <- as.matrix(read.csv("{path}"))
tm <- function(f) {{ best <- Inf; for (r in 1:{repeat}) best <- min(best, system.time(f())[["elapsed"]]); best }}
ls <- tm(function() apply(x, 1, function(r) {{ l <- rle(r)$lengths; c(max(l), mean(l)) }}))
iv <- tm(function() apply(x, 1, sd, na.rm = TRUE))
md <- tm(function() psych::outlier(x, plot = FALSE, bad = 0))
eo <- tm(function() {{
  factors <- rep(5, 10); out <- numeric(nrow(x))
  for (i in seq_len(nrow(x))) {{
    f <- matrix(NA, length(factors), 2); start <- 1
    for (j in seq_along(factors)) {{
      if (j > 1) start <- start + factors[j - 1]
      s <- x[i, start:(start + factors[j] - 1)]; ind <- seq_along(s)
      f[j, 1] <- mean(s[ind %% 2 == 0], na.rm = TRUE); f[j, 2] <- mean(s[ind %% 2 == 1], na.rm = TRUE)
    }}
    v <- suppressWarnings(cor(f[, 1], f[, 2], use = "pairwise.complete.obs")); out[i] <- -(2 * v / (1 + v))
  }}
  out }})
ps <- tm(function() {{
  r <- cor(x, use = "pairwise.complete.obs"); p <- which(lower.tri(r) & r > .5, arr.ind = TRUE)
  apply(x, 1, function(v) {{ a <- v[p[, 1]]; b <- v[p[, 2]]; ok <- !is.na(a) & !is.na(b)
    if (sum(ok) > 2) suppressWarnings(cor(a[ok], b[ok])) else NA }}) }})
cat(ls, iv, md, eo, ps, "\n")
"""


def data(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    traits = rng.normal(size=(n, 10))
    x = np.clip(np.round(3 + np.repeat(traits, 5, axis=1) + rng.normal(scale=0.6, size=(n, 50))), 1, 5)
    x[rng.random(x.shape) < 0.03] = np.nan
    return pd.DataFrame(x, columns=[f"i{j}" for j in range(1, 51)])


def best_of(f, repeat):
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    x = data(args.n)
    ours = {
        "longstring": best_of(lambda: longstring(x, avg=True), args.repeat),
        "irv": best_of(lambda: irv(x), args.repeat),
        "mahad": best_of(lambda: mahad(x), args.repeat),
        "evenodd": best_of(lambda: evenodd(x, [5] * 10), args.repeat),
        "psychsyn": best_of(lambda: psychsyn(x, 0.5, resample_na=False), args.repeat),
    }
    theirs = {}
    if shutil.which("Rscript"):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "x.csv")
            x.to_csv(path, index=False, na_rep="NA")
            code = R_CODE.format(path=path, repeat=args.repeat)
            res = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, check=True)
            theirs = dict(zip(ours, map(float, res.stdout.split())))
    print(f"{args.n} respondents x 50 items, best of {args.repeat}")
    print(f"{'index':<12}{'goalscope s':>14}{'R (careless algorithm) s':>27}{'ratio R/ours':>14}")
    for k, t in ours.items():
        r = theirs.get(k)
        print(f"{k:<12}{t:>14.3f}{(f'{r:.3f}' if r else 'n/a'):>27}{(f'{r / t:.1f}x' if r else ''):>14}")


if __name__ == "__main__":
    main()

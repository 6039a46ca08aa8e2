"""Benchmark: CFA of the 2×2 AGQ model at N = 10,000, and the four-step invariance ladder.

    .venv/bin/python benchmarks/cfa.py [--n 10000] [--repeat 5]

Times, in the same run and on the same simulated data (12 items on a 1–7 scale, four correlated
factors, two groups of equal measurement):

* goalscope ``cfa`` (model resolution, listwise deletion, ML fit, every fit index of the issue:
  χ², df, p, CFI, TLI, RMSEA + 90% CI, SRMR, AIC, BIC, the estimates table with SEs and std_all);
* semopy's own ``Model.fit`` alone and ``Model.fit`` + ``calc_stats`` (its fit indices);
* when ``Rscript`` with lavaan is on the PATH: lavaan ``cfa`` + ``fitMeasures`` (R reads the data
  from a temporary CSV first; reading is not timed);
* the invariance ladder (configural, metric, scalar, strict with all fit indices) by goalscope
  ``invariance`` and by four lavaan ``cfa(group.equal = …)`` + ``fitMeasures`` calls.

Best of ``--repeat`` runs each. Speed is reported here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import warnings

import numpy as np
import pandas as pd

from analysis.psychometrics import cfa, invariance
from score import best_of  # benchmarks/score.py (this folder is on sys.path when run as a script)

ITEMS = [f"AGQ_{i}" for i in range(1, 13)]
SCALES = {"performance_approach": [1, 2, 3], "mastery_avoidance": [4, 5, 6], "mastery_approach": [7, 8, 9],
          "performance_avoidance": [10, 11, 12]}
MODEL = "\n".join(f"{s} =~ " + " + ".join(f"AGQ_{i}" for i in items) for s, items in SCALES.items())

R_CODE = r"""
suppressPackageStartupMessages(library(lavaan))
d <- read.csv("{path}")
model <- '{model}'
fm <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "aic", "bic")
best <- function(expr, k) {{ b <- Inf; for (r in 1:k) b <- min(b, system.time(eval(expr))[["elapsed"]]); b }}
t1 <- best(quote({{ f <- cfa(model, data = d); fitMeasures(f, fm) }}), {repeat})
steps <- list("", "loadings", c("loadings", "intercepts"), c("loadings", "intercepts", "residuals"))
t2 <- best(quote(for (ge in steps) {{ f <- cfa(model, data = d, group = "group", group.equal = ge); fitMeasures(f, fm) }}), {repeat})
f <- cfa(model, data = d)
cat(t1, t2, fitMeasures(f, "chisq"), "\n")
"""


def make_data(n: int, seed: int = 2026) -> pd.DataFrame:
    """Four correlated goal factors (r = .3 to .5), loadings .6–.8, answers rounded to 1–7."""
    rng = np.random.default_rng(seed)
    phi = np.array([[1, .3, .4, .5], [.3, 1, .3, .4], [.4, .3, 1, .3], [.5, .4, .3, 1]])
    f = rng.multivariate_normal(np.zeros(4), phi, size=n)
    lam = np.zeros((12, 4))
    for j, items in enumerate(SCALES.values()):
        lam[np.array(items) - 1, j] = rng.uniform(0.6, 0.8, 3)
    x = f @ lam.T + rng.normal(scale=0.6, size=(n, 12))
    x = np.clip(np.round(4 + 1.2 * x), 1, 7)
    df = pd.DataFrame(x, columns=ITEMS)
    df["group"] = np.where(rng.random(n) < 0.5, "a", "b")
    return df


def time_semopy(df: pd.DataFrame, repeat: int) -> tuple[float, float, float]:
    import semopy

    data = df[ITEMS]

    def bare():
        semopy.Model(MODEL).fit(data)

    def with_stats():
        m = semopy.Model(MODEL)
        m.fit(data)
        return semopy.calc_stats(m)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chisq = float(with_stats()["chi2"].iloc[0])
        return best_of(bare, repeat), best_of(with_stats, repeat), chisq


def time_lavaan(df: pd.DataFrame, repeat: int):
    if not shutil.which("Rscript"):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "agq.csv")
        df.to_csv(path, index=False)
        code = R_CODE.format(path=path, model=MODEL, repeat=repeat)
        run = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, timeout=1800)
    if run.returncode != 0:
        print("lavaan run failed:", run.stderr[-500:])
        return None
    t1, t2, chisq = map(float, run.stdout.split())
    return t1, t2, chisq


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    df = make_data(args.n)

    ours = cfa(df, MODEL)                                    # warm-up, and the numbers to compare
    t_ours = best_of(lambda: cfa(df, MODEL), args.repeat)
    ladder = invariance(df, MODEL, "group", stop=False)
    t_ladder = best_of(lambda: invariance(df, MODEL, "group", stop=False), args.repeat)
    t_sem_bare, t_sem_stats, sem_chisq = time_semopy(df, args.repeat)
    lav = time_lavaan(df, args.repeat)

    print(f"2x2 AGQ model, N = {args.n:,}, 12 items, best of {args.repeat}")
    print(f"  goalscope cfa (fit + all indices + estimates)  {t_ours * 1000:8.1f} ms   "
          f"chi2 = {ours.fit_indices['chisq']:.4f}, {ours.iterations} Fisher-scoring iterations")
    print(f"  semopy Model.fit                                {t_sem_bare * 1000:8.1f} ms   "
          f"ratio goalscope/semopy = {t_ours / t_sem_bare:.2f}")
    print(f"  semopy Model.fit + calc_stats                   {t_sem_stats * 1000:8.1f} ms   chi2 = {sem_chisq:.4f}")
    if lav:
        print(f"  lavaan cfa + fitMeasures                        {lav[0] * 1000:8.1f} ms   "
              f"chi2 = {lav[2]:.4f}; lavaan/goalscope = {lav[0] / t_ours:.2f}x")
    print(f"invariance ladder (4 steps, 2 groups): level reached = {ladder.level}")
    print(f"  goalscope invariance                            {t_ladder * 1000:8.1f} ms")
    if lav:
        print(f"  lavaan 4 x cfa(group.equal) + fitMeasures       {lav[1] * 1000:8.1f} ms   "
              f"lavaan/goalscope = {lav[1] / t_ladder:.2f}x")
    else:
        print("  (Rscript with lavaan not found: lavaan not timed)")


if __name__ == "__main__":
    main()

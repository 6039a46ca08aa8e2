"""Benchmark: team agreement and ICC for 100,000 employees in 5,000 teams x 11 items (1-5).

    .venv/bin/python benchmarks/teams.py [--n 100000] [--teams 5000] [--repeat 3] [--r-icc-n 10000]

Times goalscope's `rwg_j`, `ad_m`, the full `agreement` table (r_wg(j), r*_wg(j), AD_M, AD_Md,
a_wg) and `icc` (ICC(1)/ICC(2) of all 11 items), and, when Rscript with multilevel is on the PATH,
multilevel's `rwg.j` and `ad.m` on the same data in the same run (the data are written to a
temporary CSV that R reads; R's reading time is not counted). multilevel's ICC goes through
`aov`, which builds a dense N x G design matrix: at 100,000 x 5,000 it did not finish in
15 minutes, so R's ICC is timed at a smaller size (--r-icc-n people, same mean team size) and
our ICC is timed at both sizes. Memory: tracemalloc peak of `agreement` and `icc` at N/4, N/2 and
N (linear in N means the peak per person stays flat). Speed is reported, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import tracemalloc

import numpy as np
import pandas as pd

from analysis.teams import ad_m, agreement, icc, rwg_j
from score import best_of  # benchmarks/score.py (this folder is on sys.path when run as a script)

ITEMS = [f"i{j}" for j in range(1, 12)]

R_CODE = r"""
suppressPackageStartupMessages(library(multilevel))
d <- read.csv("{path}")
x <- d[, paste0("i", 1:11)]
best <- function(expr, k) {{ b <- Inf; for (r in 1:k) b <- min(b, system.time(eval(expr))[["elapsed"]]); b }}
t_rwgj <- best(quote(rwg.j(x, d$team, ranvar = 2)), {repeat})
t_adm <- best(quote(ad.m(x, d$team)), {repeat})
s <- d[d$team <= {r_icc_teams}, ]
t_icc <- best(quote({{ m <- aov(i1 ~ as.factor(team), s); ICC1(m); ICC2(m) }}), {repeat})
cat(t_rwgj, t_adm, t_icc, nrow(s), "\n")
"""


def make_data(n: int, teams: int, seed: int = 1) -> pd.DataFrame:
    """Team effect + person noise on 11 items, cut to 1-5; unequal team sizes."""
    rng = np.random.default_rng(seed)
    team = np.sort(rng.integers(0, teams, n)) + 1
    climate = rng.normal(0, 0.5, teams + 1)[team]
    x = climate[:, None] + rng.normal(0, 1, (n, 11))
    x = np.clip(np.round(x + 3), 1, 5)
    df = pd.DataFrame(x, columns=ITEMS)
    df.insert(0, "team", team)
    return df


def peak_bytes(fn) -> int:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def r_times(df: pd.DataFrame, r_icc_teams: int, repeat: int):
    if not shutil.which("Rscript"):
        return None
    fd, path = tempfile.mkstemp(suffix=".csv")
    os.close(fd)
    try:
        df.to_csv(path, index=False)
        code = R_CODE.format(path=path, repeat=repeat, r_icc_teams=r_icc_teams)
        res = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True)
    finally:
        os.unlink(path)
    if res.returncode != 0:
        print("R failed:", res.stderr.strip().splitlines()[-1:])
        return None
    t_rwgj, t_adm, t_icc, n_small = res.stdout.split()
    return float(t_rwgj), float(t_adm), float(t_icc), int(n_small)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--teams", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--r-icc-n", type=int, default=10_000, help="people in R's (aov) ICC timing")
    args = ap.parse_args()
    df = make_data(args.n, args.teams).sample(frac=1.0, random_state=2).reset_index(drop=True)  # rows not sorted by team
    r_icc_teams = max(2, round(args.teams * args.r_icc_n / args.n))
    small = df[df["team"] <= r_icc_teams]

    t_rwgj = best_of(lambda: rwg_j(df, ITEMS, "team", 5), args.repeat)
    t_adm = best_of(lambda: ad_m(df, ITEMS, "team"), args.repeat)
    t_all = best_of(lambda: agreement(df, ITEMS, "team", 5), args.repeat)
    t_icc = best_of(lambda: icc(df, ITEMS, "team"), args.repeat)
    t_icc1 = best_of(lambda: icc(df, "i1", "team"), args.repeat)
    t_icc_small = best_of(lambda: icc(small, "i1", "team"), args.repeat)
    mem = []
    for frac in (4, 2, 1):
        part = df.iloc[: args.n // frac]
        mem.append((len(part), peak_bytes(lambda: agreement(part, ITEMS, "team", 5)),
                    peak_bytes(lambda: icc(part, ITEMS, "team"))))

    print(f"employees x teams x items : {args.n:,} x {df['team'].nunique():,} x 11 (1-5)")
    print(f"goalscope rwg_j           : {t_rwgj:.4f} s")
    print(f"goalscope ad_m            : {t_adm:.4f} s")
    print(f"goalscope agreement (all) : {t_all:.4f} s   (rwg_j, rwg_j_lindell, ad_m, ad_md, awg)")
    print(f"goalscope icc, 1 item     : {t_icc1:.4f} s")
    print(f"goalscope icc, 11 items   : {t_icc:.4f} s")
    print(f"goalscope icc at {len(small):,}     : {t_icc_small:.4f} s")
    for n, pa, pi in mem:
        print(f"peak memory at N={n:>7,} : agreement {pa / 2**20:6.1f} MiB ({pa / n:5.0f} B/person), "
              f"icc {pi / 2**20:5.1f} MiB ({pi / n:4.0f} B/person)")
    rt = r_times(df, r_icc_teams, args.repeat)
    if rt is None:
        print("multilevel (R)            : Rscript with multilevel not found; no ratio")
        return
    r_rwgj, r_adm, r_icc, n_small = rt
    print(f"multilevel rwg.j          : {r_rwgj:.3f} s  -> rwg_j is {r_rwgj / t_rwgj:.0f}x faster; "
          f"the whole agreement table {r_rwgj / t_all:.0f}x")
    print(f"multilevel ad.m           : {r_adm:.3f} s  -> ad_m is {r_adm / t_adm:.0f}x faster")
    print(f"multilevel ICC1/ICC2(aov) : {r_icc:.3f} s at {n_small:,} people in {r_icc_teams} teams "
          f"-> icc is {r_icc / t_icc_small:.0f}x faster at that size")
    print(f"multilevel ICC at {args.n:,}: not run (aov's dense design matrix did not finish in 15 min)")


if __name__ == "__main__":
    main()

"""Benchmark: goalscope's power_mediation against a plain per-replication R loop.

power_mediation(a=.2, b=.2, n=200, n_rep=1000, n_draws=10000) — Monte Carlo CI for a·b — next to the
same computation written as researchers write it in R (per replication: simulate, lm twice,
MASS::mvrnorm draws of a and b, percentile CI of their product), run in the same session through
Rscript. Both timings exclude start-up (R's is measured inside R with proc.time). Prints both
timings, the ratio and the two powers, and exits non-zero when the ratio is below 20x or the powers
differ by more than 3 Monte Carlo SEs.

Run:  .venv/bin/python benchmarks/power.py [--repeat 3] [--seed 1]
"""

from __future__ import annotations

import argparse
import math
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.findings.power_montecarlo import power_mediation  # noqa: E402

R_LOOP = r"""
suppressPackageStartupMessages(library(MASS))
args <- as.numeric(commandArgs(trailingOnly = TRUE))
a <- args[1]; b <- args[2]; n <- args[3]; n_rep <- args[4]; n_draws <- args[5]; set.seed(args[6])
t0 <- proc.time()[["elapsed"]]
hit <- logical(n_rep)
for (i in seq_len(n_rep)) {
  x <- rnorm(n)
  m <- a * x + rnorm(n, sd = sqrt(1 - a^2))
  y <- b * m + rnorm(n, sd = sqrt(1 - b^2))
  f1 <- summary(lm(m ~ x))$coefficients
  f2 <- summary(lm(y ~ x + m))$coefficients
  d <- mvrnorm(n_draws, c(f1["x", 1], f2["m", 1]), diag(c(f1["x", 2]^2, f2["m", 2]^2)))
  ci <- quantile(d[, 1] * d[, 2], c(.025, .975))
  hit[i] <- ci[1] > 0 || ci[2] < 0
}
cat(sprintf("%.10f %.6f\n", mean(hit), proc.time()[["elapsed"]] - t0))
"""


def run_r(a, b, n, n_rep, n_draws, seed) -> tuple[float, float]:
    rscript = shutil.which("Rscript")
    if rscript is None:
        raise SystemExit("Rscript not found: install R with the MASS package to run this benchmark")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "power_loop.R"
        script.write_text(R_LOOP, encoding="utf-8")
        proc = subprocess.run([rscript, str(script), str(a), str(b), str(n), str(n_rep), str(n_draws), str(seed)],
                              capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"the R loop failed:\n{proc.stderr}")
    out = proc.stdout.split()
    return float(out[0]), float(out[1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--a", type=float, default=0.2)
    ap.add_argument("--b", type=float, default=0.2)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--n-rep", type=int, default=1000)
    ap.add_argument("--n-draws", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    power_mediation(args.a, args.b, n=args.n, n_rep=20, n_draws=args.n_draws, seed=0, progress=False)  # warm-up
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        ours = power_mediation(args.a, args.b, n=args.n, n_rep=args.n_rep, n_draws=args.n_draws, seed=args.seed,
                               progress=False)
        times.append(time.perf_counter() - t)
    t_ours = min(times)
    r_runs = [run_r(args.a, args.b, args.n, args.n_rep, args.n_draws, args.seed + i) for i in range(args.repeat)]
    t_r = min(t for _, t in r_runs)
    p_r = r_runs[0][0]
    se_r = math.sqrt(p_r * (1 - p_r) / args.n_rep)
    diff_se = abs(ours.power - p_r) / math.sqrt(ours.se ** 2 + se_r ** 2)
    ratio = t_r / t_ours
    print(f"power_mediation(a={args.a:g}, b={args.b:g}, n={args.n}, n_rep={args.n_rep}, n_draws={args.n_draws}) "
          f"(best of {args.repeat})")
    print(f"goalscope power_mediation:  {t_ours:8.3f} s   power {ours.power:.4f} (MC SE {ours.se:.4f})")
    print(f"R loop (lm, MASS::mvrnorm):  {t_r:8.3f} s   power {p_r:.4f} (MC SE {se_r:.4f})")
    print(f"ratio:                       {ratio:8.1f}x")
    print(f"difference in MC SEs:        {diff_se:8.2f}")
    ok = ratio >= 20 and diff_se <= 3
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: `goalscope score` as a whole process against Rscript with fread + scoreFast + fwrite.

    .venv/bin/python benchmarks/end_to_end.py [--n 1000000] [--repeat 3]

Writes a survey export of --n respondents x 12 AGQ-R items (answers 1-5, 5 % empty cells; seeded)
to a temporary folder, then times, in the same run and taking the best of --repeat, two whole
processes that read it, score the four AGQ-R scales (means of three items, at least two answered)
and write the scores as CSV:

* ``python -m analysis score FILE --instrument agq-r --columns "AGQ_{n}" -o scores.csv``
  (start-up and imports included; ``analysis`` compiled to bytecode beforehand, as an installed
  package is, even where ``PYTHONDONTWRITEBYTECODE`` is set);
* ``Rscript`` with ``data.table::fread``, ``psych::scoreFast`` and ``data.table::fwrite``.

Prints both wall and CPU (user + sys) times and their ratios (issue 22 asks goalscope to be at
least 2x faster): on a loaded machine CPU time says more than wall time. Skips the R side, saying
so, when Rscript or the data.table / psych packages are absent. Speed is reported as ratios,
never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

R_CODE = r"""
suppressMessages({ library(data.table); library(psych) })
x <- fread(commandArgs(TRUE)[1])
keys <- list(mastery_approach = c("AGQ_1", "AGQ_3", "AGQ_7"), performance_approach = c("AGQ_2", "AGQ_4", "AGQ_8"),
             mastery_avoidance = c("AGQ_5", "AGQ_9", "AGQ_11"), performance_avoidance = c("AGQ_6", "AGQ_10", "AGQ_12"))
s <- scoreFast(keys, as.matrix(x), min = 1, max = 5)
fwrite(as.data.table(s), commandArgs(TRUE)[2])
"""
R_CHECK = 'suppressMessages({ library(data.table); library(psych) }); cat("ok")'


def write_export(path: Path, n: int, seed: int = 22) -> Path:
    """n respondents x 12 answers 1-5, 5 % of cells empty."""
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, size=(n, 12)).astype(float)
    x[rng.random(x.shape) < 0.05] = np.nan
    pd.DataFrame(x, columns=[f"AGQ_{j}" for j in range(1, 13)]).to_csv(path, index=False, float_format="%.0f",
                                                                         lineterminator="\n")
    return path


def best_of(cmd: list[str], repeat: int, env=None) -> tuple[float, float]:
    """The best wall time and the best CPU time (user + sys of the process and its children) of repeat runs."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, text=True, env=env)
        took = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if res.returncode != 0:
            raise SystemExit(f"{' '.join(cmd[:4])} … failed:\n{res.stderr}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_wall, best_cpu = min(best_wall, took), min(best_cpu, cpu)
    return best_wall, best_cpu


def r_available() -> str | None:
    """None when Rscript with data.table and psych runs, else why not."""
    if not shutil.which("Rscript"):
        return "Rscript is not on the PATH"
    res = subprocess.run(["Rscript", "-e", R_CHECK], capture_output=True, text=True)
    if res.stdout.strip() != "ok":
        return "R lacks data.table or psych (" + (res.stderr.strip().splitlines() or ["?"])[-1] + ")"
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryDirectory() as tmp:
        # as an installed package runs: its modules compiled once (pip compiles them on install, as R
        # byte-compiles packages), here into the temporary folder, so no run compiles them again
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "analysis")], env=env, check=True)
        data = write_export(Path(tmp) / "agq.csv", args.n)
        ours = [sys.executable, "-m", "analysis", "score", str(data), "--instrument", "agq-r", "--columns", "AGQ_{n}",
                "-o", str(Path(tmp) / "scores.csv")]
        t_ours, c_ours = best_of(ours, args.repeat, env)
        print(f"goalscope score, {args.n:,} x 12, whole process: {t_ours:.2f} s wall, {c_ours:.2f} s CPU")
        why = r_available()
        if why:
            print(f"R side skipped: {why}")
            return
        script = Path(tmp) / "score.R"
        script.write_text(R_CODE)
        t_r, c_r = best_of(["Rscript", str(script), str(data), str(Path(tmp) / "scores_r.csv")], args.repeat)
        print(f"Rscript fread + scoreFast + fwrite, whole process: {t_r:.2f} s wall, {c_r:.2f} s CPU")
        print(f"ratio R / goalscope, wall: {t_r / t_ours:.2f}; CPU: {c_r / c_ours:.2f} (issue 22 asks >= 2)")


if __name__ == "__main__":
    main()

"""Benchmark: `goalscope run` on the demo with every declared analysis (5,000 bootstrap resamples).

Timed on a second run into fresh output folders (the first run warms only what an installed
environment caches: imported modules, compiled regexes), with the time per stage so the slow one is
visible. Target (issue 12): at most 20 s on a 2-core machine; the notebooks at most 90 s together.

    .venv/bin/python benchmarks/report.py [--notebooks]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notebooks", action="store_true", help="also time executing every notebook")
    args = ap.parse_args()
    from analysis.study import run_study

    study = ROOT / "data" / "raw" / "demo" / "study.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        run_study(study, processed_dir=Path(tmp) / "p1", reports_dir=Path(tmp) / "r1")      # warm-up
        t0 = time.perf_counter()
        res = run_study(study, processed_dir=Path(tmp) / "p2", reports_dir=Path(tmp) / "r2")
        total = time.perf_counter() - t0
    print(f"goalscope run demo (second run, fresh folders): {total:.2f} s (target <= 20 s)")
    for stage, sec in sorted(res.timings.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:<34} {sec:7.2f} s")
    if args.notebooks:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "scripts" / "run_notebooks.py")], check=True, cwd=ROOT)
        print(f"all notebooks: {time.perf_counter() - t0:.1f} s (target <= 90 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

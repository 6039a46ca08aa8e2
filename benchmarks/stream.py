"""Benchmark: peak memory of `goalscope score` read in chunks against the file read whole.

    .venv/bin/python benchmarks/stream.py [--n 1000000] [--chunk-rows 0] [--no-whole]
    .venv/bin/python benchmarks/stream.py --run [--n 100000] [--extra 1000]

Writes a survey export of --n respondents x 12 AGQ-R items with an id column (answers 1-5, 5 %
empty cells, 1 % the missing code -99; seeded, ``end_to_end.write_export``'s answers) to a temporary
folder, then runs in the same run two whole processes, each in its own child so that
``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` is that process's peak resident memory:

* ``python -m analysis score FILE ... --chunk-rows 0`` (the file read whole);
* the same with ``--chunk-rows N`` (default: the automatic size, 1,000,000 cells).

Prints, for each, the peak RSS and the time, the per-row cost of the whole read ((peak - the chunked
run's peak) / n), and whether the scores and audit files are byte-identical. The chunked run's peak
does not grow with the file: a chunk's records and frame, plus the interpreter and its imports.
With ``--no-whole`` only the chunked run is made: ``--n 145000000`` writes a 5 GB export, more than
the whole read could hold on most machines.

``--run`` measures ``goalscope run`` instead, on a PISA-shaped study: the pisa_demo study file over an
export of --n students made from ``data/raw/pisa_demo/responses.csv`` (its 600 rows repeated, each
student given a new id) with --extra further questionnaire columns of one-digit answers (seeded),
as PISA's student file has more than a thousand columns of which a study reads a few. It runs
``goalscope run`` with ``--chunk-rows 0`` (read whole) and with ``--chunk-rows N`` (only the columns
the study reads are kept), and says whether the two processed folders and reports are byte-identical.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CHILD = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")


#: rows generated and written at a time (a file larger than memory is written block by block)
BLOCK = 1_000_000


def write_export(path: Path, n: int, seed: int = 22) -> Path:
    """n respondents (id r0000001 ...) x 12 answers 1-5, 5 % empty, 1 % -99, in blocks of BLOCK rows
    drawn one after another from one seeded generator."""
    rng = np.random.default_rng(seed)
    with open(path, "w", newline="") as f:
        for start in range(0, n, BLOCK):
            m = min(BLOCK, n - start)
            x = rng.integers(1, 6, size=(m, 12)).astype(float)
            u = rng.random(x.shape)
            x[u < 0.05] = np.nan
            x[(u >= 0.05) & (u < 0.06)] = -99
            if start == 0:
                f.write(",".join(["pid"] + [f"AGQ_{j}" for j in range(1, 13)]) + "\n")
            f.write(_lines(x, start))
    return path


def _lines(x: np.ndarray, start: int) -> str:
    """The rows of x as CSV text (what ``to_csv(float_format="%.0f")`` writes), built in pyarrow: each
    answer's text made once and taken by its code."""
    import pyarrow as pa
    import pyarrow.compute as pc

    words = pa.array(["", "1", "2", "3", "4", "5", "-99"])
    codes = np.where(np.isnan(x), 0, np.where(x == -99, 6, np.nan_to_num(x))).astype(np.int64)
    ids = pa.array([f"r{i:09d}" for i in range(start + 1, start + len(x) + 1)])
    cols = [pc.take(words, pa.array(codes[:, j])) for j in range(x.shape[1])]
    return "".join(s + "\n" for s in pc.binary_join_element_wise(ids, *cols, ",").to_pylist())


def write_pisa_study(folder: Path, n: int, extra: int, seed: int = 23) -> Path:
    """The pisa_demo study file and an export of ``n`` students x (pisa_demo's columns + ``extra``) in
    ``folder``; returns the study file."""
    demo = ROOT / "data" / "raw" / "pisa_demo"
    header, *rows = (demo / "responses.csv").read_text().splitlines()
    rest = [line.split(",", 1)[1] for line in rows]          # everything after the student id
    rng = np.random.default_rng(seed)
    with open(folder / "responses.csv", "w", newline="") as f:
        f.write(header + "".join(f",ST{j:04d}" for j in range(1, extra + 1)) + "\n")
        for start in range(0, n, 10_000):
            m = min(10_000, n - start)
            cells = np.full((m, 2 * extra), ord(","), dtype=np.uint8)
            cells[:, 0::2] = rng.integers(ord("1"), ord("5"), size=(m, extra), dtype=np.uint8)
            text = cells.tobytes().decode("ascii")
            width = 2 * extra
            f.write("".join(f"S{start + i + 1:07d},{rest[(start + i) % len(rest)]}{text[i * width:(i + 1) * width]}\n"
                            for i in range(m)))
    study = (demo / "study.yaml").read_text()
    (folder / "study.yaml").write_text(study)
    return folder / "study.yaml"


def _folder_bytes(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run_benchmark(n: int, extra: int, chunk_rows: int) -> None:
    """``goalscope run`` on a PISA-shaped export read whole and read in chunks (module docstring)."""
    from analysis.io.chunks import default_chunk_rows

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        study = write_pisa_study(tmp, n, extra)
        size = (tmp / "responses.csv").stat().st_size / 1e6
        rows = chunk_rows or default_chunk_rows(112 + extra)
        out = {}
        for name, k in (("whole", 0), ("chunked", rows)):
            # both runs write into folders of one name (moved aside after), so that the reports name the same paths
            out[name] = peak([sys.executable, "-m", "analysis", "run", str(study), "--processed", str(tmp / "p"),
                              "--reports", str(tmp / "r"), "--chunk-rows", str(k), "--no-progress"])
            (tmp / "p").rename(tmp / f"p_{name}")
            (tmp / "r").rename(tmp / f"r_{name}")
        same = all(_folder_bytes(tmp / f"{d}_whole") == _folder_bytes(tmp / f"{d}_chunked") for d in ("p", "r"))
    print(f"export: {n:,} students x {112 + extra:,} columns ({extra:,} not read by the study), {size:,.0f} MB")
    print(f"goalscope run, read whole        : peak RSS {out['whole'][0]:8.0f} MB  {out['whole'][1]:6.1f} s")
    print(f"goalscope run, chunks of {rows:,} rows: peak RSS {out['chunked'][0]:8.0f} MB  {out['chunked'][1]:6.1f} s")
    print(f"outputs (processed folder and report) byte-identical: {same}")


def peak(cmd: list[str]) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of ``cmd`` run as a child of a fresh Python."""
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", CHILD, *cmd], capture_output=True, text=True)
    took = time.perf_counter() - t0
    kb, code = res.stdout.split()[-2:]
    if code != "0":
        raise SystemExit(f"{' '.join(cmd[:6])} … failed:\n{res.stderr}")
    return int(kb) / 1024, took


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--chunk-rows", type=int, default=0, help="rows per chunk (default: the automatic size)")
    ap.add_argument("--no-whole", action="store_true",
                    help="run only the chunked read (a file larger than memory: e.g. --n 150000000, about 5 GB)")
    ap.add_argument("--run", action="store_true", help="measure goalscope run on a PISA-shaped study instead")
    ap.add_argument("--extra", type=int, default=1000, help="--run: questionnaire columns the study does not read")
    args = ap.parse_args(argv)
    if args.run:
        run_benchmark(100_000 if args.n == 1_000_000 else args.n, args.extra, args.chunk_rows)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        f = write_export(tmp / "export.csv", args.n)
        size = f.stat().st_size / 1e6
        base = [sys.executable, "-m", "analysis", "score", str(f), "--instrument", "agq-r", "--columns", "AGQ_{n}",
                "--missing", "-99", "--id-column", "pid", "--on-invalid", "missing"]
        whole_mb = whole_s = None
        if not args.no_whole:
            whole_mb, whole_s = peak([*base, "--chunk-rows", "0", "-o", str(tmp / "whole.csv")])
        rows = str(args.chunk_rows) if args.chunk_rows else None
        # the automatic size is what a file above the threshold gets; --chunk-rows names it explicitly here
        from analysis.io.chunks import default_chunk_rows

        rows = rows or str(default_chunk_rows(13))
        chunk_mb, chunk_s = peak([*base, "--chunk-rows", rows, "-o", str(tmp / "chunked.csv")])
        same = whole_mb is not None and all((tmp / f"whole{s}").read_bytes() == (tmp / f"chunked{s}").read_bytes()
                                            for s in (".csv", ".audit.csv"))
        scored = sum(1 for _ in open(tmp / "chunked.csv", "rb")) - 1
    print(f"export: {args.n:,} rows x 13 columns, {size:,.0f} MB; {scored:,} rows scored in chunks")
    if whole_mb is not None:
        print(f"read whole       : peak RSS {whole_mb:8.0f} MB  {whole_s:6.1f} s")
    print(f"chunks of {int(rows):,} rows: peak RSS {chunk_mb:8.0f} MB  {chunk_s:6.1f} s")
    if whole_mb is not None:
        print(f"whole read costs {(whole_mb - chunk_mb) * 1e6 / args.n:,.0f} bytes a row above the chunked run; "
              f"outputs byte-identical: {same}")


if __name__ == "__main__":
    main()

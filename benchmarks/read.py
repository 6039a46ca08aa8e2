"""Benchmark: read_responses against pandas.read_csv on survey exports of 55 columns.

    .venv/bin/python benchmarks/read.py [--rows 100000 1000000] [--repeat 3]

For each size, writes two files to a temporary folder (seeded): a clean one (an id column and 54
integer answers 1-5, unquoted) and the same table fully quoted, as survey tools export it. Times,
in the same run and taking the best of --repeat: ``read_responses`` and ``pandas.read_csv`` on the
clean file, ``read_responses`` and ``pandas.read_csv(dtype=str)`` on the quoted one. Prints the four
ratios (issue 22 asks for at most 1.5 each). Speed is reported as ratios, never asserted in tests.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import read_responses
from score import best_of          # benchmarks/score.py: best of n timed runs

ITEMS = 54


def write_export(path: Path, n: int, quoted: bool, seed: int = 22) -> Path:
    """An id column and 54 answers 1-5, unquoted or every field quoted."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(rng.integers(1, 6, size=(n, ITEMS)), columns=[f"q{j}" for j in range(1, ITEMS + 1)])
    df.insert(0, "id", [f"R{i:07d}" for i in range(1, n + 1)])
    df.to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_ALL if quoted else csv.QUOTE_MINIMAL)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'file':<22}{'goalscope s':>12}{'pandas s':>10}{'ratio':>7}  peer")
        for n in args.rows:
            for quoted, peer, kw in ((False, "pandas.read_csv", {}), (True, "pandas.read_csv(dtype=str)", {"dtype": str})):
                f = write_export(Path(tmp) / f"{'quoted' if quoted else 'clean'}_{n}.csv", n, quoted)
                ours = read_responses(f, id_column="id")
                assert ours.shape == (n, ITEMS + 1) and (ours.dtypes.iloc[1:] == np.int64).all()
                t_ours = best_of(lambda: read_responses(f, id_column="id"), args.repeat)
                t_peer = best_of(lambda: pd.read_csv(f, **kw), args.repeat)
                print(f"{f.name:<22}{t_ours:>12.3f}{t_peer:>10.3f}{t_ours / t_peer:>7.2f}  {peer}")
                f.unlink()


if __name__ == "__main__":
    main()

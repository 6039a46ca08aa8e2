"""Benchmark: scoring and team statistics of 10 million respondents, on Dask and in memory.

    .venv/bin/python benchmarks/dask_teams.py [--n 10000000] [--teams 200000] [--partitions 10] [--workers 2]

A seeded synthetic survey (team, four 1-5 items of one climate scale with 2% of the answers
missing; 200,000 teams of unequal size, about 50 people on average) is written to a temporary folder as Parquet partitions. The same job
then runs twice in one process:

- in memory: ``pandas.read_parquet`` of the folder, ``score``, then ``aggregate`` of the score by
  team, ``icc`` of the score and ``rwg_j`` of the four items;
- on Dask: the folder given to ``score_partitions`` and to the same ``aggregate``, ``icc`` and
  ``rwg_j`` calls, on a ``distributed.LocalCluster`` (``--workers`` single-threaded workers in
  this process).

Both wall times are printed, with the largest difference between the two results for scores,
team means and SDs, ICC(1), ICC(2) and r_wg(j) (the Dask path must equal memory to 1e-12: the exit
status is 1 otherwise). The organisation row is one unit of all n people: summing n numbers one by
one (``np.bincount``, the in-memory path) rounds by about 1e-12 of the SD at a million people and
more at ten million, while the partitions' shorter sums round less; its SD is therefore set against
the SD from exactly rounded sums (``math.fsum``), and both paths' distances from it are printed. Dask is not expected to beat memory on one machine that holds the data: it is
there for data that do not fit, or a cluster (``distributed.Client("tcp://scheduler:8786")``).
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import aggregate, icc, instrument_from_dict, rwg_j, score, score_partitions

ITEMS = ["q1", "q2", "q3", "q4"]
KEY = {"id": "climate4", "name": "Team climate (4 items, synthetic)", "response": {"min": 1, "max": 5},
       "scales": {"climate": {"items": [1, 2, 3, 4], "method": "mean", "min_valid": 3}}}


def write_survey(folder: Path, n: int, teams: int, partitions: int, seed: int = 2026) -> None:
    """``partitions`` Parquet files of about n / partitions rows each (seed + partition number)."""
    folder.mkdir()
    bounds = np.linspace(0, n, partitions + 1).astype(np.int64)
    base = np.random.default_rng(seed)
    climate = base.normal(0, 0.5, teams)
    size = base.gamma(2.0, 1.0, teams)                # unequal team sizes (a team's expected size ∝ size)
    for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
        rng = np.random.default_rng(seed + 1 + i)
        team = rng.choice(teams, b - a, p=size / size.sum())
        x = np.clip(np.round(climate[team][:, None] + rng.normal(3, 1, (b - a, 4))), 1, 5)
        x[rng.random(x.shape) < 0.02] = np.nan
        part = pd.DataFrame(x, columns=ITEMS, index=pd.RangeIndex(a, b))
        part.insert(0, "team", team.astype(np.int64))
        part.to_parquet(folder / f"part.{i}.parquet")


def job(data, key):
    """The same calls for both: scores, then team means, ICC and r_wg(j)."""
    if isinstance(data, pd.DataFrame):
        scores = score(data, key, columns="q{n}").scores
        frame = data.assign(climate=scores["climate"])
    else:
        import dask.dataframe as dd

        scored = score_partitions(data, key, columns="q{n}")
        frame_dd = dd.read_parquet(str(data))
        frame = frame_dd.assign(climate=scored.scores["climate"])
        scores = scored.scores
    return {"scores": scores, "aggregate": aggregate(frame, "climate", "team"),
            "icc": icc(frame, "climate", "team").table(), "rwg_j": rwg_j(frame, ITEMS, "team", 5).table()}


def largest_difference(a: pd.Series, b: pd.Series) -> float:
    x, y = a.to_numpy(float), b.to_numpy(float)
    both = np.isnan(x) & np.isnan(y)
    if (np.isnan(x) != np.isnan(y)).any() or len(x) != len(y):
        return np.inf
    return float(np.max(np.abs(np.where(both, 0.0, x - y)), initial=0.0))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--teams", type=int, default=200_000)
    ap.add_argument("--partitions", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    from distributed import Client, LocalCluster

    key = instrument_from_dict(KEY)
    where = Path(tempfile.mkdtemp(prefix="goalscope-dask-"))
    try:
        folder = where / "survey"
        t0 = time.perf_counter()
        write_survey(folder, args.n, args.teams, args.partitions)
        print(f"synthetic survey          : {args.n:,} rows, {args.partitions} Parquet partitions "
              f"({time.perf_counter() - t0:.1f} s to write)")

        t0 = time.perf_counter()
        memory = job(pd.read_parquet(folder), key)
        t_memory = time.perf_counter() - t0

        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=False,
                          dashboard_address=None) as cluster, Client(cluster):
            t0 = time.perf_counter()
            on_dask = job(folder, key)
            on_dask["scores"] = on_dask["scores"].compute()
            t_dask = time.perf_counter() - t0

        agg_m, agg_d = memory["aggregate"], on_dask["aggregate"]
        teams_m, teams_d = agg_m[agg_m["level"] == "team"], agg_d[agg_d["level"] == "team"]
        diffs = {
            "scores": largest_difference(on_dask["scores"]["climate"].sort_index(), memory["scores"]["climate"]),
            "team means": largest_difference(teams_d["mean"], teams_m["mean"]),
            "team SDs": largest_difference(teams_d["sd"], teams_m["sd"]),
            "ICC(1)": largest_difference(on_dask["icc"]["icc1"], memory["icc"]["icc1"]),
            "ICC(2)": largest_difference(on_dask["icc"]["icc2"], memory["icc"]["icc2"]),
            "r_wg(j)": largest_difference(on_dask["rwg_j"]["rwg_j"], memory["rwg_j"]["rwg_j"]),
        }
        same_units = agg_d["unit"].tolist() == agg_m["unit"].tolist() and \
            on_dask["rwg_j"]["group"].tolist() == memory["rwg_j"]["group"].tolist()
        # the organisation is one unit of n people: both paths round while summing n numbers, so
        # both are set against the SD from exactly rounded sums (math.fsum)
        y = memory["scores"]["climate"].dropna().to_numpy()
        mean = math.fsum(y) / len(y)
        exact_sd = math.sqrt(math.fsum((y - mean) ** 2) / (len(y) - 1))
        sd_m, sd_d = float(agg_m["sd"].iloc[0]), float(agg_d["sd"].iloc[0])
        print(f"teams                     : {len(teams_m):,} (ICC(1) = {memory['icc']['icc1'][0]:.4f}, "
              f"ICC(2) = {memory['icc']['icc2'][0]:.4f})")
        print(f"in memory                 : {t_memory:.1f} s  (read_parquet, score, aggregate, icc, rwg_j)")
        print(f"on Dask, {args.workers} workers        : {t_dask:.1f} s  (score_partitions, aggregate, icc, rwg_j"
              f" on the folder)  -> {t_dask / t_memory:.2f}x the in-memory time")
        for name, d in diffs.items():
            print(f"largest |Dask - memory|   : {name:<10} {d:.1e}")
        print(f"organisation SD ({len(y):,} people): |memory - exact| {abs(sd_m - exact_sd):.1e}, "
              f"|Dask - exact| {abs(sd_d - exact_sd):.1e}, |Dask - memory| {abs(sd_d - sd_m):.1e}")
        ok = same_units and all(d <= 1e-12 for d in diffs.values()) and abs(sd_d - exact_sd) <= 1e-12
        print("equal to 1e-12            :", "yes" if ok else "NO",
              "(scores, every team, ICC, r_wg(j); the organisation's SD against the exact one)")
        return 0 if ok else 1
    finally:
        shutil.rmtree(where, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

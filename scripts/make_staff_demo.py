"""Generate the synthetic staff survey in data/raw/staff_demo/ (fixed seed; no real people).

    python scripts/make_staff_demo.py            # rewrite data/raw/staff_demo/responses*.csv
    python scripts/make_staff_demo.py --out DIR  # write elsewhere (a test checks the committed files)

A made-up organisation of 6 departments and 34 teams (1 to 16 people; a few below the default
minimum reporting size of 5), spread over three sites that cut across teams. Everyone answered
VandeWalle's 13-item work-domain goal-orientation scale (learning 1-5, avoid 6-9, prove 10-13) on
the key's 1-6 range. Team "goal climate" (the team mean of learning orientation) varies between
teams, so agreement and ICC(1) are moderate. Outcomes follow the direction of Payne, Youngcourt &
Beaubien (2007): learning orientation goes with better rated performance, avoid orientation with
worse, prove orientation with neither. ``email`` (identifier) and ``comment`` (free text) exist
only so that the report's handling of them is exercised: neither may ever reach a report.

``responses_wave2.csv`` is the same survey a year later (its own seed, drawn after and
independently of the first wave, so the first file is unchanged): about 12% of people have left
and been replaced by new staff, about 8% have moved to another team, team OPE-08 was dissolved
into the other Operations teams and a new team SAL-07 was formed. Sales ran a coaching programme
on controllable, specific goals between the waves, so its teams' learning climate is higher.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 2026
ROOT = Path(__file__).resolve().parents[1]
DEPARTMENTS = {"Finance": 4, "Operations": 8, "Sales": 6, "Engineering": 9, "People": 3, "Legal": 4}
SITES = ["North", "South", "East"]
COMMENTS = ["More time for training would help.", "Deadlines are tight this quarter.",
            "I would like clearer feedback from my line manager.", "Good team spirit.",
            "Too many meetings.", "", "", ""]


def _item(rng, latent, n_cat=6, noise=0.8):
    cuts = np.linspace(-1.5, 1.5, n_cat - 1)
    return 1 + np.searchsorted(cuts, latent + rng.normal(0, noise, len(latent)))


def make(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    teams = []
    k = 0
    for dept, n_teams in DEPARTMENTS.items():
        for t in range(n_teams):
            k += 1
            size = int(rng.choice([1, 2, 3, 4]) if rng.random() < 0.2 else rng.integers(5, 17))
            teams.append((f"{dept[:3].upper()}-{t + 1:02d}", dept, size, SITES[k % 3]))
    rows = []
    for team, dept, size, site in teams:
        for _ in range(size):
            # most people work at their team's site; some elsewhere (so sites overlap teams)
            rows.append((team, dept, site if rng.random() < 0.8 else rng.choice(SITES)))
    df = pd.DataFrame(rows, columns=["team", "department", "site"])
    n = len(df)
    codes, uniq = pd.factorize(df["team"])
    climate = rng.normal(0, 0.45, len(uniq))[codes]          # team learning climate
    learning = climate + rng.normal(0, 0.8, n)
    avoid = -0.3 * climate + rng.normal(0, 0.9, n)
    prove = 0.2 * learning + 0.3 * avoid + rng.normal(0, 0.8, n)
    items = np.column_stack([_item(rng, learning) for _ in range(5)] + [_item(rng, avoid) for _ in range(4)]
                            + [_item(rng, prove) for _ in range(4)]).astype(float)
    items[rng.random(items.shape) < 0.015] = np.nan
    perf = 3.4 + 0.25 * learning + 0.20 * climate - 0.20 * avoid + 0.0 * prove + rng.normal(0, 0.55, n)
    ids = [f"E{i:04d}" for i in range(1, n + 1)]
    out = pd.DataFrame({
        "employee_id": ids,
        "email": [f"{s.lower()}@example.org" for s in ids],
        "department": df["department"], "team": df["team"], "site": df["site"],
        "tenure_years": rng.integers(0, 25, n),
    })
    for j in range(13):
        out[f"wdgo_{j + 1}"] = pd.array(items[:, j], dtype="Int64")
    out["performance"] = np.round(np.clip(perf, 1, 5), 2)
    out["comment"] = [f"(synthetic) {rng.choice(COMMENTS)}".strip() if rng.random() < 0.4 else "" for _ in range(n)]
    return out


def make_wave2(first: pd.DataFrame, seed: int = SEED + 1) -> pd.DataFrame:
    """The second wave: the same organisation a year later (see the module docstring)."""
    rng = np.random.default_rng(seed)
    teams = first[["team", "department"]].drop_duplicates().sort_values("team").reset_index(drop=True)
    teams = teams[teams["team"] != "OPE-08"].reset_index(drop=True)
    site_of = first.groupby("team")["site"].agg(lambda x: x.value_counts().index[0]).to_dict()
    rows = []
    next_id = len(first) + 1
    for r in first.itertuples():
        if rng.random() < 0.12:               # left; replaced by a new person in the same team
            team, eid = r.team, f"E{next_id:04d}"
            next_id += 1
        else:
            team, eid = r.team, r.employee_id
            if rng.random() < 0.08:           # moved to another team of the same department
                others = teams.loc[teams["department"] == r.department, "team"].tolist()
                team = str(rng.choice(others))
        if team == "OPE-08":
            others = teams.loc[teams["department"] == "Operations", "team"].tolist()
            team = str(rng.choice(others))
        rows.append((eid, team, r.department, r.site))
    for _ in range(6):
        rows.append((f"E{next_id:04d}", "SAL-07", "Sales", "South"))
        next_id += 1
    site_of["SAL-07"] = "South"
    df = pd.DataFrame(rows, columns=["employee_id", "team", "department", "site"])
    n = len(df)
    codes, uniq = pd.factorize(df["team"], sort=True)
    shift = np.array([0.45 if u.startswith("SAL") else 0.0 for u in uniq])
    climate = (rng.normal(0, 0.45, len(uniq)) + shift)[codes]
    learning = climate + rng.normal(0, 0.8, n)
    avoid = -0.3 * climate + rng.normal(0, 0.9, n)
    prove = 0.2 * learning + 0.3 * avoid + rng.normal(0, 0.8, n)
    items = np.column_stack([_item(rng, learning) for _ in range(5)] + [_item(rng, avoid) for _ in range(4)]
                            + [_item(rng, prove) for _ in range(4)]).astype(float)
    items[rng.random(items.shape) < 0.015] = np.nan
    out = pd.DataFrame({"employee_id": df["employee_id"],
                        "email": [f"{s.lower()}@example.org" for s in df["employee_id"]],
                        "department": df["department"], "team": df["team"], "site": df["site"]})
    for j in range(13):
        out[f"wdgo_{j + 1}"] = pd.array(items[:, j], dtype="Int64")
    out["comment"] = [f"(synthetic) {rng.choice(COMMENTS)}".strip() if rng.random() < 0.4 else "" for _ in range(n)]
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "raw" / "staff_demo", help="output folder")
    out = ap.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    first = make()
    for name, frame in (("responses.csv", first), ("responses_wave2.csv", make_wave2(first))):
        frame.to_csv(out / name, index=False, lineterminator="\n")
        print(f"wrote {out / name}")
        if out.resolve() == (ROOT / "data" / "raw" / "staff_demo").resolve():   # the copy analysis.datasets ships
            frame.to_csv(ROOT / "analysis" / "datasets" / "data" / "staff_demo" / name, index=False, lineterminator="\n")


if __name__ == "__main__":
    main()

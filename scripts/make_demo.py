"""Generate the SYNTHETIC demo survey in data/raw/demo/: a calibrated simulation of the findings registry.

    python scripts/make_demo.py                 # rewrite data/raw/demo/responses.csv
    python scripts/make_demo.py --out DIR       # write elsewhere (the tests check the committed file)
    python scripts/make_demo.py --print-factor  # print the Cholesky factor literals after a target change

No row describes a real person. The survey mimics a student study of achievement goals (AGQ-R
administered on 1-7), procrastination (PPS), a disorganised-study-strategy scale (a user key), grit
(Grit-S, exported in printed order, so anchors are reversed), depression (PHQ-9 exported as 1-4),
three exam scores around a setback, a persistence count (``extra_tasks``: tasks attempted after a
failure), an attention check, completion time, section, gender, age and an e-mail identifier.

The item answers come from the library's own calibrated simulation,
:func:`analysis.findings.simulate`, whose *latent* correlations equal the target matrix below:

* goals <-> depression: the registry's published meta-analytic r's (Diaconu-Gherasim et al. 2024:
  MAp -.18, MAv -.13, PAp .05, PAv .16), taken from ``analysis/findings/published.yaml`` by
  :func:`analysis.findings.target_from_findings`;
* every other pair: the demo's own illustrative values (``ILLUSTRATIVE``), in the published
  direction where the registry states one (goals <-> procrastination, disorganisation <->
  procrastination) and chosen by us where it states none. They are not published numbers.

On top of the simulation the script adds what a real export of this study looks like: Grit-S in
printed order, PHQ-9 shifted to 1-4, some of the blank answers written as -99, speeders (short
completion time, half their answers at random) beside the simulation's straight-liners and random
responders (about 7 % careless in all), the attention item, demographics, exams and the count.

Byte for byte on any machine: the latent scores are the simulation's standard normals times the
fixed Cholesky factor ``_FACTOR`` (literals; simulate(factor=...) sums the product column by column),
so no LAPACK or BLAS call at generation time decides a value. This is the only script allowed to
write under data/raw/, and only the demo folder.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.findings import simulate, target_from_findings  # noqa: E402

SEED = 2026
N = 400
DEMO = ROOT / "data" / "raw" / "demo"

# registry construct -> factor of the simulation (AGQ-R scales, whole instruments otherwise)
CONSTRUCTS = {"mastery_approach": "goals_mastery_approach", "performance_approach": "goals_performance_approach",
              "mastery_avoidance": "goals_mastery_avoidance", "performance_avoidance": "goals_performance_avoidance",
              "procrastination": "procr", "disorganization": "strategies", "grit": "grit", "depression": "mood"}
# the registry's published correlations this demo reproduces (checked against the registry when run)
PUBLISHED = {("goals_mastery_approach", "mood"): -0.18, ("goals_mastery_avoidance", "mood"): -0.13,
             ("goals_performance_approach", "mood"): 0.05, ("goals_performance_avoidance", "mood"): 0.16}
# The demo's own illustrative latent correlations: NOT published values. Signs follow the registry's
# direction-only findings where it has one (Howell & Watson 2007, Howell & Buro 2009, Seo 2009:
# MAp -, PAp -, MAv + with procrastination; disorganisation + with procrastination); the rest
# (goal intercorrelations, grit, PAv with procrastination, procrastination with mood) are our choice.
ILLUSTRATIVE = {
    ("goals_mastery_approach", "goals_performance_approach"): 0.30,
    ("goals_mastery_approach", "goals_mastery_avoidance"): 0.45,
    ("goals_mastery_approach", "goals_performance_avoidance"): 0.15,
    ("goals_performance_approach", "goals_mastery_avoidance"): 0.25,
    ("goals_performance_approach", "goals_performance_avoidance"): 0.55,
    ("goals_mastery_avoidance", "goals_performance_avoidance"): 0.40,
    ("goals_mastery_approach", "procr"): -0.35,          # direction: registry (negative)
    ("goals_performance_approach", "procr"): -0.15,      # direction: registry (negative)
    ("goals_mastery_avoidance", "procr"): 0.25,          # direction: registry (positive)
    ("goals_performance_avoidance", "procr"): 0.15,
    ("goals_mastery_approach", "strategies"): -0.25,
    ("goals_performance_approach", "strategies"): -0.05,
    ("goals_mastery_avoidance", "strategies"): 0.30,
    ("goals_performance_avoidance", "strategies"): 0.15,
    ("strategies", "procr"): 0.50,                       # direction: registry (positive)
    ("goals_mastery_approach", "grit"): 0.35,
    ("goals_performance_approach", "grit"): 0.10,
    ("goals_mastery_avoidance", "grit"): 0.05,
    ("goals_performance_avoidance", "grit"): -0.05,
    ("procr", "grit"): -0.45,
    ("strategies", "grit"): -0.30,
    ("procr", "mood"): 0.30,
    ("strategies", "mood"): 0.20,
    ("grit", "mood"): -0.25,
}
# mastery-approach goals are endorsed near the ceiling, as students tend to (thresholds 1 SD lower:
# answers pile up at the top); every other scale keeps simulate's default skew. Our choice.
SKEW = {"goals_mastery_approach": -1.0}
LOADINGS = {"goals": 0.70, "procr": 0.70, "strategies": 0.75, "grit": 0.65, "mood": 0.70}
# exams around a setback (simulate's setback, SD units; written as 70 + 10 x performance):
# exam 2 is the failure, recovery on exam 3 rises with mastery-approach goals (our choice)
SETBACK = {"waves": 3, "failure": 2, "drop": 1.2, "rate": 0.5, "goal": "goals_mastery_approach",
           "goal_effect": 0.35, "noise": 0.4, "prefix": "exam"}
# extra_tasks: negative-binomial count, log mean = log 2.5 + 0.30 x latent mastery-approach, theta = 2
# (our illustrative choice; Grant & Dweck 2003 report the direction only: learning goals, more persistence)
TASKS_MEAN, TASKS_SLOPE, TASKS_THETA = 2.5, 0.30, 2.0

# numpy.linalg.cholesky(target()) written out as literals (rows = columns = FACTORS); regenerate
# them with --print-factor whenever the target changes (the script refuses a stale factor).
FACTORS = ["goals_mastery_approach", "goals_performance_approach", "goals_mastery_avoidance",
           "goals_performance_avoidance", "procr", "strategies", "grit", "mood"]
_FACTOR = np.array([
    [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.3, 0.9539392014169457, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.45, 0.12055275622302059, 0.8848542439108449, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.15, 0.5293838425445687, 0.30364471948940575, 0.7778512914297613, 0.0, 0.0, 0.0, 0.0],
    [-0.35, -0.047172817652486314, 0.46695466064628444, 0.11015500195264881, 0.8031774061315784, 0.0, 0.0, 0.0],
    [-0.25, 0.02620712091804795, 0.4626080082200557, 0.04262754989568107, 0.24032506259519593, 0.8143916587382057, 0.0, 0.0],
    [0.35, -0.005241424183609581, -0.12077484241449778, -0.08106000757940623, -0.3267294496787684, -0.09149720813968887, 0.8609247166266972, 0.0],
    [-0.18, 0.1090216230190795, -0.0702294842009239, 0.19362380441504912, 0.3157561575011454, 0.12339732506972759, -0.07521915877531272, 0.8903399097793397],
])


def target() -> pd.DataFrame:
    """The latent target: the registry's published r's plus the demo's illustrative values."""
    reg = target_from_findings(CONSTRUCTS).loc[FACTORS, FACTORS]
    for (a, b), r in PUBLISHED.items():
        if abs(float(reg.loc[a, b]) - r) > 1e-12:
            raise SystemExit(f"make_demo: the registry now gives r = {reg.loc[a, b]} for {a} x {b} "
                             f"(the demo was calibrated to {r}); update PUBLISHED, the README and the factor")
    t = reg.copy()
    for (a, b), r in ILLUSTRATIVE.items():
        if abs(float(reg.loc[a, b])) > 0:
            raise SystemExit(f"make_demo: {a} x {b} now has a registered r; drop it from ILLUSTRATIVE")
        t.loc[a, b] = t.loc[b, a] = r
    return t


def make(seed: int = SEED, n: int = N) -> pd.DataFrame:
    sim = simulate({"goals": "agq-r", "procr": "pps", "strategies": str(DEMO / "keys" / "disorganization.yaml"),
                    "grit": "grit-s", "mood": "phq-9"},
                   target(), n=n, seed=seed, factor=_FACTOR, loadings=LOADINGS, skew=SKEW,
                   response={"goals": {"min": 1, "max": 7}},          # AGQ-R administered on 1-7
                   missing_share=0.025, careless=0.05, setback=SETBACK)
    # a second stream for what the export adds beyond the simulation (the simulation keeps its own)
    rng = np.random.default_rng([seed, 1])
    data = sim.data
    items = [c for c in data.columns if c.split("_")[0] in LOADINGS]
    values = data[items].to_numpy(dtype=float)
    ranges = np.array([7 if c.startswith("goals") else 4 if c.startswith("mood") else 5 for c in items])

    # Grit-S exported in printed order (1 = "Very much like me"): anchors reversed against the key
    grit = np.array([c.startswith("grit_") for c in items])
    values[:, grit] = 6 - values[:, grit]
    # PHQ-9 exported 1-4 for its 0-3 codes
    mood = np.array([c.startswith("mood_") for c in items])
    values[:, mood] = values[:, mood] + 1

    # careless: the simulation's straight-liners and random responders (5 %), plus 2 % speeders
    kind = sim.truth["careless"].to_numpy(dtype=object)
    speeder = np.zeros(n, dtype=bool)
    speeder[rng.choice(np.flatnonzero(kind == ""), size=round(0.02 * n), replace=False)] = True
    kind[speeder] = "speeder"
    att = np.full(n, 4.0)                           # attention item: the instructed answer is 4
    duration = np.round(rng.lognormal(np.log(540), 0.35, n))
    # a straight-liner clicks one column of the grid: the same export code in every item and in
    # att_1 (1-3, so the attention item fails). The simulation straight-lines on the keyed scale,
    # which in printed-order Grit-S and the shifted PHQ-9 would not be one column; its rows keep
    # their blanks.
    for r in np.flatnonzero(kind == "straight"):
        code = rng.integers(1, 4)
        values[r, ~np.isnan(values[r])] = code
        att[r] = code
    for r in np.flatnonzero(kind == "random"):
        att[r] = rng.integers(1, 6)
    for r in np.flatnonzero(speeder):
        duration[r] = rng.integers(45, 110)
        redo = (rng.random(len(items)) < 0.5) & ~np.isnan(values[r])
        values[r, redo] = 1 + np.floor(rng.random(int(redo.sum())) * ranges[redo])

    # missing answers: the simulation's blanks, 40 % of them written as the code -99
    holes = np.isnan(values)
    values[holes & (rng.random(values.shape) < 0.4)] = -99

    # exams: the simulation's performance around the setback, on 0-100, 2 % not sat
    exams = np.clip(np.round(data[["exam_1", "exam_2", "exam_3"]].to_numpy(dtype=float)), 0, 100)
    exams[rng.random(exams.shape) < 0.02] = np.nan
    # extra tasks attempted after a failure: NB2 via its Poisson-gamma mixture
    # (math.exp, one value at a time: numpy's vectorised exp may take a CPU-specific SIMD path)
    mu = TASKS_MEAN * np.array([math.exp(TASKS_SLOPE * v) for v in sim.latent["goals_mastery_approach"]])
    extra = rng.poisson(rng.gamma(TASKS_THETA, mu / TASKS_THETA))

    names = ([f"agq_{i}" for i in range(1, 13)] + [f"pps_{i}" for i in range(1, 13)]
             + [f"disorg_{i}" for i in range(1, 5)] + [f"grit_{i}" for i in range(1, 9)]
             + [f"phq_{i}" for i in range(1, 10)])
    rename = {"goals": "agq", "procr": "pps", "strategies": "disorg", "grit": "grit", "mood": "phq"}
    assert [rename[c.split("_")[0]] + "_" + c.split("_")[1] for c in items] == names
    ids = [f"S{i:04d}" for i in range(1, n + 1)]
    front = pd.DataFrame({
        "respondent_id": ids,
        "email": [f"{s.lower()}@example.edu" for s in ids],
        "section": rng.choice(list("ABCDEFGH"), size=n),
        "gender": rng.choice(["female", "male", "non-binary"], size=n, p=[0.55, 0.42, 0.03]),
        "age": rng.integers(18, 31, size=n),
        "duration_s": duration.astype(int),
        "att_1": att,
    })
    # break-offs: 1 % of the attentive respondents stopped during the PHQ-9 (its last items blank),
    # so the key's scoring rule leaves their depression score missing
    quit_ = rng.choice(np.flatnonzero(kind == ""), size=round(0.01 * n), replace=False)
    first_blank = rng.integers(3, 7, size=quit_.size)              # phq_3 ... phq_6 onwards
    for r, k in zip(quit_, first_blank):
        values[r, [names.index(f"phq_{i}") for i in range(k, 10)]] = np.nan
    out = pd.concat([front, pd.DataFrame(values, columns=names),
                     pd.DataFrame(exams, columns=["exam1", "exam2", "exam3"]),
                     pd.DataFrame({"extra_tasks": extra})], axis=1)
    for col in names + ["att_1", "exam1", "exam2", "exam3", "extra_tasks"]:
        out[col] = out[col].astype("Int64")
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(DEMO), help="output folder")
    ap.add_argument("--print-factor", action="store_true", help="print the target's Cholesky factor as literals")
    args = ap.parse_args(argv)
    if args.print_factor:
        for row in np.linalg.cholesky(target().to_numpy()):
            print("    [" + ", ".join(repr(float(v)) for v in row) + "],")
        return
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    frame = make()
    frame.to_csv(out / "responses.csv", index=False, lineterminator="\n")
    if out.resolve() == Path(DEMO).resolve():      # the copy analysis.datasets ships
        frame.to_csv(ROOT / "analysis" / "datasets" / "data" / "demo" / "responses.csv", index=False,
                     lineterminator="\n")
    print(f"wrote {out / 'responses.csv'}")


if __name__ == "__main__":
    main()

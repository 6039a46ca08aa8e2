"""Write demo_exams.csv: the demo study's goal scores, PHQ-9 total, procrastination, disorganisation, exams and
extra_tasks (input of demo.R, longitudinal.R
and profiles tests).
Run from the repository root:  python tests/reference/models/make_demo_fixture.py
"""

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from analysis import read_responses, score  # noqa: E402

raw = read_responses(ROOT / "data/raw/demo/responses.csv")
goals = score(raw, "agq-r", columns="agq_{n}", response={"min": 1, "max": 7}, missing=[-99]).scores
mood = score(raw, "phq-9", columns="phq_{n}", recode={1: 0, 2: 1, 3: 2, 4: 3}, missing=[-99]).scores
out = pd.DataFrame({"id": [f"P{i:04d}" for i in range(1, len(raw) + 1)]})
for c in ["mastery_approach", "performance_approach", "mastery_avoidance", "performance_avoidance"]:
    out[c] = goals[c].round(10).to_numpy()
phq = [c for c in mood.columns if not c.endswith(("_n_valid", "_band"))][0]
out["phq9"] = mood[phq].to_numpy()
procr = score(raw, "pps", columns="pps_{n}", missing=[-99]).scores
out["procrastination"] = procr["total"].round(10).to_numpy()
disorg = score(raw, ROOT / "data/raw/demo/keys/disorganization.yaml", columns="disorg_{n}", missing=[-99]).scores
out["disorganization"] = disorg["disorganization"].round(10).to_numpy()
for c in ["exam1", "exam2", "exam3", "extra_tasks"]:
    out[c] = raw[c].to_numpy()
out.to_csv(Path(__file__).with_name("demo_exams.csv"), index=False)
print(out.shape, phq)

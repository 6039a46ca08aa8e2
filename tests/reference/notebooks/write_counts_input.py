"""Write persistence_counts.csv: the analysed rows of the persistence fixture study (input of counts.R).

Run from the repository root:  python tests/reference/notebooks/write_counts_input.py  (then counts.R)
"""

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from analysis.study import run_study  # noqa: E402

with tempfile.TemporaryDirectory() as out:
    res = run_study(ROOT / "tests/fixtures/notebooks/persistence/study.yaml",
                    processed_dir=Path(out) / "p", reports_dir=Path(out) / "r")
    kept = res.analysed[["extra_tasks", "goals_mastery_approach"]].dropna()
    kept.to_csv(HERE / "persistence_counts.csv", index=False, float_format="%.17g", lineterminator="\n")
    print(len(kept), "rows")

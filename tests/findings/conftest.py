import json
from pathlib import Path

import pandas as pd

REF = Path(__file__).resolve().parents[1] / "reference" / "findings"


def load_json(name):
    return json.loads((REF / name).read_text())


def load_csv(name, **kw):
    return pd.read_csv(REF / name, **kw)

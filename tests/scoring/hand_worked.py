"""The helpers of the hand-worked scoring tests: score one respondent, compare to the hand result."""

import math

import pandas as pd

from analysis import load_instrument, score


def one(instrument, answers, **kw):
    """Score one respondent whose answers are given in the key's item order."""
    key = load_instrument(instrument)
    assert len(answers) == len(key.all_items)
    df = pd.DataFrame([answers], columns=[f"q{i}" for i in range(1, len(answers) + 1)])
    columns = "q{n}" if key.numbered else list(df.columns)      # role-named keys: a list in key order
    return score(df, key, columns=columns, **kw).iloc[0]


def close(a, b):
    return (isinstance(b, float) and math.isnan(b) and math.isnan(a)) or abs(a - b) < 1e-12


def check(instrument, answers, expected):
    """Every expected column equals the scored one (text exactly, numbers to 1e-12)."""
    got = one(instrument, answers)
    for col, value in expected.items():
        if isinstance(value, str):
            assert got[col] == value, col
        else:
            assert close(float(got[col]), value), (col, got[col], value)

"""Shared fixtures: psychTools bfi and lavaan HolzingerSwineford1939 as exported by the .R scripts."""

from pathlib import Path

import pandas as pd
import pytest

from analysis.instruments.registry import instrument_from_dict

REF = Path(__file__).resolve().parents[1] / "reference" / "psychometrics"

BFI_KEY = {
    "id": "bfi-25",
    "name": "IPIP Big Five items of psychTools bfi",
    "response": {"min": 1, "max": 6},
    "scales": {
        "agree": {"items": ["A1", "A2", "A3", "A4", "A5"], "reverse": ["A1"]},
        "consc": {"items": ["C1", "C2", "C3", "C4", "C5"], "reverse": ["C4", "C5"]},
        "extra": {"items": ["E1", "E2", "E3", "E4", "E5"], "reverse": ["E1", "E2"]},
        "neuro": {"items": ["N1", "N2", "N3", "N4", "N5"]},
        "open": {"items": ["O1", "O2", "O3", "O4", "O5"], "reverse": ["O2", "O5"]},
    },
}


@pytest.fixture(scope="session")
def bfi():
    return pd.read_csv(REF / "bfi.csv")


REVERSED = ["A1", "C4", "C5", "E1", "E2", "O2", "O5"]


@pytest.fixture(scope="session")
def bfi_keyed(bfi):
    """bfi with the reverse-keyed items flipped (7 − x), as the .R scripts do before lavaan."""
    out = bfi.copy()
    for v in REVERSED:
        out[v] = 7 - out[v]
    return out


@pytest.fixture(scope="session")
def bfi_key():
    return instrument_from_dict(BFI_KEY, source="bfi-25 (test key)")


@pytest.fixture(scope="session")
def hs():
    return pd.read_csv(REF / "hs1939.csv")

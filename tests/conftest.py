"""Shared test helpers: paths to the repository, the demo study and the reference fixtures."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference"
FIXTURES = ROOT / "tests" / "fixtures"
DEMO = ROOT / "data" / "raw" / "demo"


@pytest.fixture
def root() -> Path:
    return ROOT

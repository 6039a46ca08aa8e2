"""The scoring result keeps the result protocol (tests/protocol.py), on the shipped demo survey."""

import pytest

from analysis.datasets import read_dataset
from analysis.scoring import score

from protocol import assert_protocol


@pytest.mark.parametrize("instrument,columns,options", [
    ("agq-r", "agq_{n}", {"missing": [-99], "response": {"min": 1, "max": 7}}),
    ("phq-9", "phq_{n}", {"missing": [-99], "recode": {1: 0, 2: 1, 3: 2, 4: 3}}),
], ids=["ScoreResult-agq_r", "ScoreResult-phq9"])
def test_protocol(instrument, columns, options):
    assert_protocol(score(read_dataset("demo"), instrument, columns=columns, **options))

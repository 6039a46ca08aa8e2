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


def test_apa_is_registered_text_with_a_formatted_table():
    import pandas as pd

    df = pd.DataFrame({f"q{n}": [1, 2, -99] for n in range(1, 10)})
    a = score(df, "phq-9", columns="q{n}", missing=[-99]).apa()
    # totals 9 and 18: M = 13.5, SD = sqrt(((9 - 13.5)² + (18 - 13.5)²) / 1) = 6.364
    assert str(a) == ("Patient Health Questionnaire-9 (phq-9), 3 respondents. total (sum of the 9 items, all 9 answered): "
                      "M = 13.50, SD = 6.36, n = 2. 9 values were set to missing (missing code: 9).")
    assert a.estimate == "total: M = 13.50, SD = 6.36"
    assert a.table.to_dict("records") == [{"scale": "total", "rule": "sum of the 9 items, all 9 answered", "n": "2",
                                           "M": "13.50", "SD": "6.36"}]

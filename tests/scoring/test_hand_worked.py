"""Every shipped instrument scored on answers worked out by hand (the arithmetic is in the comments)."""

import numpy as np
import pytest

from .hand_worked import check, one

NA = np.nan


CASES = [
    # AGQ 2x2 (1-7): PAp 1-3 (7+6+5)/3; MAv 4-6 (1+2+3)/3; MAp 7-9 4; PAv 10-12 (2+6)/2 with 11 missing
    ("agq", [7, 6, 5, 1, 2, 3, 4, 4, 4, 2, NA, 6],
     {"performance_approach": 6.0, "mastery_avoidance": 2.0, "mastery_approach": 4.0, "performance_avoidance": 4.0}),
    # AGQ-R (1-5): MAp 1,3,7 (5+4+3)/3; PAp 2,4,8 (1+2+1)/3; MAv 5,9,11 one answer < min_valid 2; PAv (3+5+4)/3
    ("agq-r", [5, 1, 4, 2, 3, 3, 3, 1, NA, 5, NA, 4],
     {"mastery_approach": 4.0, "performance_approach": 4 / 3, "mastery_avoidance": NA, "performance_avoidance": 4.0}),
    # 3x2 AGQ (1-7): TAp 1,7,13 (1+7+6)/3; SAp 2,8,14 (2+1+7)/3; OAp 3,9,15 (3+2+1)/3; ...
    ("agq-3x2", [1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4],
     {"task_approach": 14 / 3, "self_approach": 10 / 3, "other_approach": 2.0, "task_avoidance": 3.0,
      "self_avoidance": 4.0, "other_avoidance": 5.0}),
    # VandeWalle (1-6): learning 28/5; avoid 6/4; prove (3+4+5)/3 with item 12 missing
    ("vandewalle", [6, 5, 6, 5, 6, 1, 2, 1, 2, 3, 4, NA, 5], {"learning": 5.6, "avoid": 1.5, "prove": 4.0}),
    # PPS (1-5): decisional 6/3; implemental 20/5; timeliness 20/4; total 46/12
    ("pps", [1, 2, 3, 4, 4, 4, 4, 4, 5, 5, 5, 5],
     {"decisional": 2.0, "implemental": 4.0, "timeliness": 5.0, "total": 46 / 12}),
    # IPS (1-5), 2, 6, 9 reversed (6 - x): 5, 5, 5, 4, 4, 4, 5, 5, 5 -> 42/9
    ("ips", [5, 1, 5, 4, 4, 2, 5, 5, 1], {"total": 42 / 9}),
    # GPS (1-5): all 4 -> ten items 4 and ten reversed items 2 -> 60/20
    ("gps", [4] * 20, {"total": 3.0}),
    # GPS: items 1-10 = 5, 11-20 = 1. Keyed 1,2,5,7,9,10 -> 5 (30); 3,4,6,8 -> 1 (4); 12,16,17,19 -> 1 (4);
    # 11,13,14,15,18,20 -> 5 (30): 68/20
    ("gps", [5] * 10 + [1] * 10, {"total": 3.4}),
    # Grit-S (1-5), 1,3,5,6 reversed: keyed 4,4,5,5,4,3,4,5 -> 34/8; CI (4+5+4+3)/4; PE (4+5+4+5)/4
    ("grit-s", [2, 4, 1, 5, 2, 3, 4, 5], {"grit": 4.25, "consistency_of_interest": 4.0, "perseverance_of_effort": 4.5}),
    # CES-D (0-3), 4, 8, 12, 16 reversed: all 1 -> 16 x 1 + 4 x 2 = 24
    ("ces-d", [1] * 20, {"total": 24.0, "total_band": "at or above screening cut-off (16)"}),
    # CES-D: items 1-3 missing, the rest 0 -> reversed items 3 each = 12 over 17 answers, prorated 12/17*20
    ("ces-d", [NA, NA, NA] + [0] * 17, {"total": 12 / 17 * 20, "total_band": "below screening cut-off"}),
    # CES-D: 5 missing > 4 allowed -> not scored
    ("ces-d", [NA] * 5 + [2] * 15, {"total": NA}),
    # PHQ-9 (0-3): sum 1+2+3+0+1+2+3+0+1 = 13 -> moderate (10-14)
    ("phq-9", [1, 2, 3, 0, 1, 2, 3, 0, 1], {"total": 13.0, "total_band": "moderate"}),
    ("phq-9", [0, 0, 0, 0, 1, 1, 1, 1, 0], {"total": 4.0, "total_band": "none-minimal"}),
    ("phq-9", [3, 3, 3, 3, 3, 3, 2, 2, 2], {"total": 24.0, "total_band": "severe"}),
    ("phq-9", [1, 1, 1, 1, 1, 1, 1, 1, NA], {"total": NA}),
    # DASS-21 (0-3), answer = item number mod 4. D 3,5,10,13,16,17,21: 3+1+2+1+0+1+1 = 9 -> 18 (moderate);
    # A 2,4,7,9,15,19,20: 2+0+3+1+3+3+0 = 12 -> 24; S 1,6,8,11,12,14,18: 1+2+0+3+0+2+2 = 10 -> 20
    ("dass-21", [i % 4 for i in range(1, 22)],
     {"depression": 18.0, "depression_band": "moderate", "anxiety": 24.0, "stress": 20.0}),
]


@pytest.mark.parametrize("instrument,answers,expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_hand_worked(instrument, answers, expected):
    check(instrument, answers, expected)


def test_every_shipped_instrument_has_a_hand_worked_case():
    from analysis import list_instruments

    # the keys added later have their cases in test_hand_worked_new_keys.py
    from .test_hand_worked_new_keys import NEW_KEYS
    assert set(list_instruments()["id"]) == {c[0] for c in CASES} | NEW_KEYS


def test_grit_anchors_reversed_export_gives_same_scores():
    # the same person answering on a form printed "Very much like me" first (coded 1): 6 - x
    direct = one("grit-s", [2, 4, 1, 5, 2, 3, 4, 5])
    flipped = one("grit-s", [4, 2, 5, 1, 4, 3, 2, 1], anchors_reversed=True)
    for col in ("grit", "consistency_of_interest", "perseverance_of_effort"):
        assert direct[col] == flipped[col]


def test_dass_band_edges():
    # depression sum 5 -> 10 = first 'mild'; 4 -> 8 'normal'; 14 -> 28 'extremely severe'
    for raw, band in ((4, "normal"), (5, "mild"), (6, "mild"), (7, "moderate"), (10, "moderate"), (11, "severe"),
                      (13, "severe"), (14, "extremely severe")):
        answers = [0] * 21
        dep = [3, 5, 10, 13, 16, 17, 21]
        left = raw
        for i in dep:
            answers[i - 1] = min(3, left)
            left -= answers[i - 1]
        got = one("dass-21", answers)
        assert got["depression"] == 2 * raw and got["depression_band"] == band

"""The keys added for issue 12 (dass-42, grit-o, agq-3x2-short) scored on answers worked out by hand
(the arithmetic is in the comments), plus their traps: the 1-4 DASS export and Grit's printed order."""


import numpy as np
import pandas as pd
import pytest

from analysis import load_instrument, score

from .hand_worked import check, one
from analysis.errors import DataError

NA = np.nan
DEP = [3, 5, 10, 13, 16, 17, 21, 24, 26, 31, 34, 37, 38, 42]
ANX = [2, 4, 7, 9, 15, 19, 20, 23, 25, 28, 30, 36, 40, 41]
STR = [1, 6, 8, 11, 12, 14, 18, 22, 27, 29, 32, 33, 35, 39]


CASES = [
    # DASS-42 (0-3), answer = item number mod 4 (1,2,3,0,1,2,3,0,...):
    # D 3,5,10,13,16,17,21,24,26,31,34,37,38,42 -> 3+1+2+1+0+1+1+0+2+3+2+1+2+2 = 21 (severe, 21-27)
    # A 2,4,7,9,15,19,20,23,25,28,30,36,40,41   -> 2+0+3+1+3+3+0+3+1+0+2+0+0+1 = 19
    # S 1,6,8,11,12,14,18,22,27,29,32,33,35,39  -> 1+2+0+3+0+2+2+2+3+1+0+1+3+3 = 23
    ("dass-42", [i % 4 for i in range(1, 43)],
     {"depression": 21.0, "depression_band": "severe", "anxiety": 19.0, "stress": 23.0}),
    # DASS-42: all 0 except the 14 depression items at 2 -> D 28 (extremely severe), A 0, S 0
    ("dass-42", [2 if i in DEP else 0 for i in range(1, 43)],
     {"depression": 28.0, "depression_band": "extremely severe", "anxiety": 0.0, "stress": 0.0}),
    # DASS-42: one depression item (5) missing -> depression not scored (min_valid 14); A, S still scored (all 1 -> 14)
    ("dass-42", [NA if i == 5 else 1 for i in range(1, 43)],
     {"depression": NA, "anxiety": 14.0, "stress": 14.0}),
    # Grit-O (1-5), reversed 2,3,5,7,8,11 (6 - x). Answers 5,1,2,4,1,5,2,1,4,5,2,4:
    # PE 1,4,6,9,10,12 as is: 5+4+5+4+5+4 = 27 -> 4.5; CI reversed: 6-1,6-2,6-1,6-2,6-1,6-2 = 5,4,5,4,5,4 = 27 -> 4.5
    # total 54/12 = 4.5
    ("grit-o", [5, 1, 2, 4, 1, 5, 2, 1, 4, 5, 2, 4],
     {"grit": 4.5, "perseverance_of_effort": 4.5, "consistency_of_interest": 4.5}),
    # Grit-O: all 3 except item 1 = 1 and item 2 = 1 (reversed -> 5): PE (1+3*5)/6 = 16/6; CI (5+3*5)/6 = 20/6;
    # total (1 + 5 + 10*3)/12 = 36/12 = 3
    ("grit-o", [1, 1] + [3] * 10, {"grit": 3.0, "perseverance_of_effort": 16 / 6, "consistency_of_interest": 20 / 6}),
    # Grit-O: items 1,4,6 missing -> PE has 3 answers < min_valid 4 -> NA; total 9 answers = min_valid 9:
    # answered all 4 -> keyed PE 4 (x3) and CI 6-4 = 2 (x6) -> (12 + 12)/9 = 24/9
    ("grit-o", [NA, 4, 4, NA, 4, NA, 4, 4, 4, 4, 4, 4],
     {"grit": 24 / 9, "perseverance_of_effort": NA, "consistency_of_interest": 2.0}),
    # 3x2 short (1-7), key order TAp1, TAp2, SAp1, SAp2, OAp1, OAp2, TAv1, TAv2, SAv1, SAv2, OAv1, OAv2:
    # TAp (7+6)/2; SAp (5+4)/2; OAp (3+2)/2; TAv (1+1)/2; SAv (2+5)/2; OAv one answer < min_valid 2 -> NA
    ("agq-3x2-short", [7, 6, 5, 4, 3, 2, 1, 1, 2, 5, 6, NA],
     {"task_approach": 6.5, "self_approach": 4.5, "other_approach": 2.5, "task_avoidance": 1.0,
      "self_avoidance": 3.5, "other_avoidance": NA}),
]
NEW_KEYS = {c[0] for c in CASES}


@pytest.mark.parametrize("instrument,answers,expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_hand_worked(instrument, answers, expected):
    check(instrument, answers, expected)


def test_dass42_item_lists_partition_the_42_items():
    key = load_instrument("dass-42")
    assert [key.scales[s].items for s in ("depression", "anxiety", "stress")] == [DEP, ANX, STR]
    assert sorted(DEP + ANX + STR) == list(range(1, 43))
    # the DASS-21 depression items, in DASS-42 numbering, are depression items of the long form
    assert {3, 10, 17, 26, 31, 38, 42} <= set(DEP)


def test_dass42_band_edges():
    # depression sum 9 normal, 10 mild, 13 mild, 14 moderate, 20 moderate, 21 severe, 27 severe, 28 extremely severe
    for raw, band in ((9, "normal"), (10, "mild"), (13, "mild"), (14, "moderate"), (20, "moderate"),
                      (21, "severe"), (27, "severe"), (28, "extremely severe"), (42, "extremely severe")):
        answers = [0] * 42
        left = raw
        for i in DEP:
            answers[i - 1] = min(3, left)
            left -= answers[i - 1]
        got = one("dass-42", answers)
        assert got["depression"] == raw and got["depression_band"] == band


def test_dass42_one_to_four_export_is_refused_then_recoded():
    # the same person exported 1-4 (answer + 1): the 4s are out of the 0-3 range -> a clear error
    answers = [i % 4 for i in range(1, 43)]
    shifted = [a + 1 for a in answers]
    with pytest.raises(DataError, match=r"item 3 of 'dass-42'\), value '4': outside the response range 0–3"):
        one("dass-42", shifted)
    # recoded as the key's notes say, the scores equal the 0-3 export's (D 21, A 19, S 23)
    got = one("dass-42", shifted, recode={1: 0, 2: 1, 3: 2, 4: 3})
    assert (got["depression"], got["anxiety"], got["stress"]) == (21.0, 19.0, 23.0)
    assert "1-4 EXPORT TRAP" in load_instrument("dass-42").notes


def test_grit_o_anchors_reversed_export_gives_same_scores():
    direct = one("grit-o", [5, 1, 2, 4, 1, 5, 2, 1, 4, 5, 2, 4])
    flipped = one("grit-o", [1, 5, 4, 2, 5, 1, 4, 5, 2, 1, 4, 2], anchors_reversed=True)
    for col in ("grit", "consistency_of_interest", "perseverance_of_effort"):
        assert direct[col] == flipped[col]


def test_short_3x2_key_names_items_by_goal():
    key = load_instrument("agq-3x2-short")
    assert not key.numbered
    assert all(len(s.items) == 2 and not s.reverse for s in key.scales.values())
    # a map from the key's item names to export columns works as well as a list in key order
    d = pd.DataFrame([[7, 6, 5, 4, 3, 2, 1, 1, 2, 5, 6, 6]], columns=[f"Q{i}" for i in range(1, 13)])
    cols = dict(zip(key.all_items, d.columns))
    got = score(d, key, columns=cols).iloc[0]
    assert got["task_approach"] == 6.5 and got["other_avoidance"] == 6.0

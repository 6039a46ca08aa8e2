"""The keying warning names only items whose item-rest r is negative (issue 17 item 6).

A constructed scale of five items (1-5, no reversed item): k_4 runs against the others (item-rest
r = −.70) and k_5 follows k_4 a little but the scale too (item-rest r = +.09), so both load negatively
on the first principal component — psych's rule would name both. k_5 does not correlate negatively with
the rest of its scale, so the warning must not say it does."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.formatting.apa import apa
from analysis.instruments.registry import instrument_from_dict
from analysis.psychometrics import KeyingWarning, keying_check, reliability

ROWS = [[3, 4, 4, 2, 2], [2, 2, 1, 4, 4], [4, 3, 4, 1, 2], [1, 2, 1, 4, 3], [1, 2, 1, 4, 3], [1, 1, 1, 4, 2],
        [4, 4, 4, 2, 4], [2, 2, 3, 5, 4], [2, 2, 2, 3, 2], [3, 3, 2, 3, 2], [4, 3, 4, 1, 2], [1, 2, 2, 4, 3]]
DATA = pd.DataFrame(ROWS, columns=[f"k_{i}" for i in range(1, 6)])
KEY = instrument_from_dict({"id": "constructed", "name": "constructed five-item scale",
                            "response": {"min": 1, "max": 5}, "scales": {"total": {"items": [1, 2, 3, 4, 5]}}})


def test_item_rest_r_by_hand():
    chk = keying_check(DATA, KEY, columns="k_{n}", warn=False)
    rest = [DATA.drop(columns=c).sum(axis=1) for c in DATA.columns]
    by_hand = [np.corrcoef(DATA[c], r)[0, 1] for c, r in zip(DATA.columns, rest)]
    assert_allclose(chk.table()["r_drop"], by_hand, rtol=0, atol=1e-12)
    t = chk.table().set_index("item")
    assert t.loc["k_4", "r_drop"] < 0 < t.loc["k_5", "r_drop"] < 0.1      # the case the test is about
    assert (t.loc[["k_4", "k_5"], "pc1_loading"] < 0).all()               # psych's rule flags both
    alpha = 5 / 4 * (1 - DATA.var().sum() / DATA.sum(axis=1).var())
    assert alpha == pytest.approx(chk.summary()["alpha"].item(), abs=1e-12) and round(alpha, 2) == -0.05


def test_warning_names_only_negative_item_rest_r():
    chk = keying_check(DATA, KEY, columns="k_{n}", warn=False)
    t = chk.table()
    assert t.loc[t["flagged"], "item"].tolist() == ["k_4"]
    assert chk.summary()["negative_items"].tolist() == ["k_4"]
    assert chk.warnings == [
        "keying check, instrument 'constructed', scale 'total' (n = 12): k_4 (item 4, item-rest r = −.70) correlates "
        "negatively with the rest of the scale after keying, so the scale mixes two directions (α = −.05). Likely "
        "fixes: item(s) 4 are not reversed by the key: if the export reverse-scored them, declare "
        "reversed_in_file: [4]; if your version words them the other way, add them to the key's reverse list "
        "(key 'constructed') in a copy of the key; if only some items were printed with their anchors the other "
        "way round, list those in reversed_in_file too (anchors_reversed flips every item alike, so it cannot "
        "cause or cure a negative item-rest r); otherwise check the key's reverse list (key 'constructed')."]
    assert "k_5" not in str(apa(chk))
    with pytest.warns(KeyingWarning) as caught:
        rel = reliability(DATA, KEY, columns="k_{n}")
    assert [str(w.message) for w in caught] == chk.warnings
    assert rel["negative_items"].tolist() == ["k_4"]


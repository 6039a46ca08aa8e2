"""Property tests: reverse keying is an involution, scores stay within their bounds."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import instrument_from_dict, load_instrument, prepare_items, score


def key(lo, hi, k, reverse, method="mean"):
    return instrument_from_dict({
        "id": "prop", "response": {"min": lo, "max": hi},
        "scales": {"s": {"items": [f"i{j}" for j in range(k)], "reverse": [f"i{j}" for j in reverse],
                         "method": method}}})


@st.composite
def answers(draw):
    lo = draw(st.integers(-3, 2))
    hi = lo + draw(st.integers(1, 9))
    k = draw(st.integers(1, 8))
    n = draw(st.integers(1, 20))
    vals = draw(st.lists(st.lists(st.one_of(st.none(), st.integers(lo, hi)), min_size=k, max_size=k),
                         min_size=n, max_size=n))
    reverse = draw(st.sets(st.integers(0, k - 1)))
    df = pd.DataFrame([[np.nan if v is None else v for v in row] for row in vals],
                      columns=[f"i{j}" for j in range(k)], dtype=float)
    return lo, hi, k, sorted(reverse), df


@settings(max_examples=150, deadline=None, derandomize=True)
@given(answers())
def test_reverse_keying_is_an_involution(case):
    lo, hi, k, reverse, df = case
    inst = key(lo, hi, k, reverse)
    items = prepare_items(df, inst)
    once = items.keyed("s")
    # reversing the keyed answers with every item marked 'reversed in file' undoes the key
    again = prepare_items(once.set_axis(df.columns, axis=1), inst, reversed_in_file=[]).keyed("s")
    np.testing.assert_array_equal(again.to_numpy(), df.to_numpy())
    flipped_twice = prepare_items(prepare_items(df, inst, anchors_reversed=True).raw(), inst, anchors_reversed=True).raw()
    np.testing.assert_array_equal(flipped_twice.to_numpy(), df.to_numpy())


@settings(max_examples=150, deadline=None, derandomize=True)
@given(answers(), st.sampled_from(["mean", "sum", "prorated_sum"]))
def test_scores_within_bounds(case, method):
    lo, hi, k, reverse, df = case
    out = score(df, key(lo, hi, k, reverse, method))
    s, nv = out["s"], out["s_n_valid"]
    assert ((nv >= 0) & (nv <= k)).all()
    assert s.isna().equals(nv == 0)
    ok = s.notna()
    nv = nv.to_numpy(dtype=float)
    if method == "mean":
        lower, upper = np.full_like(nv, lo), np.full_like(nv, hi)
    elif method == "sum":
        lower, upper = lo * nv, hi * nv
    else:
        lower, upper = np.full_like(nv, lo * k), np.full_like(nv, hi * k)
    values = s.to_numpy()
    assert (values[ok] >= lower[ok] - 1e-9).all() and (values[ok] <= upper[ok] + 1e-9).all()


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.integers(0, 3), min_size=21, max_size=21))
def test_dass_scaled_sum_is_twice_the_sum(answers_):
    inst = load_instrument("dass-21")
    df = pd.DataFrame([answers_], columns=[f"d{j}" for j in range(1, 22)])
    out = score(df, inst, columns="d{n}")
    for name, scale in inst.scales.items():
        assert out[name].iloc[0] == 2 * sum(answers_[i - 1] for i in scale.items)

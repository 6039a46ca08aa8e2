"""Seeds of the screening station default to None: a fresh seed is drawn, stated, and repeats the run."""

import numpy as np
import pandas as pd

from analysis.screening import careless, psychsyn
from tests.screening import handbuilt as hb


def test_careless_states_the_seed_it_drew_and_that_seed_repeats_it():
    df = hb.make()
    a = careless(df, hb.INSTRUMENTS, critval=0.5)
    seed = a.options["seed"]
    assert isinstance(seed, int) and 0 <= seed
    b = careless(df, hb.INSTRUMENTS, critval=0.5, seed=seed)
    pd.testing.assert_frame_equal(a.table(), b.table())
    raw = df[a.attrs["items"]].astype(float)
    np.testing.assert_array_equal(a["psychsyn_r"], psychsyn(raw, 0.5, seed=seed).to_numpy())
    assert careless(df, hb.INSTRUMENTS, critval=0.5, seed=3).options["seed"] == 3

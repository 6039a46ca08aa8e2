"""simulate(factor=...): a fixed matrix factor makes the latent scores an elementwise sum (the same bits
on every machine), is checked before use, and is what the demo generator (scripts/make_demo.py) passes."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import simulate
from analysis.findings import published_findings
from analysis.findings.simulation import SimulationError

ROOT = Path(__file__).resolve().parents[2]
TARGET = pd.DataFrame([[1, 0.6], [0.6, 1]], index=["grit", "procr"], columns=["grit", "procr"])
FACTOR = np.array([[1.0, 0.0], [0.6, 0.8]])          # L @ L.T = TARGET (to rounding)
INSTR = {"grit": "grit-s", "procr": "pps"}


def test_fixed_factor_gives_the_elementwise_sum_exactly():
    sim = simulate(INSTR, TARGET, n=50, seed=11, factor=FACTOR)
    z = np.random.default_rng(11).standard_normal((50, 2))      # the first draw simulate makes
    want_procr = np.zeros(50) + z[:, 0] * 0.6                    # the same order of operations
    want_procr = want_procr + z[:, 1] * 0.8
    np.testing.assert_array_equal(sim.latent["grit"].to_numpy(), np.zeros(50) + z[:, 0] * 1.0)
    np.testing.assert_array_equal(sim.latent["procr"].to_numpy(), want_procr)
    assert sim.options["factor"] == "fixed"
    assert simulate(INSTR, TARGET, n=50, seed=11).options["factor"] is None


def test_fixed_factor_as_dataframe_and_same_bytes_twice():
    frame = pd.DataFrame(FACTOR, index=TARGET.index, columns=TARGET.columns)
    a = simulate(INSTR, TARGET, n=80, seed=5, factor=frame, missing_share=0.05, careless=0.1)
    b = simulate(INSTR, TARGET, n=80, seed=5, factor=FACTOR, missing_share=0.05, careless=0.1)
    assert a.data.to_csv(index=False) == b.data.to_csv(index=False)


@pytest.mark.parametrize("factor, match", [
    (np.array([[1.0, 0.2], [0.6, 0.8]]), "lower-triangular"),
    (np.eye(3), "2 x 2"),
    (np.array([[1.0, 0.0], [0.5, 0.8]]), "differs from the correlation matrix by up to 0.1"),
    (np.array([[1.0, 0.0], [np.nan, 0.8]]), "finite"),
    (pd.DataFrame(FACTOR, index=["procr", "grit"], columns=["procr", "grit"]), "names in its order"),
])
def test_bad_factor_is_refused_with_a_reason(factor, match):
    with pytest.raises(SimulationError, match=match):
        simulate(INSTR, TARGET, n=20, seed=1, factor=factor)


def _make_demo():
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "scripts" / "make_demo.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_demo_target_holds_the_registry_values_and_its_factor():
    demo = _make_demo()
    t = demo.target()
    reg = published_findings().set_index("id")
    for fid, col in [("diaconu-gherasim-2024-map-depression", "goals_mastery_approach"),
                     ("diaconu-gherasim-2024-mav-depression", "goals_mastery_avoidance"),
                     ("diaconu-gherasim-2024-pap-depression", "goals_performance_approach"),
                     ("diaconu-gherasim-2024-pav-depression", "goals_performance_avoidance")]:
        assert t.loc[col, "mood"] == t.loc["mood", col] == reg.loc[fid, "value"]
    # every other value is the demo's own: no registered number stands behind it
    ours = {frozenset(p) for p in demo.ILLUSTRATIVE}
    published = {frozenset(p) for p in demo.PUBLISHED}
    assert not ours & published                                           # no pair is both
    assert ours | published == {frozenset((a, b)) for i, a in enumerate(demo.FACTORS) for b in demo.FACTORS[i + 1:]}
    assert len(ours) == 24 and len(published) == 4                        # all 8 x 7 / 2 pairs, once each
    f = demo._FACTOR
    assert np.all(np.triu(f, 1) == 0)
    assert np.max(np.abs(f @ f.T - t.to_numpy())) < 1e-12
    # the published directions the illustrative values follow
    assert demo.ILLUSTRATIVE[("goals_mastery_approach", "procr")] < 0
    assert demo.ILLUSTRATIVE[("goals_performance_approach", "procr")] < 0
    assert demo.ILLUSTRATIVE[("goals_mastery_avoidance", "procr")] > 0
    assert demo.ILLUSTRATIVE[("strategies", "procr")] > 0
    assert demo.TASKS_SLOPE > 0                                            # learning goals: more persistence

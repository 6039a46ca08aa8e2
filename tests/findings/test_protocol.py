"""Every findings result keeps the result protocol (tests/protocol.py), built on the shipped demo survey."""

import pandas as pd
import pytest

from analysis.datasets import read_dataset
from analysis.findings import (pool_effects, power_correlation, power_correlation_difference, power_mediation,
                               power_moderation, power_regression, replicate, replicate_study, simulate)
from analysis.scoring import score

from protocol import assert_protocol


@pytest.fixture(scope="module")
def scores():
    demo = read_dataset("demo")
    goals = score(demo, "agq-r", columns="agq_{n}", missing=[-99], response={"min": 1, "max": 7})
    procr = score(demo, "pps", columns="pps_{n}", missing=[-99])
    return pd.concat([goals.scores.add_prefix("goals_"), procr.scores.add_prefix("procr_")], axis=1)


BUILDERS = {
    "ReplicationResult-one": (lambda s: replicate(-0.05, "diaconu-gherasim-2024-map-depression", n=383), True),
    "ReplicationResult-study": (lambda s: replicate_study(s, {"mastery_approach": "goals_mastery_approach",
                                                              "procrastination": "procr_total",
                                                              "performance_avoidance": "goals_performance_avoidance"}),
                                True),
    "PoolResult": (lambda s: pool_effects([0.21, 0.30, 0.12, 0.25], [120, 340, 95, 210],
                                          labels=["A", "B", "C", "D"]), True),
    "PowerResult-r": (lambda s: power_correlation(r=0.18, power=0.8), True),
    "PowerResult-f2": (lambda s: power_regression(f2=0.05, u=3, n=len(s)), True),
    "PowerResult-q": (lambda s: power_correlation_difference(0.30, 0.10, n1=200, n2=200), True),
    "MonteCarloPowerResult-mediation": (lambda s: power_mediation(0.3, 0.3, n=100, n_rep=50, n_draws=500,
                                                                  seed=1, progress=False), False),
    "MonteCarloPowerResult-moderation": (lambda s: power_moderation(0.2, n=100, n_rep=50, seed=1,
                                                                    progress=False), False),
    "SimulationResult": (lambda s: simulate({"grit": "grit-s", "procr": "pps"},
                                            pd.DataFrame([[1, -.5], [-.5, 1]], index=["grit", "procr"],
                                                         columns=["grit", "procr"]), n=100, seed=1), False),
}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_protocol(name, scores, tmp_path):
    build, figure = BUILDERS[name]
    assert_protocol(build(scores), figure=figure, tmp_path=tmp_path)

"""simulate(): the export's shape, codes, reverse keys, skew, missing answers, careless respondents,
teams, the setback, determinism and clear errors. Statistics are compared with their theoretical
values within binomial / sampling SEs; no exact row of a draw is asserted."""

import math

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from analysis import load_instrument, simulate
from analysis.errors import GoalscopeError
from analysis.findings.simulation import SPREAD
from analysis.study import load_study, run_study


def _two(a, b, r):
    return pd.DataFrame([[1, r], [r, 1]], index=[a, b], columns=[a, b])


GRIT_PROCR = _two("grit", "procr", -0.5)
INSTR = {"grit": "grit-s", "procr": "pps"}


def test_export_shape_and_codes():
    sim = simulate(INSTR, GRIT_PROCR, n=200, seed=3)
    d = sim.data
    assert list(d.columns) == ["respondent_id"] + [f"grit_{i}" for i in range(1, 9)] + [f"procr_{i}" for i in range(1, 13)]
    assert d.respondent_id.tolist() == list(range(1, 201))
    items = d.drop(columns="respondent_id")
    assert all(str(t) == "Int64" for t in items.dtypes)
    assert items.min().min() >= 1 and items.max().max() <= 5
    assert sim.n == 200 and sim.seed == 3 and len(sim.latent) == 200
    assert sim.latent.columns.tolist() == ["grit", "procr"]
    assert (sim.truth.careless == "").all()
    assert "N = 200 simulated respondents (seed 3)" in sim.apa().full_result
    assert "grit =~ -0.7*grit_1 + 0.7*grit_2" in sim.r_call
    # the default ids and prefixes: instrument ids with '-' turned into '_'
    d2 = simulate(["agq-r", "phq-9"], n=20, seed=1).data
    assert "agq_r_1" in d2.columns and "phq_9_9" in d2.columns


def test_reverse_keyed_items_are_answered_reversed():
    sim = simulate(INSTR, GRIT_PROCR, n=3000, seed=4)
    g = sim.latent["grit"]
    r = {i: np.corrcoef(sim.data[f"grit_{i}"].astype(float), g)[0, 1] for i in range(1, 9)}
    # population r of a 5-category item with loading .7 is about ±.65; SE ≈ .011 at n = 3000
    assert all(r[i] < -0.5 for i in (1, 3, 5, 6)) and all(r[i] > 0.5 for i in (2, 4, 7, 8))


@pytest.mark.parametrize("instrument,skew", [("phq-9", 1.0), ("pps", -0.4)])
def test_category_shares_follow_the_thresholds(instrument, skew):
    n = 20000
    sim = simulate([instrument], n=n, seed=5)
    inst = load_instrument(instrument)
    k = inst.response.n_options
    cuts = np.linspace(-SPREAD, SPREAD, k - 1) + skew
    p = np.diff(np.concatenate([[0.0], stats.norm.cdf(cuts), [1.0]]))   # y* is N(0, 1) marginally
    assert sim.factors.loc[0, "skew"] == skew
    col = sim.data[sim.data.columns[1]].astype(float)                   # item 1, not reversed
    observed = np.array([(col == inst.response.min + c).mean() for c in range(k)])
    se = np.sqrt(p * (1 - p) / n)
    assert np.all(np.abs(observed - p) <= 4 * se), (observed, p)


def test_missing_share_and_code():
    n = 2000
    sim = simulate(INSTR, GRIT_PROCR, n=n, seed=6, missing_share=0.05)
    items = sim.data.drop(columns="respondent_id")
    cells = items.size
    share = items.isna().to_numpy().mean()
    assert abs(share - 0.05) <= 4 * math.sqrt(0.05 * 0.95 / cells)
    coded = simulate(INSTR, GRIT_PROCR, n=n, seed=6, missing_share=0.05, missing=-99)
    vals = coded.data.drop(columns="respondent_id")
    assert vals.isna().to_numpy().sum() == 0
    assert ((vals == -99).to_numpy() == items.isna().to_numpy()).all()      # the same cells, coded
    assert yaml.safe_load(coded.study_yaml())["missing_codes"] == [-99]


def test_study_yaml_is_written_by_the_yaml_library():
    """The study file is dumped by PyYAML (issue 20), and says what the hand-written f-string text said."""
    sim = simulate(INSTR, GRIT_PROCR, n=100, seed=3, missing=-99, missing_share=0.05)
    text = sim.study_yaml()
    assert text.startswith("# SYNTHETIC data: goalscope simulate (seed 3); no real respondents.\n")
    assert yaml.safe_load(text) == {
        "name": "simulated", "title": "Simulated survey (synthetic, seed 3)", "data": "responses.csv",
        "id": "respondent_id", "missing_codes": [-99],
        "instruments": {"grit": {"instrument": "grit-s", "columns": "grit_{n}"},
                        "procr": {"instrument": "pps", "columns": "procr_{n}"}},
        "seed": 3}

def test_the_written_study_file_loads(tmp_path):
    sim = simulate(INSTR, GRIT_PROCR, n=100, seed=3, missing=-99, missing_share=0.05)
    sim.write_study(tmp_path / "study.yaml")
    study = load_study(tmp_path / "study.yaml")
    assert study.missing_codes == [-99] and sorted(study.instruments) == ["grit", "procr"]


def test_careless_respondents():
    n = 4000
    sim = simulate(INSTR, GRIT_PROCR, n=n, seed=7, careless=0.1)
    kind = sim.truth.careless
    share = (kind != "").mean()
    assert abs(share - 0.1) <= 4 * math.sqrt(0.1 * 0.9 / n)
    assert set(kind.unique()) == {"", "straight", "random"}
    straight = sim.data[kind == "straight"]
    for prefix, k in (("grit", 8), ("procr", 12)):
        block = straight[[f"{prefix}_{i}" for i in range(1, k + 1)]]
        assert (block.nunique(axis=1) == 1).all()
    rnd = sim.data[kind == "random"][[f"procr_{i}" for i in range(1, 13)]].astype(float)
    # random answers are uniform on 1-5: mean 3, and unrelated to the latent score
    assert abs(rnd.to_numpy().mean() - 3) <= 4 * math.sqrt(2 / rnd.size)
    only = simulate(INSTR, GRIT_PROCR, n=500, seed=7, careless=0.2, careless_kinds=("random",))
    assert set(only.truth.careless.unique()) == {"", "random"}


def test_teams_with_a_latent_icc():
    teams, size, icc = 100, 10, 0.2
    sim = simulate(INSTR, GRIT_PROCR, n=teams * size, seed=8, teams=teams, icc=icc)
    d = sim.data
    assert d.team.value_counts().tolist() == [size] * teams
    assert sim.truth.team.equals(d.team)
    # ICC(1) from the one-way ANOVA of each latent factor; SE from Fisher's large-sample formula
    se = math.sqrt(2 * (1 - icc) ** 2 * (1 + (size - 1) * icc) ** 2 / (size * (size - 1) * (teams - 1)))
    for f in ("grit", "procr"):
        x = sim.latent[f]
        grand = x.mean()
        means = x.groupby(d.team).mean()
        msb = size * ((means - grand) ** 2).sum() / (teams - 1)
        msw = ((x - d.team.map(means)) ** 2).sum() / (teams * (size - 1))
        est = (msb - msw) / (msb + (size - 1) * msw)
        assert abs(est - icc) <= 3 * se, (f, est)
    study = yaml.safe_load(sim.study_yaml())
    assert study["group"] == "team" and study["keep"] == ["team"]


@pytest.mark.slow
def test_setback_recovery_depends_on_the_goal():
    from analysis.models import setback_recovery

    spec = {"goal": "grit", "drop": 0.8, "rate": 0.4, "goal_effect": 0.3}
    sim = simulate(INSTR, GRIT_PROCR, n=400, seed=9, setback=spec)
    d = sim.data.assign(grit_latent=sim.latent["grit"])
    cols = ["performance_1", "performance_2", "performance_3"]
    assert set(cols) <= set(d.columns)
    fit = setback_recovery(d, cols, ["grit_latent"], id_column="respondent_id").fixed_effects.set_index("term")
    # performance is written as 70 + 10 × (SD units): drop −8, recovery × goal +3
    for term, truth in (("drop", -8.0), ("recovery:grit_latent", 3.0)):
        assert abs(fit.loc[term, "estimate"] - truth) <= 3 * fit.loc[term, "se"], (term, fit.loc[term])


def test_same_seed_same_bytes(tmp_path):
    a = simulate(INSTR, GRIT_PROCR, n=150, seed=10, missing_share=0.02, careless=0.05, teams=10, icc=0.1,
                 setback=True).write(tmp_path / "a.csv")
    b = simulate(INSTR, GRIT_PROCR, n=150, seed=10, missing_share=0.02, careless=0.05, teams=10, icc=0.1,
                 setback=True).write(tmp_path / "b.csv")
    assert open(a, "rb").read() == open(b, "rb").read()
    fresh = simulate(INSTR, GRIT_PROCR, n=10)          # seed=None: a fresh seed, stated, repeats the draw
    assert isinstance(fresh.seed, int) and f"seed {fresh.seed})" in fresh.apa()
    pd.testing.assert_frame_equal(simulate(INSTR, GRIT_PROCR, n=10, seed=fresh.seed).data, fresh.data)


def test_the_whole_road_runs_on_the_export(tmp_path):
    sim = simulate({"goals": "agq-r", "grit": "grit-s", "mood": "phq-9"}, n=120, seed=11, missing_share=0.02,
                   missing=-99, response={"goals": {"min": 1, "max": 7}}, teams=6, setback=True)
    assert sim.data[[f"goals_{i}" for i in range(1, 13)]].replace(-99, pd.NA).max().max() <= 7
    raw = tmp_path / "raw"
    sim.write(raw / "responses.csv")
    sim.write_study(raw / "study.yaml")
    study = load_study(raw / "study.yaml")
    assert study.instruments["goals"].response == {"min": 1, "max": 7}
    res = run_study(raw / "study.yaml", processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    assert len(res.scores) == 120
    assert {"goals_mastery_approach", "grit_grit", "mood_total"} <= set(res.scores.columns)
    assert len(res.audit) == int((sim.data == -99).to_numpy().sum())       # every -99 listed as missing


@pytest.mark.parametrize("kwargs,text", [
    ({"correlations": pd.DataFrame([[1, .2], [.2, 1]], index=["grit", "x"], columns=["grit", "x"])},
     "names 'x', which is neither an instrument nor a scale"),
    ({"correlations": pd.DataFrame([[1, .2], [.3, 1]], index=["grit", "procr"], columns=["grit", "procr"])},
     "not symmetric"),
    ({"correlations": pd.DataFrame([[1, .2], [.2, 1]], index=["grit", "procr"], columns=["procr", "grit"])},
     "same names, in the same order"),
    ({"correlations": pd.DataFrame([[.9, .2], [.2, 1]], index=["grit", "procr"], columns=["grit", "procr"])},
     "diagonal"),
    ({"correlations": pd.DataFrame(np.eye(3), index=["grit", "procr", "procr_decisional"],
                                   columns=["grit", "procr", "procr_decisional"])}, "puts item 1 of 'procr' in both"),
    ({"correlations": _two("grit", "procr_decisional", .2)}, "in no factor"),
    ({"correlations": np.eye(2)}, "square DataFrame"),
    ({"correlations": GRIT_PROCR, "n": 1}, "n=1 is not a number of respondents"),
    ({"correlations": GRIT_PROCR, "missing_share": 1.5}, "missing_share"),
    ({"correlations": GRIT_PROCR, "careless": 0.1, "careless_kinds": ("sleepy",)}, "careless_kinds"),
    ({"correlations": GRIT_PROCR, "icc": 0.2}, "icc needs teams"),
    ({"correlations": GRIT_PROCR, "teams": 1}, "teams=1 is not a number of teams"),
    ({"correlations": GRIT_PROCR, "loadings": 1.2}, "loading 1.2"),
    ({"correlations": GRIT_PROCR, "setback": {"goal": "nope"}}, "names goal 'nope'"),
    ({"correlations": GRIT_PROCR, "setback": {"wave": 3}}, "has unknown options wave"),
    ({"correlations": GRIT_PROCR, "response": {"other": {"min": 1, "max": 7}}}, "is given for other"),
    ({"correlations": GRIT_PROCR, "seed": "x"}, "seed"),
])
def test_bad_arguments_are_clear_errors(kwargs, text):
    with pytest.raises(GoalscopeError, match=text):
        simulate(INSTR, **kwargs)


def test_not_positive_definite_and_constructs():
    bad = pd.DataFrame([[1, .9, .9], [.9, 1, -.9], [.9, -.9, 1]], index=list("abc"), columns=list("abc"))
    with pytest.raises(GoalscopeError, match="not positive definite"):
        simulate({"a": "grit-s", "b": "pps", "c": "phq-9"}, bad)
    sim = simulate(INSTR, _two("perseverance", "procrastination", -.4), n=30, seed=1,
                   constructs={"perseverance": "grit", "procrastination": "procr"})
    assert sim.factors.factor.tolist() == ["perseverance", "procrastination"]
    with pytest.raises(GoalscopeError, match="uses instrument prefix 'pps' twice"):
        simulate(["pps", "pps"], n=5)


REG = pd.DataFrame({"id": ["a", "b", "c", "d", "e"],
                    "construct_x": ["mastery_approach", "performance_avoidance", "mastery_approach", "grit",
                                    "mastery_approach"],
                    "construct_y": ["depression", "depression", "depression", "depression", "anxiety"],
                    "kind": ["r", "r", "r", "direction", "r"], "value": [-0.18, 0.16, -0.30, None, -0.10],
                    "subgroup": [None, None, "a subgroup", None, None]})


def test_target_from_findings():
    from analysis.findings.simulation import target_from_findings

    m = target_from_findings({"mastery_approach": "map", "performance_avoidance": "pav", "depression": "mood"}, REG)
    assert m.loc["map", "mood"] == -0.18 and m.loc["mood", "pav"] == 0.16 and m.loc["map", "pav"] == 0
    # several values for one pair are averaged on Fisher's z (subgroups only when asked for by id)
    both = target_from_findings({"mastery_approach": "map", "depression": "mood"}, REG, ids=["a", "c"])
    assert both.loc["map", "mood"] == pytest.approx(math.tanh((math.atanh(-0.18) + math.atanh(-0.30)) / 2), abs=1e-15)
    with pytest.raises(GoalscopeError, match="no registered correlation"):
        target_from_findings({"grit": "grit", "depression": "mood"}, REG)
    with pytest.raises(GoalscopeError, match="not in the registry"):
        target_from_findings({"grit": "grit"}, REG, ids=["zz"])
    target = target_from_findings({"mastery_approach": "grit", "depression": "mood"}, REG)
    sim = simulate({"grit": "grit-s", "mood": "phq-9"}, target, n=10, seed=1)
    assert sim.correlations.loc["grit", "mood"] == -0.18


@pytest.mark.parametrize("instrument", sorted(__import__("analysis").list_instruments()["id"]))
def test_every_shipped_instrument_simulates_and_scores_with_its_keys(instrument):
    from analysis import score

    sim = simulate([instrument], n=600, seed=13)
    inst = load_instrument(instrument)
    prefix = sim.factors.prefix.iloc[0]
    items = sim.data.drop(columns="respondent_id").astype(float)
    assert items.min().min() >= inst.response.min and items.max().max() <= inst.response.max
    scores = score(sim.data, instrument, columns=f"{prefix}_{{n}}")
    for f in sim.factors.itertuples():
        scale = f.scale or next(s for s, sc in inst.scales.items() if set(sc.items) == set(inst.all_items))
        # keyed scoring of a factor's items must track its latent score (a wrong reverse key would not):
        # population r ≈ √α·(categorisation loss) > .7 for these keys; SE ≈ .02 at n = 600
        r = np.corrcoef(scores[scale], sim.latent[f.factor])[0, 1]
        assert r > 0.6, (instrument, scale, r)

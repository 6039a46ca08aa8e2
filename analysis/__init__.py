"""goalscope: score, check and model achievement-goal surveys.

Every station of the data flow is usable alone from a notebook::

    from analysis import read_responses, score, load_instrument
    df = read_responses("data/raw/demo/responses.csv")
    goals = score(df, "agq-r", columns="agq_{n}", response={"min": 1, "max": 7})
    goals.scores, goals.audit     # one row per input row; one row per value set to missing
"""

from ._lazy import lazy_exports
from ._version import __version__  # noqa: F401

# public names, imported from their modules on first use (see analysis/_lazy.py)
__all__ = lazy_exports(__name__, {
    ".errors": ["DataError", "GoalscopeError", "InstrumentError", "StudyError"],
    ".instruments": ["Instrument", "instrument_from_dict", "list_instruments", "load_instrument"],
    ".io": ["read_responses", "write_table"],
    ".datasets": ["list_datasets", "read_dataset"],
    ".scoring": ["ItemSet", "ScoreResult", "audit_frame", "prepare_items", "score", "score_items"],
    ".scoring.partitioned": ["PartitionedScores", "score_partitions"],
    ".screening": ["apply_rules", "careless", "screen"],
    ".psychometrics": ["bartlett", "cfa", "compare_models", "competing_models", "efa", "invariance",
                       "item_statistics", "kmo", "parallel_analysis", "polychoric", "reliability"],
    ".models": ["count_mediation", "count_regression", "correlations", "fit_mediation", "goal_profiles", "hierarchical_regression",
                "logistic_regression", "mediation", "mixed_model", "moderated_mediation", "moderation",
                "partial_correlation", "regression", "setback_recovery", "wide_to_long"],
    ".models.survey_design": ["replicate_design"],
    ".models.survey_weights": ["weighted_correlations", "weighted_descriptives",
                               "weighted_regression"],
    ".teams": ["ad_m", "aggregate", "agreement", "awg", "build_staff_report", "icc", "plan_suppression",
               "rgr_agree", "rwg", "rwg_j", "rwg_j_lindell", "team_climate_model", "write_staff_report"],
    ".findings": ["pool_effects", "published_findings", "replicate", "replicate_study"],
    ".goals": ["code_goals", "goal_agreement", "goal_shares", "load_lexicon", "write_coding_sheet"],
    ".findings.power": ["power_correlation", "power_correlation_difference", "power_regression"],
    ".findings.mediation_power": ["power_mediation"],
    ".findings.power_montecarlo": ["power_moderation"],
    ".findings.simulation": ["simulate"],
})

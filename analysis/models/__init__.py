"""Models of the links: correlations, regression, mediation, moderation, mixed models, profiles."""

from .._lazy import lazy_exports

# public names, imported from their modules on first use (see analysis/_lazy.py)
__all__ = lazy_exports(__name__, {
    ".counts": ["CountResult", "count_regression"],
    ".count_outcome_mediation": ["CountMediationResult", "count_mediation"],
    ".correlation_table": ["CorrelationTable", "correlations"],
    ".partial_pair": ["PartialCorrelationResult", "partial_correlation"],
    ".longitudinal": ["RecoveryResult", "setback_recovery", "wide_to_long"],
    ".indirect_effects": ["fit_mediation", "mediation"],
    ".mediation_result": ["MediationResult"],
    ".path_bootstrap": ["PathModel"],
    ".interactions": ["ModerationResult", "moderation"],
    ".conditional_process": ["ModeratedMediationResult", "moderated_mediation"],
    ".mixed": ["MixedResult", "mixed_model"],
    ".profiles": ["ProfileResult", "goal_profiles"],
    ".survey_design": ["ReplicateDesign", "replicate_design"],
    ".survey_weights": ["WeightedResult", "weighted_correlations", "weighted_descriptives", "weighted_regression"],
    ".linear_models": ["HierarchicalResult", "RegressionResult", "hierarchical_regression", "regression"],
    ".logistic": ["LogisticResult", "logistic_regression"],
})

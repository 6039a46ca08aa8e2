"""Models of the links: correlations, regression, mediation, moderation, mixed models, profiles."""

from .correlations import CorrelationTable, correlations, partial_correlation
from .longitudinal import RecoveryResult, setback_recovery, wide_to_long
from .mediation import MediationResult, PathModel, fit_mediation, mediation
from .moderation import ModeratedMediationResult, ModerationResult, moderated_mediation, moderation
from .mixed import MixedResult, mixed_model
from .profiles import ProfileResult, goal_profiles
from .regression import (HierarchicalResult, LogisticResult, RegressionResult, hierarchical_regression,
                         logistic_regression, regression)

__all__ = ["correlations", "partial_correlation", "CorrelationTable", "mixed_model", "MixedResult",
           "regression", "hierarchical_regression", "logistic_regression", "RegressionResult",
           "HierarchicalResult", "LogisticResult",
           "mediation", "fit_mediation", "MediationResult", "PathModel",
           "moderation", "moderated_mediation", "ModerationResult", "ModeratedMediationResult",
           "wide_to_long", "setback_recovery", "RecoveryResult",
           "goal_profiles", "ProfileResult"]

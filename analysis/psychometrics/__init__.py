"""Psychometrics: reliability (α, ω, item statistics), CFA by ML with lavaan's fit indices,
multi-group measurement invariance and EFA — every number checked against psych and lavaan."""

from .._lazy import lazy_exports

# public names, imported from their modules on first use (see analysis/_lazy.py)
__all__ = lazy_exports(__name__, {
    ".confirmatory": ["CFAResult", "cfa"],
    ".model_comparison": ["ModelComparison", "compare_models", "competing_models"],
    ".exploratory": ["EFAResult", "efa"],
    ".adequacy": ["BartlettResult", "KMOResult", "bartlett", "kmo"],
    ".dimensionality": ["ParallelAnalysisResult", "parallel_analysis"],
    ".ordinal": ["PolychoricResult", "polychoric"],
    ".keying": ["KeyingCheck", "KeyingWarning", "keying_check"],
    ".measurement_invariance": ["InvarianceResult", "invariance"],
    ".internal_consistency": ["ReliabilityResult", "reliability", "reliability_apa"],
    ".item_analysis": ["ItemStatistics", "item_statistics"],
    ".reliability_coefficients": ["feldt_ci", "spearman_brown"],
})

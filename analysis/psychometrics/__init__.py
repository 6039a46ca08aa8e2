"""Psychometrics: reliability (α, ω, item statistics), CFA by ML with lavaan's fit indices,
multi-group measurement invariance and EFA — every number checked against psych and lavaan."""

from .cfa import CFAResult, cfa, compare_models, competing_models
from .efa import EFAResult, bartlett, efa, kmo, parallel_analysis, polychoric
from .invariance import InvarianceResult, invariance
from .reliability import feldt_ci, item_statistics, reliability

__all__ = ["reliability", "item_statistics", "feldt_ci", "cfa", "CFAResult", "compare_models",
           "competing_models", "invariance", "InvarianceResult", "efa", "EFAResult", "kmo", "bartlett",
           "parallel_analysis", "polychoric"]

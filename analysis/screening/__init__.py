"""Screening: careless-responding indices, exclusion rules and the exclusion flow.

``careless(data, instrument, ...)`` computes the indices per respondent (careless 1.2.2
definitions); ``apply_rules(indices, rules, data)`` flags every respondent under every rule and
returns the exclusion flow; ``screen(...)`` does both. Nothing is dropped.
"""

from .careless import careless, collect_items, screening_audit
from .indices import evenodd, irv, longstring, mahad, psychant, psychsyn, psychsyn_critval
from .rules import RULE_NAMES, ScreeningResult, apply_rules, load_rules, parse_rules, screen

__all__ = ["careless", "collect_items", "screening_audit", "longstring", "irv", "mahad", "evenodd", "psychsyn", "psychant",
           "psychsyn_critval", "apply_rules", "screen", "parse_rules", "load_rules", "ScreeningResult",
           "RULE_NAMES"]

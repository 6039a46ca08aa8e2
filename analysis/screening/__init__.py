"""Screening: careless-responding indices, exclusion rules and the exclusion flow.

``careless(data, instrument, ...)`` computes the indices per respondent (careless 1.2.2
definitions); ``apply_rules(indices, rules, data)`` flags every respondent under every rule and
returns the exclusion flow; ``screen(...)`` does both. Nothing is dropped.
"""

from .._lazy import lazy_exports

# public names, imported from their modules on first use (see analysis/_lazy.py)
__all__ = lazy_exports(__name__, {
    ".careless_responding": ["careless"],
    ".careless_result": ["CarelessResult", "screening_audit"],
    ".screened_items": ["collect_items"],
    ".indices": ["evenodd", "irv", "longstring", "mahad"],
    ".synonym_pairs": ["psychant", "psychsyn", "psychsyn_critval"],
    ".rule_schema": ["RULE_NAMES", "load_rules", "parse_rules"],
    ".rules": ["apply_rules", "screen"],
    ".screening_result": ["ScreeningResult"],
})

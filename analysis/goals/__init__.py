"""Goals: staff goal statements coded as outcome, performance or mastery goals, with human-coder agreement."""

from .._lazy import lazy_exports

# public names, imported from their modules on first use (see analysis/_lazy.py)
__all__ = lazy_exports(__name__, {
    ".lexicon": ["LexiconError", "load_lexicon"],
    ".coder": ["GoalCoding", "code_goals", "code_statement"],
    ".agreement": ["AgreementResult", "agreement_between", "cohen_kappa", "krippendorff_alpha"],
    ".sheet": ["SheetPlan", "goal_agreement", "plan_coding_sheet", "read_coding_sheet", "write_coding_sheet"],
    ".shares": ["GoalShares", "goal_shares"],
    ".features": ["statement_features"],
    ".rewrite": ["mastery_rewrite"],
    ".model": ["CoderFileError", "GoalCoder", "default_goal_coder", "load_goal_coder", "train_goal_coder"],
})

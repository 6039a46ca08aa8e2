"""Map study columns to instrument items, clean them, and score subscales."""

from .mapping import ItemSet, check_ids, prepare_items, resolve_columns
from .scorer import ScoreResult, audit_frame, score, score_items, scores_by_row

__all__ = ["ItemSet", "prepare_items", "resolve_columns", "check_ids", "score", "score_items", "audit_frame",
           "ScoreResult", "scores_by_row"]

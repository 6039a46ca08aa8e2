"""goalscope: score, check and model achievement-goal surveys.

Every station of the data flow is usable alone from a notebook::

    from analysis import read_responses, score, load_instrument
    df = read_responses("data/raw/demo/responses.csv")
    scores = score(df, "agq-r", columns="agq_{n}", response={"min": 1, "max": 7})
"""

from .errors import DataError, GoalscopeError, InstrumentError, StudyError
from .instruments import Instrument, instrument_from_dict, list_instruments, load_instrument
from .io import read_responses, write_table
from .scoring import ItemSet, audit_frame, prepare_items, score, score_items
from .screening import apply_rules, careless, screen
from .psychometrics import (bartlett, cfa, compare_models, competing_models, efa, invariance, item_statistics, kmo,
                            parallel_analysis, polychoric, reliability)
from .models import (correlations, fit_mediation, goal_profiles, hierarchical_regression, logistic_regression,
                     mediation, mixed_model, moderated_mediation, moderation, partial_correlation, regression,
                     setback_recovery, wide_to_long)
from .teams import (ad_m, aggregate, agreement, awg, build_staff_report, icc, plan_suppression, rgr_agree, rwg,
                    rwg_j, rwg_j_lindell, team_climate_model, write_staff_report)

__version__ = "0.1.0"

__all__ = [
    # errors
    "GoalscopeError", "DataError", "InstrumentError", "StudyError",
    # instruments, reading, scoring
    "Instrument", "load_instrument", "list_instruments", "instrument_from_dict",
    "read_responses", "write_table",
    "ItemSet", "prepare_items", "score", "score_items", "audit_frame",
    # screening
    "careless", "apply_rules", "screen",
    # psychometrics
    "reliability", "item_statistics", "cfa", "compare_models", "competing_models", "invariance", "efa", "kmo",
    "bartlett", "parallel_analysis", "polychoric",
    # models
    "correlations", "partial_correlation", "regression", "hierarchical_regression", "logistic_regression",
    "mediation", "fit_mediation", "moderation", "moderated_mediation", "mixed_model", "wide_to_long",
    "setback_recovery", "goal_profiles",
    # teams
    "agreement", "rwg", "rwg_j", "rwg_j_lindell", "ad_m", "awg", "rgr_agree", "icc", "aggregate",
    "team_climate_model", "plan_suppression", "build_staff_report", "write_staff_report",
]

"""A study is a file: ``from analysis.study import load_study, run_study``.

The pipeline itself lives in :mod:`analysis.pipeline`, one job per module, in the order a study
travels: :mod:`~analysis.pipeline.schema` (the study file and its checks),
:mod:`~analysis.pipeline.walk` (read, score, screen, measure, model, replicate, write; the instruments
scored and screened in :mod:`~analysis.pipeline.study_instruments`, the result in
:mod:`~analysis.pipeline.study_result`),
:mod:`~analysis.pipeline.measurement`, :mod:`~analysis.pipeline.analyses` (the declared models),
:mod:`~analysis.pipeline.report` (the full report) and :mod:`~analysis.pipeline.manifest`.
This module is the short name a notebook imports.
"""

from .io.pseudonyms import PSEUDONYM_ENV, pseudonym_key, pseudonymise  # noqa: F401
from .pipeline.schema import InstrumentUse, Study, load_study, study_key  # noqa: F401
from .pipeline.study_instruments import (instrument_specs, score_study, scoring_key, scoring_rules,  # noqa: F401
                                         screen_study)
from .pipeline.study_result import StudyResult  # noqa: F401
from .pipeline.walk import QUALTRICS_IDENTIFIERS, run_study, study_inputs  # noqa: F401

__all__ = ["InstrumentUse", "Study", "StudyResult", "instrument_specs", "load_study", "pseudonymise", "run_study",
           "score_study", "scoring_key", "scoring_rules", "screen_study"]

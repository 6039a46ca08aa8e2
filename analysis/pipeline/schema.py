"""The study file: its schema and :func:`load_study` (errors name the file and the field).

A study is one folder: the export, ``study.yaml`` and any key files beside it. The schema says how
each instrument appears in the export (columns, quirks, scoring-rule overrides), which columns are
kept, the screening rules, what each column measures (``constructs:``, the findings registry's
vocabulary, and ``measures:``, the kind of measure where a finding holds for one kind only: e.g.
``{performance_approach: normative}``), the declared ``analyses:`` and whether registered findings
are replicated.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..errors import GoalscopeError, InstrumentError, StudyError, keyword_hints
from ..instruments import load_instrument
from ..io.yamlfile import load_yaml, validate

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


Method = Literal["mean", "sum", "prorated_sum", "scaled_sum"]
#: methods on the same metric (a severity band keeps its meaning when one is swapped for another)
_SAME_METRIC = {"sum": "sum", "prorated_sum": "sum", "mean": "mean", "scaled_sum": "scaled_sum"}


class InstrumentUse(_Strict):
    """How one instrument appears in this study's export."""

    instrument: str
    columns: str | dict[int | str, str] | list[str] | None = None
    response: dict[str, Any] | None = None
    recode: dict[float, float] | None = None
    missing: list[Any] | None = None
    labels: dict[Any, Any] | None = None
    reversed_in_file: list[int | str] | None = None
    anchors_reversed: bool = False
    min_valid: int | dict[str, int] | None = None
    method: Method | dict[str, Method] | None = None
    on_invalid: Literal["error", "missing"] | None = None


class SurveyWeights(_Strict):
    """``weights:`` the final weight and the replicate weights (:func:`analysis.models.replicate_design`):
    ``{final: W_FSTUWT, replicates: "W_FSTURWT{n}", method: fay, fay_k: 0.5}``."""

    final: str
    replicates: str | list[str]
    method: Literal["fay", "brr", "jk2"] = "fay"
    fay_k: float | None = None


#: library keywords that a study file spells as a field of the instrument entry (``instruments: {gps: …}``)
#: or of the study itself (``id:`` for ``id_column=``)
INSTRUMENT_FIELDS = ("columns", "response", "recode", "missing", "labels", "reversed_in_file",
                     "anchors_reversed", "min_valid", "method", "on_invalid")
STUDY_FIELDS = {"id_column": "id", "encoding": "encoding", "delimiter": "delimiter", "qualtrics": "qualtrics",
                "allow_outside_data": "allow_outside_data", "header_row": "header_row"}
_HINT = keyword_hints(INSTRUMENT_FIELDS + tuple(STUDY_FIELDS))


def study_error(exc: GoalscopeError, study_name: str, alias: str) -> GoalscopeError:
    """``exc`` raised while scoring instrument ``alias`` of a study, worded for the study file: its keyword
    hints (``columns=``, ``on_invalid='missing'``) become the fields a user edits (``'columns:' of
    instrument 'gps'``, ``'on_invalid: missing' of instrument 'gps'``), and the command line prints it
    as written (never as flags).

    Examples
    --------
    >>> from analysis.errors import DataError
    >>> str(study_error(DataError("Check columns= (the pattern), or pass on_invalid='missing'."), "s", "gps"))
    "study 's', instrument 'gps': Check 'columns:' of instrument 'gps' (the pattern), or set 'on_invalid: missing' of instrument 'gps'."
    """
    text = re.sub(r"\b(\w+)= / \1:", r"\1=", str(exc))          # "(missing= / missing:)" names both forms
    text = re.sub(r" \(study file: \w+:\)", "", text)

    def field(m) -> str:
        name, value = m.group(1), m.group(2)
        key = STUDY_FIELDS.get(name, name)
        if value is not None:
            value = {"True": "true", "False": "false"}.get(value, value.replace("'", "").replace('"', ""))
        said = f"'{key}: {value}'" if value is not None else f"'{key}:'"
        return said if name in STUDY_FIELDS else f"{said} of instrument '{alias}'"

    text = re.sub(r"\bpass ('\w+:)", r"set \1", _HINT.sub(field, text))
    out = exc.reworded(f"study '{study_name}', instrument '{alias}': {text}")
    out.names_fields = True
    return out


#: study-file keys that nothing reads any more: accepted for one release with a FutureWarning (old study
#: files keep working), refused after that like any unknown key
RETIRED_KEYS = {
    "teams": "the staff report is made by 'goalscope teams' with its own options",
    "report": "the study report has no options; 'goalscope run' writes it whole",
}


class Study(_Strict):
    """The study file (``study.yaml``)."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str | None = None
    data: str
    allow_outside_data: bool = False
    sheet: str | int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    qualtrics: bool | None = None
    header_row: int | None = Field(None, ge=1)
    id: str | None = None
    identifiers: list[str] = Field(default_factory=list)
    missing_codes: list[Any] = Field(default_factory=list)
    on_invalid: Literal["error", "missing"] = "error"
    keep: list[str] = Field(default_factory=list)
    group: str | None = None
    instruments: dict[str, InstrumentUse] = Field(min_length=1)
    screening: dict[str, Any] | None = None
    constructs: dict[str, str] = Field(default_factory=dict)
    measures: dict[str, str] = Field(default_factory=dict)
    analyses: list[Any] | None = None
    weights: SurveyWeights | None = None                                      # replicate-weight design
    plausible_values: dict[str, str | list[str]] = Field(default_factory=dict)   # {MATH: "PV{n}MATH"}
    replicate: bool = False
    seed: int = Field(2026, ge=0)
    path: str | None = Field(None, exclude=True)

    def resolve(self, relative: str) -> Path:
        """A path in the study file, relative to the study file's folder."""
        p = Path(relative)
        return p if p.is_absolute() else Path(self.path).parent / p


def load_study(path) -> Study:
    """Read and validate a study file; errors name the file and the field.

    ``path`` is the study file's path; a :class:`Study` that ``load_study`` already returned is
    given back as it is (so ``run_study(load_study(f))`` reads the file once and works).
    """
    if isinstance(path, Study):
        return path
    if not isinstance(path, (str, os.PathLike)):
        raise StudyError(f"must be the path of a study file, not a value of type {type(path).__name__}",
                         argument="path", value=path, hint="Give the path of the study file (study.yaml), or what "
                                               "load_study returned for it.")
    p = Path(path)
    spec = load_yaml(p, "study file", StudyError)
    if not isinstance(spec, dict):
        raise StudyError("must be a study: a mapping with name, data and instruments", file=str(p),
                         hint="Write name:, data: and instruments: as fields at the top level of the file.")
    for key in [k for k in RETIRED_KEYS if k in spec]:
        warnings.warn(f"study file '{p}': key '{key}' is not read ({RETIRED_KEYS[key]}); remove it, it is "
                      f"refused from the next release", FutureWarning, stacklevel=2)
        spec = {k: v for k, v in spec.items() if k != key}
    study = validate(Study, spec, f"study file '{p}'", StudyError, limit=4)
    study.path = str(p)
    from ..findings.registry import VOCABULARY_HINT
    from ..findings.schema import CONSTRUCTS, MEASURES, unknown_names
    from .analysis_specs import parse_analyses

    problem = unknown_names(study.constructs, CONSTRUCTS)
    if problem:
        raise StudyError(problem, file=str(p), field="constructs", hint=VOCABULARY_HINT)
    problem = unknown_names(study.measures, study.constructs, "construct in 'measures' (map it under "
                            "'constructs:' first)") or unknown_names(study.measures.values(), MEASURES, "measure")
    if problem:
        raise StudyError(problem, file=str(p), field="measures", hint=VOCABULARY_HINT)
    parse_analyses(study.analyses, source=f"study file '{p}'", file=str(p))
    if study.weights is not None and study.replicate:
        raise StudyError("'replicate: true' compares registered findings with unweighted correlations, and the "
                         "study declares 'weights:'", file=str(p), field="replicate",
                         hint="remove 'replicate: true' (or the weights) so no unweighted estimate stands beside the "
                              "weighted ones")
    if study.plausible_values and study.weights is None:
        raise StudyError("needs 'weights:' (the final and replicate weights whose variance Rubin's rules combine)",
                         file=str(p), field="plausible_values", hint="add weights: {final: ..., replicates: ...}")
    if study.replicate and len(study.constructs) < 2:
        raise StudyError("'replicate: true' needs 'constructs:' naming at least two of the study's columns "
                         "(construct: column), so registered findings can be matched", file=str(p), field="replicate",
                         hint="map two or more constructs under 'constructs:', or remove 'replicate: true'")
    return study


def study_key(study: Study, use: InstrumentUse):
    """The key of one study instrument (key files are relative to the study file); an id that names
    no key is refused at the study file's field (``instruments.goals.instrument``)."""
    if use.instrument.endswith((".yaml", ".yml")):
        return load_instrument(study.resolve(use.instrument))
    try:
        return load_instrument(use.instrument)
    except InstrumentError as exc:
        alias = next((a for a, u in study.instruments.items() if u is use), None)
        if alias is None or exc.parts().get("argument") != "instrument":
            raise
        raise StudyError(exc.problem, file=study.path, field=f"instruments.{alias}.instrument", value=use.instrument,
                         hint=exc.hint) from None

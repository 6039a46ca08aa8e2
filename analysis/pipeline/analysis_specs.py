"""The ``analyses:`` block of a study file as declared: one validated spec per entry (pydantic, one
model per type) and the column patterns it names, resolved against the scored columns. Running
them: :mod:`analysis.pipeline.analyses`.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter, field_validator

from ..checks import near_columns
from ..errors import UNSET, StudyError
from ..io.yamlfile import validate


#: suffixes of per-scale helper columns that a pattern such as ``goals_*`` never matches
HELPER_SUFFIXES = ("_n_valid", "_band")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str | None = None
    level: float = Field(0.95, gt=0, lt=1)
    #: where the entry was declared (set by :func:`parse_analyses`): the study file and its place in the
    #: ``analyses:`` list, counted from 1 as the messages count entries
    _file: str | None = PrivateAttr(None)
    _at: int | None = PrivateAttr(None)

    def entry_field(self, name: str | None = None) -> str:
        """The entry's path in the study file (``analyses[2]``, ``analyses[2].predictors``)."""
        entry = f"analyses[{self._at}]" if self._at is not None else f"analyses[id={self.id}]"
        return f"{entry}.{name}" if name else entry

    def refusal(self, problem: str, hint: str, name: str | None = None, value=UNSET) -> StudyError:
        """The study's refusal of this entry (or of its field ``name``), placed by file and field."""
        return StudyError(problem, file=self._file, field=self.entry_field(name), value=value, hint=hint)

    @field_validator("id")
    @classmethod
    def _id_is_a_file_name(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", v):
            raise ValueError("an analysis id names its output files: use letters, digits, '_' and '-'")
        return v


class CorrelationsSpec(_Spec):
    type: Literal["correlations"]
    columns: list[str] = Field(min_length=1)
    method: Literal["pearson", "spearman"] = "pearson"
    covar: list[str] = []
    padjust: Literal["holm", "bonferroni", "fdr_bh", "none"] | None = None
    nan_policy: Literal["pairwise", "listwise"] = "pairwise"


class RegressionSpec(_Spec):
    type: Literal["regression"]
    outcome: str
    predictors: list[str] = []
    steps: list[list[str]] = []                       # hierarchical blocks, entered in order
    covar: list[str] = []
    family: Literal["gaussian", "logistic", "poisson", "negative_binomial"] = "gaussian"
    threshold: float | None = None                    # logistic: outcome >= threshold is a case
    hc3: bool = False


class MediationSpec(_Spec):
    type: Literal["mediation"]
    x: str
    m: list[str] = Field(min_length=1)
    y: str
    covar: list[str] = []
    serial: bool = False
    w: str | None = None                              # a moderator makes it moderated mediation
    stage: Literal["first", "second"] = "first"
    n_boot: int = Field(5000, ge=100)
    ci_method: Literal["percentile", "bca"] = "percentile"
    family: Literal["gaussian", "poisson", "negative_binomial"] = "gaussian"   # a count outcome y


class ModerationSpec(_Spec):
    type: Literal["moderation"]
    x: str
    w: str
    y: str
    covar: list[str] = []
    hc3: bool = False


class RecoverySpec(_Spec):
    type: Literal["setback_recovery"]
    scores: list[str] = Field(min_length=3)
    predictors: list[str] = Field(min_length=1)
    covar: list[str] = []
    setback: int = 2


class MixedSpec(_Spec):
    type: Literal["mixed"]
    formula: str
    group: str
    re_formula: str | None = None


class ProfilesSpec(_Spec):
    type: Literal["profiles"]
    columns: list[str] = Field(min_length=1)
    k_max: int = Field(5, ge=1, le=10)
    k: int | None = None


class PowerSpec(_Spec):
    """Power of a correlation test: the N needed for each ``power`` and the power at this study's N,
    for a declared ``r`` or a registered ``finding`` (its published r)."""

    type: Literal["power"]
    r: float | None = Field(None, gt=-1, lt=1)
    finding: str | None = None
    power: list[float] = Field(default_factory=lambda: [0.8, 0.9, 0.95])
    alpha: float = Field(0.05, gt=0, lt=1)


AnalysisSpec = Annotated[Union[CorrelationsSpec, RegressionSpec, MediationSpec, ModerationSpec, RecoverySpec,
                               MixedSpec, ProfilesSpec, PowerSpec], Field(discriminator="type")]


ANALYSIS_TYPES = ["correlations", "regression", "mediation", "moderation", "setback_recovery", "mixed", "profiles",
                  "power"]


_ADAPTER = TypeAdapter(list[AnalysisSpec])


def parse_analyses(entries, source: str = "study file", file=None) -> list:
    """Validate an ``analyses:`` block; errors name the file, the entry and the field.

    ``file`` is the study file the block was read from: a refusal names it and the entry's path
    (``analyses[2].type``, entries counted from 1), and each spec keeps both for the refusals of
    :func:`run_analysis`.

    >>> specs = parse_analyses([{"id": "links", "type": "correlations", "columns": ["a", "b"]}])
    >>> specs[0].type, specs[0].method
    ('correlations', 'pearson')
    >>> parse_analyses([{"id": "links", "type": "anova"}], file="study.yaml")
    Traceback (most recent call last):
    ...
    analysis.errors.StudyError: file 'study.yaml', field 'analyses[1].type', value 'anova': unknown type (types: correlations, regression, mediation, moderation, setback_recovery, mixed, profiles, power). Name one of these types.
    """
    entries = entries or []
    said = None if file else source      # the words for the block's origin when no file is given
    if not isinstance(entries, list):
        raise StudyError("must be a list of entries, each with an id and a type", file=file, field="analyses",
                         value=entries, within=said,
                         hint="Start each entry with '- ', e.g. '- {id: links, type: correlations, columns: [...]}'.")
    types = ", ".join(ANALYSIS_TYPES)
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or "type" not in e:
            raise StudyError(f"needs a 'type' (one of {types})", file=file, field=f"analyses[{i + 1}]",
                             within=said, hint="Add 'type:' to the entry.")
        if e["type"] not in ANALYSIS_TYPES:
            raise StudyError(f"unknown type (types: {types})", file=file, field=f"analyses[{i + 1}].type",
                             value=e["type"], within=said, hint="Name one of these types.")
    def where(exc):   # the entry is known only from the error's location
        i = exc.errors()[0]["loc"][0]
        name = entries[i].get("id", "?") if isinstance(i, int) else "?"
        return f"{source}: analyses entry {i + 1 if isinstance(i, int) else '?'} ('{name}')"

    specs = validate(_ADAPTER, entries, where, StudyError, skip=2)
    seen = {}
    for at, s in enumerate(specs, start=1):
        s._file, s._at = file, at
        if s.id in seen:
            raise s.refusal(f"two analyses have the id '{s.id}' (entries {seen[s.id]} and {at})",
                            "ids name output files and must differ", name="id", value=s.id)
        seen[s.id] = at
    return specs


def expand_columns(patterns, available, source: str = "study file", what: str = "analysis", file=None,
                   field=None) -> list[str]:
    """Column names for a list of names and ``alias_*`` patterns, in the data's order.

    A pattern matches scale scores only, never the helper columns ``<scale>_n_valid`` and
    ``<scale>_band``; a plain name must exist. A refusal names ``file`` and ``field`` (the study
    file and the entry that lists the names), or ``source`` and ``what`` where there is no file.

    >>> expand_columns(["goals_*", "procr_total"], ["goals_map", "goals_map_n_valid", "procr_total"])
    ['goals_map', 'procr_total']
    """
    out: list[str] = []
    available = list(available)
    for p in patterns:
        if any(ch in p for ch in "*?["):
            hits = [c for c in available if fnmatch.fnmatchcase(c, p) and not c.endswith(HELPER_SUFFIXES)]
            if not hits:
                raise StudyError(f"the pattern '{p}' matches no scored column", file=file, field=field,
                                 within=None if file else f"{source}, {what}",
                                 hint=(near_columns(p, available) + " Write a pattern that matches the scores "
                                       "(alias_*).").strip())
            out.extend(h for h in hits if h not in out)
        else:
            if p not in available:
                close = [c for c in available if c.split("_")[0] == p.split("_")[0]][:6]
                hint = f" Columns of that instrument: {', '.join(close)}." if close else ""
                raise StudyError(f"column '{p}' is not in the scores", file=file, field=field,
                                 within=None if file else f"{source}, {what}",
                                 hint="Name a scored or kept column." + hint + near_columns(p, available))
            if p not in out:
                out.append(p)
    return out

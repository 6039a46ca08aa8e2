"""The schema of a registered finding: one published effect linking two constructs.

A finding either carries the number its source published (``kind: r``, ``beta`` or ``d`` with a
``value`` and, where published, a ``ci`` or ``se``) or only the direction the source states
(``kind: direction``). A direction-only finding carries **no** number: the schema refuses a value, a
CI or an SE on it, so that nothing unpublished can slip into the registry. Every finding names its
source (a DOI or URL, and where in it the number or statement stands) and a verification status:
``V`` read in the source named, ``S`` secondary source only. A finding that holds for one kind of
measure only names it (``measures: {performance_approach: normative}``, vocabulary
:data:`MEASURES`); a pooled r may carry the between-study SD ``tau`` (Fisher z) its source publishes.

Entry (YAML)::

    - id: diaconu-gherasim-2024-map-depression
      citation: Diaconu-Gherasim, L. R., Elliot, A. J., ... (2024). ...
      doi: 10.1007/s10648-024-09943-5
      design: meta-analysis
      sample: {population: ..., note: 3 to 36 samples per relationship}
      constructs: [mastery_approach, depression]
      effect: {kind: r, value: -0.18, significant: true}
      status: V
      source: {urls: [https://...], location: abstract}
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..checks import unknown_names  # noqa: F401 - re-exported: findings name their unknowns with it
from ..instruments.measures import MEASURES  # noqa: F401 - re-exported: the kinds of measure a finding may need

#: The fixed vocabulary of constructs a finding may link; a study maps its columns onto these names.
CONSTRUCTS: dict[str, str] = {
    # 2 x 2 achievement goals
    "mastery_approach": "mastery-approach goals",
    "mastery_avoidance": "mastery-avoidance goals",
    "performance_approach": "performance-approach goals",
    "performance_avoidance": "performance-avoidance goals",
    # 3 x 2 achievement goals
    "task_approach": "task-approach goals (3x2 model)",
    "task_avoidance": "task-avoidance goals (3x2 model)",
    "self_approach": "self-approach goals (3x2 model)",
    "self_avoidance": "self-avoidance goals (3x2 model)",
    "other_approach": "other-approach goals (3x2 model)",
    "other_avoidance": "other-avoidance goals (3x2 model)",
    # other goal frameworks
    "learning_goal": "learning goals / learning goal orientation",
    "ability_goal": "ability(-validation) goals (Grant & Dweck, 2003)",
    "normative_goal": "normative performance goals (Grant & Dweck, 2003)",
    "outcome_goal": "outcome goals, e.g. wanting a good grade (Grant & Dweck, 2003)",
    "prove_goal": "prove performance goal orientation (VandeWalle, 1997)",
    "avoid_goal": "avoid performance goal orientation (VandeWalle, 1997)",
    "work_avoidance": "work-avoidance goal orientation",
    "validation_seeking": "validation-seeking goal orientation (Dykman, 1998)",
    # beliefs and traits
    "entity_beliefs": "entity (fixed) beliefs about ability",
    "incremental_beliefs": "incremental (malleable) beliefs about ability",
    "self_efficacy": "self-efficacy",
    "conscientiousness": "conscientiousness",
    "self_regulation": "self-regulation",
    # procrastination and persistence
    "procrastination": "procrastination (trait or academic)",
    "active_procrastination": "'active' procrastination (deliberate delay)",
    "disorganization": "disorganization (learning-strategy scale)",
    "persistence": "persistence, sustained effort after setbacks",
    "grit": "grit (total score)",
    "perseverance_of_effort": "grit facet: perseverance of effort",
    # affect and outcomes
    "depression": "depressive symptoms / dysphoria",
    "anxiety": "anxiety",
    "negative_affect": "negative affect",
    "self_esteem_loss": "loss of self-esteem after a negative event",
    "performance": "performance: grades, test scores or task performance",
    "job_performance": "job performance and other work outcomes",
}

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sample(_Strict):
    """Who the effect rests on. ``n`` is the N behind this effect where the source states one."""

    n: int | None = Field(None, ge=4, description="respondents behind the effect (primary study)")
    k: int | None = Field(None, ge=1, description="studies, samples or effect sizes pooled (meta-analysis)")
    n_total: int | None = Field(None, ge=1, description="total participants over all pooled studies")
    population: str = Field(min_length=3)
    note: str | None = None


class Source(_Strict):
    """Where the number (or the stated direction) was read: the address and the place in it."""

    urls: list[str] = Field(min_length=1)
    location: str = Field(min_length=3, description="where in the source: 'abstract', 'Table 2', …")

    @field_validator("urls")
    @classmethod
    def _urls(cls, v):
        bad = [u for u in v if not u.startswith(("http://", "https://"))]
        if bad:
            raise ValueError(f"each source must be a full http(s) address: {', '.join(bad)}")
        return v


class Effect(_Strict):
    """The published effect: a number (``r``, ``beta``, ``d``) or only its direction."""

    kind: Literal["r", "beta", "d", "direction"]
    value: float | None = None
    ci: tuple[float, float] | None = None
    se: float | None = Field(None, gt=0)
    level: float = Field(0.95, gt=0, lt=1, description="confidence level of ci")
    direction: Literal["positive", "negative", "none", "nonzero"] | None = Field(
        None, description="for kind direction: the sign the source states; 'none' = no relation found, "
                          "'nonzero' = a relation whose sign the source read does not state")
    significant: bool | None = Field(None, description="as the source reports it")
    tau: float | None = Field(None, ge=0, description="between-study SD of a pooled r on Fisher's z scale, "
                                                      "as the source publishes it (heterogeneity)")
    note: str | None = None

    @model_validator(mode="after")
    def _check(self):
        if self.kind == "direction":
            numbers = [name for name in ("value", "ci", "se", "tau") if getattr(self, name) is not None]
            if numbers:
                raise ValueError(
                    f"a direction-only effect carries no number, but {', '.join(numbers)} is given: "
                    "give kind r, beta or d if the source publishes the value, else remove the number")
            if self.direction is None:
                raise ValueError("a direction-only effect needs 'direction' (positive, negative, none or nonzero)")
            return self
        if self.value is None:
            raise ValueError(f"an effect of kind {self.kind} needs its published 'value' "
                             "(or use kind: direction when no number is published)")
        if self.kind == "r" and not -1 < self.value < 1:
            raise ValueError(f"a correlation must lie strictly between -1 and 1 (got {self.value:g})")
        if self.ci is not None and not self.ci[0] <= self.value <= self.ci[1]:
            raise ValueError(f"ci [{self.ci[0]:g}, {self.ci[1]:g}] does not contain the value {self.value:g}")
        sign = "positive" if self.value > 0 else "negative" if self.value < 0 else "none"
        if self.direction is not None and self.direction != sign:
            raise ValueError(f"direction '{self.direction}' contradicts the value {self.value:g}")
        return self

    @property
    def sign(self) -> str:
        """positive / negative / none / nonzero: stated, or the sign of the value."""
        if self.direction is not None:
            return self.direction
        return "positive" if self.value > 0 else "negative" if self.value < 0 else "none"


class Finding(_Strict):
    """One published effect between two constructs (see the module docstring for the format)."""

    id: str
    citation: str = Field(min_length=10)
    doi: str | None = None
    design: Literal["correlational", "longitudinal", "experimental", "meta-analysis"]
    sample: Sample
    constructs: tuple[str, str]
    subgroup: str | None = Field(None, description="the part of the data the effect holds for")
    instruments: dict[str, str] = Field(default_factory=dict, description="construct -> instrument, where known")
    measures: dict[str, str] = Field(
        default_factory=dict, description="construct -> the kind of measure the effect holds for (MEASURES)")
    claim: Literal["finding", "prediction"] = Field(
        "finding", description="'prediction': the source read states the hypothesis, not its test")
    effect: Effect
    status: Literal["V", "S"]
    source: Source
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v):
        if not _ID.match(v):
            raise ValueError("use lower-case letters and digits joined by '-', e.g. howell-watson-2007-map-procrastination")
        return v

    @field_validator("doi")
    @classmethod
    def _doi(cls, v):
        if v is not None and not _DOI.match(v):
            raise ValueError("a DOI looks like 10.1037/0022-3514.85.3.541 (no https://doi.org/ prefix)")
        return v

    @field_validator("constructs")
    @classmethod
    def _constructs(cls, v):
        problem = unknown_names(v, CONSTRUCTS)
        if problem:
            raise ValueError(problem)
        if v[0] == v[1]:
            raise ValueError("a finding links two different constructs")
        return v

    @model_validator(mode="after")
    def _check(self):
        stray = [c for c in self.instruments if c not in self.constructs]
        if stray:
            raise ValueError(f"instruments named for constructs the finding does not link: {', '.join(stray)}")
        stray = [c for c in self.measures if c not in self.constructs]
        if stray:
            raise ValueError(f"measures named for constructs the finding does not link: {', '.join(stray)}")
        problem = unknown_names(self.measures.values(), MEASURES, "measure")
        if problem:
            raise ValueError(problem)
        if self.effect.tau is not None and (self.effect.kind != "r" or self.design != "meta-analysis"):
            raise ValueError("tau (between-study SD) belongs to a pooled r: give it only with kind r and design "
                             "meta-analysis")
        if self.design == "meta-analysis" and self.sample.n is not None:
            raise ValueError("a meta-analysis has no single N: give sample.k and sample.n_total instead of sample.n")
        return self

    @property
    def has_value(self) -> bool:
        return self.effect.kind != "direction"

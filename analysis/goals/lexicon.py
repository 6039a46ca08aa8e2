"""The goal-statement lexicon: phrase lists, negation handling and ordered decision rules, as data.

A lexicon is a YAML file (``analysis/goals/lexicons/<id>.yaml`` ships English as ``en``; any other
path works the same way). Its schema is enforced here, so a mistyped feature name or an invalid
regular expression stops with the file and the field, before a single statement is coded. Another
language is added by writing a file with the same fields; no code changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import GoalscopeError
from ..io.yamlfile import load_yaml, validate

#: the features every lexicon defines, in the order they are reported
FEATURES = ("controllable", "specific", "learning_focus", "depends_on_others", "has_target_number")
#: helper conditions a rule may use besides the features
HELPERS = ("empty", "non_goal", "goal_wording")
GOAL_TYPES = ("mastery", "performance", "outcome", "unclear")
LEXICON_DIR = Path(__file__).with_name("lexicons")


class LexiconError(GoalscopeError):
    """A goal lexicon file is missing, unreadable or does not follow the schema."""


def _check_patterns(v: list[str]) -> list[str]:
    for pat in v:
        try:
            re.compile(pat)
        except re.error as exc:
            raise ValueError(f"pattern {pat!r} is not a valid regular expression ({exc})") from None
    return v


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PhraseList(_Model):
    description: str = ""
    phrases: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)

    _ok = field_validator("patterns")(_check_patterns)


class NonGoal(_Model):
    whole: list[str] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)

    _ok = field_validator("whole")(_check_patterns)


class Negation(_Model):
    description: str = ""
    cues: list[str] = Field(default_factory=list)
    scope: int = Field(5, ge=1, le=20)
    clause_breaks: list[str] = Field(default_factory=lambda: [",", ";", "."])
    applies_to: list[str] = Field(default_factory=list)

    @field_validator("applies_to")
    @classmethod
    def _features(cls, v):
        bad = [f for f in v if f not in FEATURES]
        if bad:
            raise ValueError(f"unknown feature {bad[0]!r}; use one of {', '.join(FEATURES)}")
        return v


class When(_Model):
    all: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)
    none: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _names(self):
        for name in self.all + self.any + self.none:
            if name not in FEATURES + HELPERS:
                raise ValueError(f"unknown condition {name!r}; use a feature ({', '.join(FEATURES)}) "
                                 f"or {', '.join(HELPERS)}")
        return self

    def holds(self, present: dict) -> bool:
        return (all(present[n] for n in self.all) and (not self.any or any(present[n] for n in self.any))
                and not any(present[n] for n in self.none))

    def text(self) -> str:
        parts = []
        if self.all:
            parts.append(" and ".join(self.all))
        if self.any:
            parts.append("any of " + ", ".join(self.any))
        if self.none:
            parts.append("none of " + ", ".join(self.none))
        return "; ".join(parts) or "(always)"


class Rule(_Model):
    goal_type: Literal["mastery", "performance", "outcome", "unclear"]
    when: When
    reason: str


class Lexicon(_Model):
    id: str
    language: str
    version: int | str
    note: str
    features: dict[str, PhraseList]
    goal_wording: PhraseList
    non_goal: NonGoal
    negation: Negation
    rules: list[Rule] = Field(min_length=1)
    rewrite: dict[Literal["outcome", "performance"], str]

    @field_validator("features")
    @classmethod
    def _all_features(cls, v):
        missing = [f for f in FEATURES if f not in v]
        extra = [f for f in v if f not in FEATURES]
        if missing:
            raise ValueError(f"feature {missing[0]!r} is not defined; every lexicon defines {', '.join(FEATURES)}")
        if extra:
            raise ValueError(f"unknown feature {extra[0]!r}; the features are {', '.join(FEATURES)}")
        return v

    @field_validator("rules")
    @classmethod
    def _last_rule_catches_all(cls, v):
        if v[-1].when.all or v[-1].when.any or v[-1].when.none:
            raise ValueError("the last rule must have an empty 'when' ({}) so that every statement gets a goal_type")
        return v


@dataclass(frozen=True)
class Matcher:
    """One compiled phrase or pattern and the text it reports."""

    label: str
    regex: re.Pattern


def phrase_regex(phrase: str) -> re.Pattern:
    """A phrase as a whole-word regular expression; a trailing ``*`` on a word allows more letters."""
    words = phrase.strip().lower().split()
    parts = [re.escape(w[:-1]) + r"[\w'-]*" if w.endswith("*") else re.escape(w) for w in words]
    return re.compile(r"(?<![\w'-])" + r"\s+".join(parts) + r"(?![\w'-])")


def compile_list(pl: PhraseList) -> list[Matcher]:
    out = [Matcher(p, phrase_regex(p)) for p in pl.phrases]
    out += [Matcher(p, re.compile(p)) for p in pl.patterns]
    return out


@dataclass(frozen=True)
class CompiledLexicon:
    """A validated lexicon with its phrases compiled (what the coder uses)."""

    spec: Lexicon
    source: str
    features: dict
    goal_wording: list
    non_goal_whole: list
    non_goal_phrases: list
    negation_cues: list

    @property
    def id(self) -> str:
        return self.spec.id


def load_lexicon(lexicon="en") -> CompiledLexicon:
    """A shipped lexicon by id (``"en"``) or a lexicon YAML file by path, validated and compiled.

    Examples
    --------
    >>> lex = load_lexicon("en")
    >>> lex.id, [r.goal_type for r in lex.spec.rules]
    ('en', ['unclear', 'unclear', 'performance', 'mastery', 'outcome', 'unclear'])

    R has no equivalent: the lexicon is goalscope's own rule file (``yaml::read_yaml`` reads it).
    """
    if isinstance(lexicon, CompiledLexicon):
        return lexicon
    p = Path(str(lexicon))
    if not p.suffix:
        p = LEXICON_DIR / f"{lexicon}.yaml"
        if not p.exists():
            shipped = ", ".join(sorted(f.stem for f in LEXICON_DIR.glob("*.yaml")))
            raise LexiconError(f"is not a shipped goal lexicon (shipped: {shipped})", argument="lexicon",
                               value=str(lexicon), hint="give the path of a lexicon YAML file instead")
    try:
        st = p.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = None  # load_yaml names the problem
    return _load(str(p), stamp)


@lru_cache(maxsize=16)
def _load(path: str, stamp) -> CompiledLexicon:
    """Parse and compile once per file version (an edited lexicon file is read again)."""
    p = Path(path)
    raw = load_yaml(p, "goal lexicon file", LexiconError)
    if not isinstance(raw, dict):
        raise LexiconError("must be a goal lexicon: a mapping of fields (id, features, rules, …)", file=str(p),
                           hint="Start from the shipped lexicon (analysis/goals/lexicons/en.yaml) and keep its fields.")
    spec = validate(Lexicon, raw, f"goal lexicon file '{p}'", LexiconError)
    ng = spec.non_goal
    return CompiledLexicon(
        spec=spec, source=str(p),
        features={f: compile_list(spec.features[f]) for f in FEATURES},
        goal_wording=compile_list(spec.goal_wording),
        non_goal_whole=[re.compile(r"(?:" + w + r")") for w in ng.whole],
        non_goal_phrases=[phrase_regex(x) for x in ng.phrases],
        negation_cues=sorted((Matcher(c, phrase_regex(c)) for c in spec.negation.cues),
                             key=lambda m: -len(m.label)),
    )

"""Instruments as data: the scoring-key schema, loading and the registry.

A scoring key is a YAML file. The shipped keys live beside this module; a user's own key anywhere on
disk is loaded the same way. The schema is enforced by pydantic so that a wrong key gives one
sentence naming the file and the field, never a traceback.

Minimal form (items named by column)::

    id: big-five-agreeableness
    response: {min: 1, max: 6}
    scales:
      agree: {items: [A1, A2, A3, A4, A5], reverse: [A1], method: mean}

Items may also be numbered (``items: [1, 3, 7]``) and mapped to columns with a pattern such as
``AGQ_{n}`` or an explicit map when scoring. A scale may name the kind of measure it is
(``measure: normative``, vocabulary ``analysis.findings.MEASURES``) where a registered finding
holds for one kind only; a study uses it as the default for the construct the scale is mapped to.
No shipped key sets one: no source read says which kind their items are.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Literal, Union

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import InstrumentError
from ..io.yamlfile import load_yaml, validate

ItemId = Union[int, str]
SHIPPED_DIR = Path(__file__).resolve().parent
_SCALE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_INSTRUMENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Response(_Strict):
    """The response scale: codes ``min`` … ``max`` in steps of ``step`` with optional labels."""

    min: float
    max: float
    step: float | None = Field(
        1, description="allowed values are min, min+step, …, max; null allows any value in range"
    )
    labels: dict[float, str] = Field(default_factory=dict, description="code → anchor label")

    @model_validator(mode="after")
    def _check(self):
        if not self.min < self.max:
            raise ValueError(f"min ({self.min:g}) must be smaller than max ({self.max:g})")
        if self.step is not None:
            if self.step <= 0:
                raise ValueError("step must be positive")
            n = (self.max - self.min) / self.step
            if abs(n - round(n)) > 1e-9:
                raise ValueError(f"max - min ({self.max - self.min:g}) is not a multiple of step")
        for code in self.labels:
            if not self.min <= code <= self.max:
                raise ValueError(f"label code {code:g} lies outside {self.min:g}–{self.max:g}")
        return self

    @property
    def n_options(self) -> int | None:
        """Number of response options (None for a continuous scale)."""
        if self.step is None:
            return None
        return int(round((self.max - self.min) / self.step)) + 1


class Band(_Strict):
    """A severity band: scores from ``from`` up to the next band's ``from`` get ``label``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    lower: float = Field(alias="from")
    label: str


class Scale(_Strict):
    """One subscale (or total) of an instrument."""

    items: list[ItemId] = Field(min_length=1)
    reverse: list[ItemId] = Field(default_factory=list)
    method: Literal["mean", "sum", "prorated_sum", "scaled_sum"] = "mean"
    multiplier: float = Field(1.0, description="factor applied by scaled_sum (DASS-21: 2)")
    min_valid: int | None = Field(
        None, ge=1, description="fewest answered items for a score; default 1 (any answer)"
    )
    bands: list[Band] = Field(default_factory=list)
    label: str | None = None
    measure: str | None = Field(None, description="the kind of measure the scale is, where a registered finding "
                                                   "holds for one kind only (analysis.instruments.measures.MEASURES)")

    @model_validator(mode="after")
    def _check(self):
        if self.measure is not None:
            from ..checks import unknown_names
            from .measures import MEASURES

            problem = unknown_names([self.measure], MEASURES, "measure")
            if problem:
                raise ValueError(problem)
        dup = sorted({str(i) for i in self.items if self.items.count(i) > 1})
        if dup:
            raise ValueError(f"items listed twice: {', '.join(dup)}")
        stray = [str(i) for i in self.reverse if i not in self.items]
        if stray:
            raise ValueError(f"reverse items not among the scale's items: {', '.join(stray)}")
        if self.min_valid is not None and self.min_valid > len(self.items):
            raise ValueError(f"min_valid ({self.min_valid}) exceeds the number of items ({len(self.items)})")
        if self.method != "scaled_sum" and self.multiplier != 1.0:
            raise ValueError("multiplier is only used with method: scaled_sum")
        lows = [b.lower for b in self.bands]
        if lows != sorted(set(lows)):
            raise ValueError("bands must be listed with strictly increasing 'from' values")
        return self

    @property
    def n_required(self) -> int:
        """Fewest answered items that give a score."""
        return self.min_valid or 1


class Instrument(_Strict):
    """A scoring key. Load with :func:`load_instrument`; see the module docstring for the format.

    Examples
    --------
    >>> from analysis import load_instrument
    >>> grit = load_instrument("grit-s")
    >>> grit.id, grit.response.min, grit.response.max, list(grit.scales)
    ('grit-s', 1.0, 5.0, ['grit', 'consistency_of_interest', 'perseverance_of_effort'])
    >>> sorted(grit.reversed_in("grit"))
    [1, 3, 5, 6]

    R: the same key as ``psych::make.keys(items, list(grit = c("-grit_1", "grit_2", …)))``.
    """

    id: str
    name: str | None = None
    citation: str | None = None
    doi: str | None = None
    wording: Literal["reproduced", "keys-only"] = "keys-only"
    licence: str | None = None
    time_frame: str | None = None
    response: Response
    items: dict[ItemId, str] = Field(default_factory=dict, description="item wording, if reproduced")
    scales: dict[str, Scale] = Field(min_length=1)
    reverse: list[ItemId] = Field(default_factory=list, description="reversed in every scale")
    direction: str | None = Field(None, description="what a high code means, for keys where exports differ")
    notes: str | None = None
    sources: list[str] = Field(default_factory=list)
    path: str | None = Field(None, exclude=True, description="file the key was read from")

    @field_validator("id")
    @classmethod
    def _id(cls, v):
        if not _INSTRUMENT_ID.match(v):
            raise ValueError("use letters, digits, '-', '_' or '.', starting with a letter or digit")
        return v

    @field_validator("scales")
    @classmethod
    def _scale_names(cls, v):
        bad = [k for k in v if not _SCALE_NAME.match(k)]
        if bad:
            raise ValueError(
                f"scale names must be snake_case (lower-case letters, digits, '_'): {', '.join(bad)}"
            )
        return v

    @model_validator(mode="after")
    def _check(self):
        everywhere = set(self.all_items)
        stray = [str(i) for i in self.reverse if i not in everywhere]
        if stray:
            raise ValueError(f"reverse items not in any scale: {', '.join(stray)}")
        if self.items and self.wording != "reproduced":
            raise ValueError(
                "item wording is given but 'wording' is not 'reproduced': ship wording only when the "
                "licence allows it, and say so with wording: reproduced and a licence statement"
            )
        if self.wording == "reproduced" and not self.licence:
            raise ValueError("wording: reproduced needs a 'licence' statement that allows it")
        return self

    # ----------------------------------------------------------------------------------------
    @property
    def all_items(self) -> list[ItemId]:
        """Every item in key order (first appearance across scales)."""
        seen: dict[ItemId, None] = {}
        for scale in self.scales.values():
            for item in scale.items:
                seen.setdefault(item, None)
        return list(seen)

    def reversed_in(self, scale: str) -> set[ItemId]:
        """Items reverse-keyed in ``scale`` (scale-level plus instrument-level reverse lists)."""
        s = self.scales[scale]
        return set(s.reverse) | (set(self.reverse) & set(s.items))

    @property
    def numbered(self) -> bool:
        """True when items are numbers that need a column pattern or map."""
        return all(isinstance(i, int) for i in self.all_items)

    def with_response(self, **changes) -> "Instrument":
        """A copy whose response scale is changed (an administration range other than the default).

        Anchor labels are kept only when the new range still contains them.
        """
        resp = self.response.model_dump()
        resp.update({k: v for k, v in changes.items() if v is not None})
        if "labels" not in changes:
            resp["labels"] = {c: t for c, t in resp["labels"].items() if resp["min"] <= c <= resp["max"]}
            if (resp["min"], resp["max"]) != (self.response.min, self.response.max):
                resp["labels"] = {}
        if resp["min"] >= resp["max"]:   # an override is an argument, not a field of the key file
            lo, hi = (int(v) if float(v).is_integer() else v for v in (resp["min"], resp["max"]))   # 7, not 7.0
            raise InstrumentError(f"min ({lo}) must be smaller than max ({hi})", argument="response",
                                  value={"min": lo, "max": hi}, within=f"instrument '{self.id}'",
                                  hint="give the lowest answer code as min and the highest as max")
        new = validate(Response, resp, f"instrument '{self.id}': response override is invalid", InstrumentError, limit=1)
        return self.model_copy(update={"response": new})

    def with_min_valid(self, overrides: dict[str, int]) -> "Instrument":
        """A copy with per-scale ``min_valid`` overrides (``{scale: count}``)."""
        scales = dict(self.scales)
        for name, count in overrides.items():
            if name not in scales:
                raise InstrumentError(f"names scale '{name}', which the key does not have", argument="min_valid",
                                      value=overrides, within=f"instrument '{self.id}'",
                                      hint=f"use one of its scales: {', '.join(scales)}")
            if not 1 <= int(count) <= len(scales[name].items):
                n = len(scales[name].items)
                raise InstrumentError(f"must be between 1 and {n}", argument="min_valid", value=count,
                                      within=f"instrument '{self.id}', scale '{name}'",
                                      hint=f"give how many of its {n} items must be answered for a score")
            scales[name] = scales[name].model_copy(update={"min_valid": int(count)})
        return self.model_copy(update={"scales": scales})

    def summary(self) -> str:
        """A human-readable description, as printed by ``goalscope instruments ID``."""
        r = self.response
        lines = [f"{self.id}: {self.name or ''}".rstrip(": ")]
        if self.citation:
            lines.append(f"  citation: {self.citation}")
        lines.append(f"  wording:  {self.wording}" + (f" ({self.licence})" if self.licence else ""))
        lines.append(f"  response: {r.min:g}–{r.max:g}" + (f", step {r.step:g}" if r.step not in (None, 1) else ""))
        for code, text in sorted(r.labels.items()):
            lines.append(f"            {code:g} = {text}")
        if self.direction:
            lines.append(f"  direction: {self.direction}")
        lines.append(f"  items:    {len(self.all_items)}")
        for name, s in self.scales.items():
            rev = sorted(self.reversed_in(name), key=str)
            lines.append(
                f"  scale {name}: items {', '.join(map(str, s.items))}"
                + (f"; reversed {', '.join(map(str, rev))}" if rev else "")
                + f"; {s.method}" + (f" x{s.multiplier:g}" if s.method == "scaled_sum" else "")
                + f"; min_valid {s.n_required}"
            )
            if s.bands:
                lines.append("    bands: " + "; ".join(f"≥{b.lower:g} {b.label}" for b in s.bands))
        if self.items:
            lines.append("  wording of items:")
            for k, text in self.items.items():
                lines.append(f"    {k}. {text}")
        if self.notes:
            lines.append("  notes: " + " ".join(self.notes.split()))
        for src in self.sources:
            lines.append("  source: " + " ".join(src.split()))
        return "\n".join(lines)


# ------------------------------------------------------------------------------------------------
def instrument_from_dict(spec: dict, source: str = "<dict>") -> Instrument:
    """Validate a key given as a dict (e.g. parsed from YAML or written inline in a study file).

    Parameters
    ----------
    spec : dict
        The key: ``id``, ``response`` and ``scales`` (module docstring).
    source : str
        What to call it in messages (a file name, ``<dict>``).

    Returns
    -------
    Instrument

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis import instrument_from_dict, score
    >>> key = instrument_from_dict({"id": "two-items", "response": {"min": 1, "max": 5},
    ...                             "scales": {"pair": {"items": ["a", "b"], "reverse": ["b"]}}})
    >>> sorted(key.reversed_in("pair"))
    ['b']
    >>> score(pd.DataFrame({"a": [5, 4], "b": [1, 4]}), key)["pair"].tolist()
    [5.0, 3.0]

    R: ``psych::scoreItems(psych::make.keys(2, list(pair = c("a", "-b"))), items, min = 1, max = 5)``.
    """
    if not isinstance(spec, dict):
        raise InstrumentError("must be a scoring key: a mapping with id, response and scales", file=source,
                              hint="Write the fields id:, response: and scales: at the top level of the file, as "
                                   "the shipped keys do (analysis/instruments/*.yaml).")
    inst = validate(Instrument, spec, f"instrument file '{source}'", InstrumentError)
    return inst.model_copy(update={"path": source})


def _read_yaml(path: Path) -> dict:
    return load_yaml(path, "instrument file", InstrumentError)


@functools.lru_cache(maxsize=None)
def _shipped() -> dict[str, Path]:
    index: dict[str, Path] = {}
    for path in sorted(SHIPPED_DIR.glob("*.yaml")):
        spec = _read_yaml(path)
        key = spec.get("id") if isinstance(spec, dict) else None
        if not key:
            raise InstrumentError("is missing", file=str(path), field="id",
                                  hint="Add an 'id:' field, the name the key is loaded by.")
        index[str(key).lower()] = path
    return index


@functools.lru_cache(maxsize=None)
def _load_version(path: str, mtime_ns: int, size: int) -> Instrument:
    return instrument_from_dict(_read_yaml(Path(path)), source=path)


def _load_path(path: str) -> Instrument:
    """A key file, parsed once per version on disk: an edited key is read again (the cache is keyed
    by the file's modification time and size, not only its name)."""
    try:
        st = Path(path).stat()
    except OSError:
        return instrument_from_dict(_read_yaml(Path(path)), source=path)   # the reader names the problem
    return _load_version(path, st.st_mtime_ns, st.st_size)


def load_instrument(id_or_path) -> Instrument:
    """Load a shipped scoring key by id, or a user's key file by path.

    Parameters
    ----------
    id_or_path : str, Path or Instrument
        A shipped id such as ``"agq-r"`` (see :func:`list_instruments`), or the path of a YAML key.

    Returns
    -------
    Instrument

    Examples
    --------
    >>> from analysis import load_instrument
    >>> agq = load_instrument("agq-r")
    >>> agq.scales["mastery_approach"].items
    [1, 3, 7]

    R: the key as ``psych::make.keys(items, list(mastery_approach = c("agq_1", "agq_3", "agq_7"), …))``.
    """
    if isinstance(id_or_path, Instrument):
        return id_or_path
    if isinstance(id_or_path, dict):
        return instrument_from_dict(id_or_path)
    text = str(id_or_path)
    path = Path(text)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        return _load_path(str(path))
    named = SHIPPED_DIR / (text.lower().replace("-", "_") + ".yaml")     # agq-r → agq_r.yaml: one file read,
    if named.is_file():                                                  # not every key for the index
        inst = _load_path(str(named))
        if str(inst.id).lower() == text.lower():
            return inst
    shipped = _shipped()
    if text.lower() in shipped:
        return _load_path(str(shipped[text.lower()]))
    raise InstrumentError("is not a shipped id and no such file", argument="instrument", value=text,
                          hint=f"give a shipped id ({', '.join(sorted(shipped))}) or the path of your own key file "
                               f"(.yaml)")


def list_instruments() -> pd.DataFrame:
    """The registry of shipped instruments, one row each.

    Returns
    -------
    DataFrame
        ``id, name, n_items, scales, response, wording, citation``.

    Examples
    --------
    >>> from analysis import list_instruments
    >>> "agq-r" in set(list_instruments()["id"])
    True

    R has no equivalent (the keys are goalscope's YAML files; ``psych::make.keys`` builds one in R).
    """
    rows = []
    for key in sorted(_shipped()):
        inst = load_instrument(key)
        r = inst.response
        rows.append(
            {
                "id": inst.id,
                "name": inst.name,
                "n_items": len(inst.all_items),
                "scales": ", ".join(inst.scales),
                "response": f"{r.min:g}-{r.max:g}",
                "wording": inst.wording,
                "citation": inst.citation,
            }
        )
    return pd.DataFrame(rows)


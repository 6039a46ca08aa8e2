"""A study is a file: its schema and the pipeline that walks it through the data flow.

``run_study("data/raw/demo/study.yaml")`` reads the export, drops direct identifiers, pseudonymises
the respondent id with a keyed hash, scores every instrument with the dataset quirks the study
declares, and writes:

``data/processed/<study>/scores.csv``      pseudonymised id, kept columns, every scale score
``data/processed/<study>/audit.csv``       every value set to missing (and why)
``data/processed/<study>/missing.csv``     missing-data summary per scale
``data/processed/<study>/screening_*.csv`` careless indices + rule flags per respondent, exclusion flow
                                           (when the study declares ``screening:`` rules)
``data/processed/<study>/manifest.json``   input and key hashes, package versions, output hashes
``reports/<study>/``                       the report (index.html + tables/)

The same inputs give byte-identical outputs (no timestamps; sorted JSON; fixed CSV formatting).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import GoalscopeError, StudyError
from .instruments import load_instrument
from .io import read_responses, sha256, write_json, write_table
from .io.yamlfile import load_yaml, validation_message
from .scoring import check_ids, prepare_items, score_items

#: columns Qualtrics writes that identify a person; dropped from every study read as Qualtrics
QUALTRICS_IDENTIFIERS = ["IPAddress", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
                         "ExternalReference", "LocationLatitude", "LocationLongitude"]
PSEUDONYM_ENV = "GOALSCOPE_PSEUDONYM_KEY"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
    min_valid: dict[str, int] | None = None
    on_invalid: Literal["error", "missing"] | None = None


class Study(_Strict):
    """The study file (``study.yaml``)."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str | None = None
    data: str
    sheet: str | int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    qualtrics: bool | None = None
    id: str | None = None
    identifiers: list[str] = Field(default_factory=list)
    missing_codes: list[Any] = Field(default_factory=list)
    on_invalid: Literal["error", "missing"] = "error"
    keep: list[str] = Field(default_factory=list)
    group: str | None = None
    instruments: dict[str, InstrumentUse] = Field(min_length=1)
    screening: dict[str, Any] | None = None
    analyses: list[Any] | None = None
    teams: dict[str, Any] | None = None
    report: dict[str, Any] | None = None
    seed: int = 2026
    path: str | None = Field(None, exclude=True)

    def resolve(self, relative: str) -> Path:
        """A path in the study file, relative to the study file's folder."""
        p = Path(relative)
        return p if p.is_absolute() else Path(self.path).parent / p


def load_study(path) -> Study:
    """Read and validate a study file; errors name the file and the field."""
    p = Path(path)
    spec = load_yaml(p, "study file", StudyError)
    if not isinstance(spec, dict):
        raise StudyError(f"study file '{p}' must be a mapping with name, data and instruments")
    try:
        study = Study(**spec)
    except ValidationError as exc:
        raise StudyError(f"study file '{p}': {validation_message(exc, limit=4)}") from None
    study.path = str(p)
    return study


def pseudonymise(ids: pd.Series, key: bytes) -> pd.Series:
    """Keyed hash (HMAC-SHA256, 16 hex digits) of each id; the key never reaches an output."""
    return ids.astype(str).map(lambda v: hmac.new(key, v.encode("utf-8"), hashlib.sha256).hexdigest()[:16])


def pseudonym_key(data_file: Path, study: Study) -> bytes:
    """The pseudonymisation key: ``$GOALSCOPE_PSEUDONYM_KEY`` if set, else derived from the raw file.

    Deriving it from the raw export keeps runs deterministic while requiring the raw data (which
    holds the ids anyway) to reverse a pseudonym.
    """
    env = os.environ.get(PSEUDONYM_ENV)
    if env:
        return env.encode("utf-8")
    return hashlib.sha256(b"goalscope-pseudonym\0" + study.name.encode() + b"\0" + data_file.read_bytes()).digest()


@dataclass
class StudyResult:
    """What :func:`run_study` produced."""

    study: Study
    scores: pd.DataFrame
    audit: pd.DataFrame
    missing: pd.DataFrame
    screening: Any = None
    outputs: dict[str, Path] = field(default_factory=dict)
    keying: pd.DataFrame | None = None  # item-rest r of every item (analysis.psychometrics.keying)

    @property
    def keying_warnings(self) -> list[str]:
        """One sentence per scale whose items correlate negatively with the rest after keying."""
        if self.keying is None or not len(self.keying):
            return []
        return list(dict.fromkeys(m for m in self.keying["message"] if isinstance(m, str) and m))

    @property
    def analysed(self) -> pd.DataFrame:
        """The scores of respondents not excluded by a screening rule (all of them without rules)."""
        if "excluded" not in self.scores:
            return self.scores
        return self.scores[~self.scores["excluded"].astype(bool)]

    def summary(self) -> str:
        lines = [f"study '{self.study.name}': {len(self.scores)} respondents, "
                 f"{len(self.study.instruments)} instrument(s), {len(self.audit)} value(s) set to missing"]
        if self.screening is not None:
            lines.append(f"  screening: {self.screening.n_analysed} of {self.screening.n_received} analysed "
                         f"({self.screening.n_received - self.screening.n_analysed} excluded; every row kept with its flags)")
        lines += [f"  warning: {m}" for m in self.keying_warnings]
        lines += [f"  {k}: {v}" for k, v in self.outputs.items()]
        return "\n".join(lines)


def _key(study: Study, use: InstrumentUse):
    """The key of one study instrument (key files are relative to the study file)."""
    if use.instrument.endswith((".yaml", ".yml")):
        return load_instrument(study.resolve(use.instrument))
    return load_instrument(use.instrument)


def instrument_specs(study: Study) -> dict:
    """``{alias: {instrument, columns, quirks…}}`` of a study, as :func:`analysis.careless` takes them."""
    specs = {}
    for alias, use in study.instruments.items():
        spec = use.model_dump(exclude_none=True)
        spec["instrument"] = _key(study, use)
        if not spec.get("anchors_reversed"):
            spec.pop("anchors_reversed", None)
        specs[alias] = spec
    return specs


def screen_study(study: Study, data: pd.DataFrame):
    """Careless-responding indices and the study's exclusion rules (``screening:``), or None."""
    if not study.screening:
        return None
    from .screening import parse_rules, screen

    rules = parse_rules(study.screening, source=f"study file '{study.path}', screening")
    return screen(data, instrument_specs(study), rules, id_column=study.id,
                  missing=list(study.missing_codes) or None, on_invalid=study.on_invalid)


def score_study(study: Study, data: pd.DataFrame, items_out: dict | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Score every instrument of a study: (scores, audit, missing summary), one row per input row.
    ``items_out``, if given, receives ``{alias: ItemSet}`` (for the keying check)."""
    blocks, audits, missing_rows = [], [], []
    for alias, use in study.instruments.items():
        codes = list(study.missing_codes) + list(use.missing or [])
        try:
            instrument = _key(study, use)
            items = prepare_items(
                data, instrument, use.columns, missing=codes or None, labels=use.labels, recode=use.recode,
                response=use.response, reversed_in_file=use.reversed_in_file,
                anchors_reversed=use.anchors_reversed, min_valid=use.min_valid,
                on_invalid=use.on_invalid or study.on_invalid, id_column=study.id,
            )
        except StudyError:
            raise
        except GoalscopeError as exc:
            raise type(exc)(f"study '{study.name}', instrument '{alias}': {exc}") from None
        if items_out is not None:
            items_out[alias] = items
        scored = score_items(items)
        scored.columns = [f"{alias}_{c}" for c in scored.columns]
        blocks.append(scored)
        if len(items.audit):
            a = items.audit.copy()
            a.insert(2, "instrument", alias)
            audits.append(a)
        for name in items.instrument.scales:
            col = scored[f"{alias}_{name}"]
            nv = scored[f"{alias}_{name}_n_valid"]
            k = len(items.instrument.scales[name].items)
            missing_rows.append({
                "instrument": alias, "scale": name, "n_items": k, "n": int(col.notna().sum()),
                "n_missing_score": int(col.isna().sum()),
                "n_complete": int((nv == k).sum()),
                "pct_items_missing": round(100 * float(1 - nv.sum() / (k * len(nv))), 2) if len(nv) else np.nan,
            })
    scores = pd.concat(blocks, axis=1)
    audit = pd.concat(audits, ignore_index=True) if audits else pd.DataFrame(
        columns=["row", "id", "instrument", "column", "item", "value", "reason"])
    return scores, audit, pd.DataFrame(missing_rows)


def run_study(path, processed_dir=None, reports_dir=None) -> StudyResult:
    """Run a study file end to end (see the module docstring).

    Examples
    --------
    >>> from analysis.study import run_study
    >>> res = run_study("data/raw/demo/study.yaml", processed_dir="/tmp/gs_demo/p",
    ...                 reports_dir="/tmp/gs_demo/r")  # doctest: +SKIP
    """
    study = load_study(path)
    data_file = study.resolve(study.data)
    data = read_responses(data_file, sheet=study.sheet, encoding=study.encoding, delimiter=study.delimiter,
                          qualtrics=study.qualtrics)
    src = data.attrs.get("source")
    for col in study.identifiers + study.keep + ([study.group] if study.group else []):
        if col not in data.columns:
            raise StudyError(f"study file '{study.path}': column '{col}' is not in '{src}'")
    if study.id:
        check_ids(data, study.id, src)
    prepared = {}
    scores, audit, missing = score_study(study, data, items_out=prepared)
    screening = screen_study(study, data)
    from .psychometrics.keying import check_item_keying

    keying = check_item_keying(prepared, rows=None if screening is None else
                               ~screening.flags["excluded"].to_numpy(bool))

    key = pseudonym_key(data_file, study)
    if study.id:
        respondent = pseudonymise(data[study.id], key)
        audit["id"] = pseudonymise(audit["id"], key) if len(audit) else audit["id"]
    else:
        respondent = pd.Series([f"r{int(i) + int(data.attrs.get('first_row', 1))}" for i in data.index], index=data.index)
    drop = set(study.identifiers)
    if data.attrs.get("qualtrics"):
        drop |= {c for c in QUALTRICS_IDENTIFIERS if c in data.columns}
    kept = [c for c in study.keep if c not in drop and c != study.id]
    if study.group and study.group not in kept:
        kept.insert(0, study.group)
    out = pd.concat([pd.DataFrame({"respondent": respondent}), data[kept], scores], axis=1)
    if screening is not None:
        out["excluded"] = screening.flags["excluded"].to_numpy()
        out["excluded_by"] = screening.flags["excluded_by"].to_numpy()

    processed = Path(processed_dir) if processed_dir else Path("data/processed") / study.name
    reports = Path(reports_dir) if reports_dir else Path("reports") / study.name
    outputs = {
        "scores": write_table(out, processed / "scores.csv"),
        "audit": write_table(audit, processed / "audit.csv"),
        "missing": write_table(missing, processed / "missing.csv"),
    }
    if screening is not None:
        flags = pd.concat([pd.DataFrame({"respondent": respondent}), screening.flags], axis=1)
        outputs["screening_flags"] = write_table(flags, processed / "screening_flags.csv")
        outputs["screening_flow"] = write_table(screening.flow, processed / "screening_flow.csv")
    result = StudyResult(study=study, scores=out, audit=audit, missing=missing, screening=screening, outputs=outputs,
                         keying=keying)

    from .report.basic import write_basic_report

    outputs.update(write_basic_report(result, reports))
    outputs["manifest"] = write_json(_manifest(study, data_file, outputs), processed / "manifest.json")
    return result


def _manifest(study: Study, data_file: Path, outputs: dict) -> dict:
    import importlib.metadata as md

    keys = {}
    for alias, use in study.instruments.items():
        inst = _key(study, use)
        keys[alias] = {"id": inst.id, "sha256": sha256(inst.path)}
    versions = {}
    for pkg in ("numpy", "pandas", "scipy", "statsmodels", "pingouin", "pyyaml", "pydantic"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            pass
    from . import __version__

    return {
        "study": study.name,
        "goalscope": __version__,
        "inputs": {"data": {"file": data_file.name, "sha256": sha256(data_file)},
                   "study_file": {"file": Path(study.path).name, "sha256": sha256(study.path)},
                   "keys": keys},
        "outputs": {name: {"file": p.name, "sha256": sha256(p)} for name, p in sorted(outputs.items()) if p.is_file()},
        "packages": versions,
        "seed": study.seed,
        "pseudonym_key": "environment" if os.environ.get(PSEUDONYM_ENV) else "derived from the raw data file",
    }

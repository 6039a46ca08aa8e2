"""The registry of published findings: load, validate, look up, list.

The shipped registry is ``published.yaml`` beside this module; a user's own file with the same
layout (``findings: [ ... ]``) is loaded the same way with :func:`load_findings`. Every entry is
validated by :class:`analysis.findings.schema.Finding`; a wrong entry gives one sentence naming the
file, the entry and the field.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from ..errors import GoalscopeError
from ..io.yamlfile import load_yaml, validate
from .schema import CONSTRUCTS, Finding, unknown_names

SHIPPED = Path(__file__).resolve().parent / "published.yaml"
#: what to do about a construct or measure outside the registry's vocabulary
VOCABULARY_HINT = "use one of the valid names (`goalscope findings` lists what each construct links)"


class FindingsError(GoalscopeError):
    """A findings registry file is missing, unreadable or does not follow the schema."""


def findings_from_list(entries, source: str = "<list>") -> tuple[Finding, ...]:
    """Validate registry entries given as dicts; errors name ``source``, the entry id and the field
    (an entry by its place in the list, counted from 1: ``findings[2]``)."""
    if not isinstance(entries, list):
        raise FindingsError("must be a list of entries (- id: ...)", file=source, field="findings",
                            hint="Start each finding with '- id:' under 'findings:'.")
    out, seen = [], {}
    for pos, spec in enumerate(entries, start=1):
        if not isinstance(spec, dict):
            raise FindingsError("expected a mapping (id: ..., effect: ...)", file=source, field=f"findings[{pos}]",
                                value=spec, hint="Write the entry's fields (id:, effect:, …) under its '- '.")
        label = f"entry '{spec['id']}'" if isinstance(spec.get("id"), str) else f"entry {pos} (no id)"
        finding = validate(Finding, spec, f"findings file '{source}', {label}", FindingsError)
        if finding.id in seen:
            raise FindingsError(f"the id is used twice (entries {seen[finding.id]} and {pos})", file=source,
                                field=f"findings[{pos}].id", value=finding.id, hint="give every finding its own id")
        seen[finding.id] = pos
        out.append(finding)
    return tuple(out)


def load_findings(path=None) -> tuple[Finding, ...]:
    """Read and validate a findings registry file (default: the shipped ``published.yaml``).

    Examples
    --------
    >>> from analysis.findings import load_findings
    >>> len(load_findings()) > 40
    True
    """
    if path is None:
        return _shipped()
    return _load(str(Path(path)))


@functools.lru_cache(maxsize=None)
def _shipped() -> tuple[Finding, ...]:
    return _load(str(SHIPPED))


@functools.lru_cache(maxsize=None)
def _load(path: str) -> tuple[Finding, ...]:
    data = load_yaml(path, "findings file", FindingsError)
    if not isinstance(data, dict) or "findings" not in data:
        raise FindingsError("expected a top-level 'findings:' list", file=path,
                            hint="Put the entries under 'findings:', as the shipped published.yaml does.")
    return findings_from_list(data["findings"], source=path)


def get_finding(finding, registry=None) -> Finding:
    """A :class:`Finding` from an id in the registry, a dict entry, or a Finding (returned as is).

    Examples
    --------
    >>> from analysis.findings import get_finding
    >>> get_finding("diaconu-gherasim-2024-map-depression").effect.value
    -0.18
    """
    if isinstance(finding, Finding):
        return finding
    if isinstance(finding, dict):
        return findings_from_list([finding], source="<dict>")[0]
    entries = load_findings(registry)
    by_id = {f.id: f for f in entries}
    key = str(finding).strip().lower()
    if key in by_id:
        return by_id[key]
    near = [i for i in by_id if key and (key in i or i.startswith(key.split("-")[0] + "-"))]
    hint = (" Did you mean: " + ", ".join(near[:6]) + "?") if near else ""
    raise FindingsError(f"unknown finding '{finding}'.{hint}", argument="finding", value=str(finding),
                        hint="List the registry with `goalscope findings` or analysis.published_findings().")


def _fmt_value(f: Finding) -> str:
    e = f.effect
    if e.kind == "direction":
        return e.direction
    text = f"{e.kind} = {e.value:g}"
    if e.ci is not None:
        text += f" [{e.ci[0]:g}, {e.ci[1]:g}]"
    return text


def published_findings(construct: str | None = None, registry=None) -> pd.DataFrame:
    """The registry of published effects as a DataFrame, one row per finding.

    Parameters
    ----------
    construct : str, optional
        Keep only findings that involve this construct (e.g. ``"procrastination"``).
    registry : path, optional
        A registry file of your own (default: the shipped one).

    Returns
    -------
    DataFrame
        ``id, construct_x, construct_y, subgroup, kind, value, ci_low, ci_high, se, direction,
        significant, claim, design, n, k, n_total, population, status, citation, doi, source,
        source_location``; ``value`` is missing for direction-only findings.

    Examples
    --------
    >>> from analysis import published_findings
    >>> t = published_findings("depression")
    >>> t.loc[t["id"] == "diaconu-gherasim-2024-pav-depression", "value"].item()
    0.16

    R has no equivalent (the registry is goalscope's ``published.yaml``; read it with ``yaml::read_yaml``).
    """
    problem = unknown_names([construct] if construct is not None else [], CONSTRUCTS)
    if problem:
        raise FindingsError(problem, argument="construct", value=construct, hint=VOCABULARY_HINT)
    rows = []
    for f in load_findings(registry):
        if construct is not None and construct not in f.constructs:
            continue
        e = f.effect
        rows.append({
            "id": f.id, "construct_x": f.constructs[0], "construct_y": f.constructs[1], "subgroup": f.subgroup,
            "kind": e.kind, "value": e.value, "ci_low": e.ci[0] if e.ci else None,
            "ci_high": e.ci[1] if e.ci else None, "se": e.se, "direction": e.sign, "significant": e.significant,
            "claim": f.claim, "design": f.design, "n": f.sample.n, "k": f.sample.k, "n_total": f.sample.n_total,
            "population": f.sample.population, "status": f.status, "citation": " ".join(f.citation.split()),
            "doi": f.doi, "source": " ; ".join(f.source.urls), "source_location": f.source.location,
        })
    table = pd.DataFrame(rows, columns=["id", "construct_x", "construct_y", "subgroup", "kind", "value", "ci_low",
                                        "ci_high", "se", "direction", "significant", "claim", "design", "n", "k",
                                        "n_total", "population", "status", "citation", "doi", "source",
                                        "source_location"])
    for col in ("value", "ci_low", "ci_high", "se"):
        table[col] = table[col].astype(float)
    for col in ("n", "k", "n_total"):
        table[col] = table[col].astype("Int64")
    return table


def constructs_without_findings(construct: str, registry=None) -> str:
    """The sentence for a known construct that no registered finding involves: what has findings, near
    matches first (``goalscope findings --construct`` stops with it rather than print "0 findings").

    Examples
    --------
    >>> from analysis.findings.registry import constructs_without_findings
    >>> print(constructs_without_findings("task_approach")[:96])
    no registered finding involves construct 'task_approach' (task-approach goals (3x2 model)); near
    """
    import difflib

    linked = sorted({c for f in load_findings(registry) for c in f.constructs})
    near = difflib.get_close_matches(construct, linked, n=3, cutoff=0.6)
    text = f"no registered finding involves construct '{construct}' ({CONSTRUCTS[construct]})"
    if near:
        text += f"; near matches with findings: {', '.join(near)}"
    return text + f". Constructs with findings: {', '.join(linked)}"


def describe_finding(finding) -> str:
    """A human-readable description of one finding (``goalscope findings ID``)."""
    f = get_finding(finding)
    e = f.effect
    lines = [f"{f.id}",
             f"  citation:   {' '.join(f.citation.split())}"]
    if f.doi:
        lines.append(f"  doi:        {f.doi}")
    lines.append(f"  design:     {f.design}")
    s = f.sample
    parts = [s.population] + [f"{k} = {v:,}" for k, v in (("N", s.n), ("k", s.k), ("N total", s.n_total)) if v]
    lines.append("  sample:     " + "; ".join(parts) + (f" ({s.note})" if s.note else ""))
    lines.append(f"  constructs: {f.constructs[0]} ~ {f.constructs[1]}")
    if f.subgroup:
        lines.append(f"  subgroup:   {f.subgroup}")
    for c, inst in f.instruments.items():
        lines.append(f"  instrument: {c}: {inst}")
    effect = _fmt_value(f) if e.kind != "direction" else f"direction only: {e.direction} (no published number)"
    if e.significant is not None:
        effect += ", significant" if e.significant else ", not significant"
    lines.append(f"  effect:     {effect}")
    if e.note:
        lines.append(f"              {' '.join(e.note.split())}")
    if f.claim == "prediction":
        lines.append("  claim:      prediction (the source read states the hypothesis, not its test)")
    lines.append(f"  status:     {f.status} ({'read in the source' if f.status == 'V' else 'secondary source only'})")
    lines.append(f"  source:     {f.source.location}: " + " ; ".join(f.source.urls))
    if f.note:
        lines.append(f"  note:       {' '.join(f.note.split())}")
    return "\n".join(lines)

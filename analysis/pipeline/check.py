"""``goalscope run --check``: would a run change the outputs that are in place?

The study is run into a temporary folder and every file of the fresh outputs is compared, byte for
byte, with ``data/processed/<study>/`` and ``reports/<study>/``. The inputs recorded in the two
manifests (export, study file, keys) and the package versions say why: a changed raw file, key or
version. Nothing in place is touched.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass
class CheckResult:
    """What differs between the outputs in place and a fresh run."""

    study: str
    changed: list[str] = field(default_factory=list)      # files that differ, or exist on one side only
    reasons: list[str] = field(default_factory=list)      # changed inputs and versions

    @property
    def ok(self) -> bool:
        return not self.changed

    def table(self) -> pd.DataFrame:
        return pd.DataFrame({"file": self.changed})

    def summary(self) -> str:
        if self.ok:
            return f"study '{self.study}': the outputs in place are what a run gives now"
        lines = [f"study '{self.study}': a run would change {len(self.changed)} output file(s):"]
        lines += [f"  {f}" for f in self.changed[:30]] + ([f"  … and {len(self.changed) - 30} more"]
                                                          if len(self.changed) > 30 else [])
        lines += [f"  because {r}" for r in self.reasons]
        return "\n".join(lines)


def _files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _manifest(folder: Path) -> dict:
    p = folder / "manifest.json"
    return json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {}


def _why(old: dict, new: dict) -> list[str]:
    if not old:
        return ["there is no manifest.json in place (the study was never run into this folder)"]
    out = []
    oi, ni = old.get("inputs", {}), new.get("inputs", {})
    for name in ("data", "study_file"):
        if oi.get(name, {}).get("sha256") != ni.get(name, {}).get("sha256"):
            out.append(f"the {name.replace('_', ' ')} '{ni.get(name, {}).get('file')}' changed")
    for alias, k in ni.get("keys", {}).items():
        if oi.get("keys", {}).get(alias, {}).get("sha256") != k.get("sha256"):
            out.append(f"the key of instrument '{alias}' ({k.get('id')}) changed")
    for pkg, v in new.get("packages", {}).items():
        if old.get("packages", {}).get(pkg) != v:
            out.append(f"{pkg} is {v} now (was {old.get('packages', {}).get(pkg, 'not recorded')})")
    if old.get("goalscope") != new.get("goalscope"):
        out.append(f"goalscope is {new.get('goalscope')} now (was {old.get('goalscope')})")
    return out or ["the code produces different output from the same inputs and versions"]


def check_study(path, processed_dir=None, reports_dir=None, *, allow_outside_data: bool = False) -> CheckResult:
    """Run ``path`` into a temporary folder and compare with the outputs in place (nothing is written there).

    Examples
    --------
    >>> from analysis.pipeline.check import check_study
    >>> check_study("data/raw/demo/study.yaml", "/nonexistent/p", "/nonexistent/r").ok   # doctest: +SKIP
    False
    """
    from .schema import load_study
    from .walk import run_study

    study = load_study(path)
    processed = Path(processed_dir) if processed_dir else Path("data/processed") / study.name
    reports = Path(reports_dir) if reports_dir else Path("reports") / study.name
    with tempfile.TemporaryDirectory(prefix="goalscope-check-") as tmp:
        fresh_p, fresh_r = Path(tmp) / "processed", Path(tmp) / "reports"
        run_study(path, processed_dir=fresh_p, reports_dir=fresh_r, allow_outside_data=allow_outside_data)
        changed = []
        for label, old_dir, new_dir in (("processed", processed, fresh_p), ("reports", reports, fresh_r)):
            old, new = _files(old_dir), _files(new_dir)
            for name in sorted(set(old) | set(new)):
                if old.get(name) != new.get(name):
                    changed.append(str(old_dir / name))
        reasons = _why(_manifest(processed), _manifest(fresh_p)) if changed else []
    return CheckResult(study=study.name, changed=changed, reasons=reasons)

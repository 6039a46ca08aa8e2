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

from ..formatting.apa import Apa, apa
from ..results import Result


@dataclass
class CheckResult(Result):
    """What differs between the outputs in place and a fresh run (the result protocol).

    ``.table()`` one row per file that differs (``file``, ``status``: ``differs``, ``only in place``
    or ``only in a fresh run``); ``.summary()`` one row (``study, ok, n_files, n_changed,
    reasons``); ``.apa()`` and ``str(result)`` the account ``goalscope run --check`` prints;
    ``.ok`` True when nothing would change; ``.n`` output files compared.

    Examples
    --------
    >>> res = CheckResult(study="demo", changed=["reports/demo/index.html"], reasons=["pandas is 2.2 now"],
    ...                   n_files=60)
    >>> res.ok, res.n, res.table()["file"].tolist()
    (False, 60, ['reports/demo/index.html'])
    >>> print(res)
    study 'demo': a run would change 1 output file(s):
      reports/demo/index.html
      because pandas is 2.2 now

    R: ``tools::md5sum(files)`` on both folders gives the same comparison (no statistics involved).
    """

    study: str
    changed: list[str] = field(default_factory=list)      # files that differ, or exist on one side only
    reasons: list[str] = field(default_factory=list)      # changed inputs and versions
    status: dict = field(default_factory=dict)            # file -> differs / only in place / only in a fresh run
    n_files: int = 0                                      # output files compared (both sides together)
    options: dict = field(default_factory=dict)   # a field default: Result.options is a class attribute
    r_call: str = "no R equivalent: a byte-for-byte comparison of output files (tools::md5sum(files) in R)"

    @property
    def ok(self) -> bool:
        return not self.changed

    @property
    def n(self) -> int:
        return int(self.n_files)

    def table(self) -> pd.DataFrame:
        return pd.DataFrame({"file": list(self.changed),
                             "status": [self.status.get(f, "differs") for f in self.changed]}, columns=["file", "status"])

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([{"study": self.study, "ok": self.ok, "n_files": self.n, "n_changed": len(self.changed),
                              "reasons": "; ".join(self.reasons)}])

    def text(self) -> str:
        """The account in words (what ``goalscope run --check`` prints; also ``str(result)``)."""
        if self.ok:
            return f"study '{self.study}': the outputs in place are what a run gives now"
        lines = [f"study '{self.study}': a run would change {len(self.changed)} output file(s):"]
        lines += [f"  {f}" for f in self.changed[:30]] + ([f"  … and {len(self.changed) - 30} more"]
                                                          if len(self.changed) > 30 else [])
        lines += [f"  because {r}" for r in self.reasons]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


@apa.register
def _apa_check(res: CheckResult) -> Apa:
    return Apa(estimate="up to date" if res.ok else f"{len(res.changed)} file(s) would change",
               full_result=res.text(), table=res.table())


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
    >>> from analysis.datasets import study_path
    >>> from analysis.pipeline.check import check_study
    >>> check_study(study_path("demo"), "/nonexistent/p", "/nonexistent/r").ok   # doctest: +SKIP
    False
    """
    from .schema import load_study
    from .walk import run_study

    study = load_study(path)
    processed = Path(processed_dir) if processed_dir else Path("data/processed") / study.name
    reports = Path(reports_dir) if reports_dir else Path("reports") / study.name
    with tempfile.TemporaryDirectory(prefix="goalscope-check-") as tmp:
        fresh_p, fresh_r = Path(tmp) / "processed", Path(tmp) / "reports"
        run_study(path, processed_dir=fresh_p, reports_dir=fresh_r, allow_outside_data=allow_outside_data,
                  named_dirs=(processed, reports))
        changed, status, n_files = [], {}, 0
        for label, old_dir, new_dir in (("processed", processed, fresh_p), ("reports", reports, fresh_r)):
            old, new = _files(old_dir), _files(new_dir)
            n_files += len(set(old) | set(new))
            for name in sorted(set(old) | set(new)):
                if old.get(name) != new.get(name):
                    changed.append(str(old_dir / name))
                    status[changed[-1]] = ("only in a fresh run" if name not in old else
                                           "only in place" if name not in new else "differs")
        reasons = _why(_manifest(processed), _manifest(fresh_p)) if changed else []
    return CheckResult(study=study.name, changed=changed, reasons=reasons, status=status, n_files=n_files,
                       options={"study": str(path), "processed_dir": str(processed), "reports_dir": str(reports),
                                "allow_outside_data": allow_outside_data})

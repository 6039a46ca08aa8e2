"""What :func:`~analysis.pipeline.walk.run_study` returns: :class:`StudyResult` (the result protocol:
table, summary, the run's account in words) and its APA sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..formatting.apa import Apa, apa
from ..results import Result
from .schema import Study

__all__ = ["StudyResult"]


#: a study has no one R call: each statistic's R call is with the function that computes it
STUDY_R_CALL = ("no single R equivalent: the study walks scoring (psych::scoreItems), screening, reliability "
                "(psych::alpha, psych::omega), the declared analyses and the replications; each table's R call "
                "is given by the function that computes it (see the report's methods paragraph)")


@dataclass
class StudyResult(Result):
    """What :func:`run_study` produced (the result protocol).

    ``.table()`` one row per scored scale (``instrument, scale, column``, the rule used and the
    missing-data counts over the rows received); ``.summary()`` one row for the study
    (respondents received, analysed and excluded, instruments, values set to missing, analyses,
    output files); ``.apa()`` and ``str(result)`` the run's account in words (what ``goalscope run``
    prints). ``.scores`` every respondent's scores (the ``excluded`` flag kept), ``.analysed``
    those not excluded, ``.audit`` every value set to missing, ``.outputs`` the files written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from analysis.datasets import study_path
    >>> from analysis.study import run_study
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> res = run_study(study_path("demo"), processed_dir=out / "p", analyses=False)   # read, score, screen
    >>> res.n, res.n_excluded, int(res.summary().loc[0, "n_received"])
    (385, 15, 400)

    R has no single equivalent (``res.r_call`` says so); every statistic the run reports is checked
    against R in the tests of the function that computes it.
    """

    study: Study
    scores: pd.DataFrame
    audit: pd.DataFrame
    missing: pd.DataFrame
    screening: Any = None
    outputs: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)   # seconds per stage (benchmarks/report.py)
    keying: pd.DataFrame | None = None  # item-rest r of every item (analysis.psychometrics.keying)
    options: dict = field(default_factory=dict)   # a field default: Result.options is a class attribute
    r_call: str = STUDY_R_CALL

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

    @property
    def n(self) -> int:
        """Respondents analysed (received minus those a screening rule excluded)."""
        return int(len(self.analysed))

    @property
    def n_excluded(self) -> int:
        """Respondents received but excluded by a screening rule (their rows stay in ``.scores``)."""
        return int(len(self.scores) - len(self.analysed))

    def table(self) -> pd.DataFrame:
        """One row per scored scale: ``instrument, scale, column`` and the missing-data summary."""
        t = self.missing.reset_index(drop=True).copy()
        t.insert(2, "column", [f"{a}_{b}" for a, b in zip(t["instrument"], t["scale"])])
        return t

    def summary(self) -> pd.DataFrame:
        """One row: ``study, n_received, n_analysed, n_excluded, n_instruments, n_scales,
        n_set_to_missing, n_keying_warnings, n_outputs``."""
        return pd.DataFrame([{"study": self.study.name, "n_received": int(len(self.scores)), "n_analysed": self.n,
                              "n_excluded": self.n_excluded, "n_instruments": len(self.study.instruments),
                              "n_scales": int(len(self.missing)), "n_set_to_missing": int(len(self.audit)),
                              "n_keying_warnings": len(self.keying_warnings), "n_outputs": len(self.outputs)}])

    def text(self) -> str:
        """The run's account in words (what ``goalscope run`` prints; also ``str(result)``)."""
        lines = [f"study '{self.study.name}': {len(self.scores)} respondents, "
                 f"{len(self.study.instruments)} instrument(s), {len(self.audit)} value(s) set to missing"]
        if self.screening is not None:
            lines.append(f"  screening: {self.screening.n_analysed} of {self.screening.n_received} analysed "
                         f"({self.screening.n_received - self.screening.n_analysed} excluded; every row kept with its flags)")
        lines += [f"  warning: {m}" for m in self.keying_warnings]
        lines += [f"  {k}: {v}" for k, v in self.outputs.items()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


@apa.register
def _apa_study(res: StudyResult) -> Apa:
    s = res.summary().iloc[0]
    cells = pd.DataFrame({"what": ["received", "analysed", "excluded", "values set to missing"],
                          "n": [str(s.n_received), str(s.n_analysed), str(s.n_excluded), str(s.n_set_to_missing)]})
    return Apa(estimate=f"N = {res.n}", full_result=res.text(), table=cells)

"""Regenerate every reference fixture under tests/reference/ (what `make references` runs).

    python scripts/run_references.py              # every area, in the order below
    python scripts/run_references.py models teams # some areas
    python scripts/run_references.py --list       # print the steps, run nothing

Each step runs from the repository root, as its header says (`Rscript tests/reference/<area>/<x>.R`,
`python tests/reference/<area>/<x>.py`), and writes beside itself; every R script also rewrites its
<script>.versions. The order inside an area is the order of the inputs: a Python step that writes
an input of an R script comes first, a step that reads another's output comes after it. On this
machine a full run reproduces every committed file byte for byte (checked with `git status`, which
the runner prints at the end). Needs R (`Rscript`) with the packages below; without them it says
what to install and exits with status 2. The suite itself needs no R.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference"

# area -> steps, in the order they must run (tests/test_references.py checks that every script
# under tests/reference/ is listed here)
STEPS: dict[str, list[str]] = {
    "careless": ["hand_cases.py", "careless_reference.R"],
    "findings": ["findings.R", "power_pwr.R", "power_montecarlo.R"],
    "goals": ["make_pairs.py", "kappa.R"],
    "models": ["correlations.R", "make_screened_fixture.py", "screened.R", "regression.R", "mediation.R",
               "moderation.R", "profiles.R", "make_counts_boot.py", "counts.R", "mixed.R",
               "mixed_satterthwaite.R", "make_demo_fixture.py", "demo.R", "predict.R", "longitudinal.R",
               "docstring_examples.R"],
    "notebooks": ["write_counts_input.py", "counts.R"],
    "psychometrics": ["bfi_keys.R", "reliability.R", "cfa.R", "efa.R", "fiml.R", "make_keying_fixture.py",
                      "keying.R", "make_agq_3x2_short_fixture.py", "spearman_brown.R", "cfa_short_form.R"],
    "scoring": ["bfi_keys.R", "score_reference.R", "result_reference.R"],
    "study": ["phq9_prorated.R"],
    "teams": ["teams.R", "waves_welch.R", "staff_demo_protocol.R"],
    "weights": ["weights.R", "api_fay.R"],
}

# R packages the scripts load -> the Debian package that installs it (R 4.2: Debian 12 bookworm)
R_PACKAGES = {
    "boot": "r-cran-boot", "car": "r-cran-car", "GPArotation": "r-cran-gparotation",
    "jsonlite": "r-cran-jsonlite", "lavaan": "r-cran-lavaan", "lme4": "r-cran-lme4",
    "lmerTest": "r-cran-lmertest", "lmtest": "r-cran-lmtest", "MASS": "r-cran-mass",
    "mclust": "r-cran-mclust", "metafor": "r-cran-metafor", "mitools": "r-cran-mitools",
    "multilevel": "r-cran-multilevel", "nlme": "r-cran-nlme", "psy": "r-cran-psy", "psych": "r-cran-psych",
    "psychTools": "r-cran-psychtools", "pwr": "r-cran-pwr", "sandwich": "r-cran-sandwich",
    "survey": "r-cran-survey",
}


def _install_hint(packages: list[str]) -> str:
    debs = " ".join(["r-base-core"] + [R_PACKAGES[p] for p in packages])
    return (f"  Debian/Ubuntu:  sudo apt-get install {debs}\n"
            f"  elsewhere: R 4.2 from https://cran.r-project.org, then in R\n"
            f"    install.packages(c({', '.join(repr(p).replace(chr(39), chr(34)) for p in packages)}))")


def check_r() -> tuple[str | None, str]:
    """(the Rscript to use, "") or (None, what to install) when R or one of its packages is missing."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None, ("make references: Rscript not found. The reference fixtures are made by R 4.2 scripts;\n"
                      "install R and the packages they use:\n" + _install_hint(sorted(R_PACKAGES, key=str.lower))
                      + "\n(the test suite itself needs no R)")
    probe = ("p <- commandArgs(TRUE); miss <- p[!vapply(p, requireNamespace, TRUE, quietly = TRUE)];"
             " cat(miss, sep = '\\n')")
    out = subprocess.run([rscript, "-e", probe, "--args", *R_PACKAGES], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        return None, f"make references: {rscript} failed: {out.stderr.strip()}"
    missing = [p for p in out.stdout.split() if p in R_PACKAGES]
    if missing:
        return None, ("make references: R packages missing: " + ", ".join(missing) + "\ninstall them:\n"
                      + _install_hint(missing))
    return rscript, ""


def command(area: str, step: str, rscript: str) -> list[str]:
    path = f"tests/reference/{area}/{step}"
    return [rscript, path] if step.endswith(".R") else [sys.executable, path]


def shown(area: str, step: str) -> str:
    """The step as its header writes it."""
    return f"{'Rscript' if step.endswith('.R') else 'python'} tests/reference/{area}/{step}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Regenerate the R reference fixtures under tests/reference/.")
    ap.add_argument("areas", nargs="*", help=f"areas to run (default: all of {', '.join(STEPS)})")
    ap.add_argument("--list", action="store_true", help="print the steps and run nothing")
    args = ap.parse_args(argv)
    unknown = [a for a in args.areas if a not in STEPS]
    if unknown:
        print(f"make references: no area {', '.join(unknown)}; the areas are {', '.join(STEPS)}", file=sys.stderr)
        return 2
    areas = args.areas or list(STEPS)
    if args.list:
        for area in areas:
            for step in STEPS[area]:
                print(shown(area, step))
        return 0
    rscript, problem = check_r()
    if rscript is None:
        print(problem, file=sys.stderr)
        return 2
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    total = time.perf_counter()
    for area in areas:
        print(f"== {area}", flush=True)
        for step in STEPS[area]:
            cmd = command(area, step, rscript)
            t0 = time.perf_counter()
            res = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
            took = time.perf_counter() - t0
            if res.returncode != 0:
                print(f"   {shown(area, step)}  FAILED after {took:.1f} s (exit {res.returncode}):", file=sys.stderr)
                print("\n".join((res.stdout + res.stderr).strip().splitlines()[-20:]), file=sys.stderr)
                return 1
            print(f"   {shown(area, step)}  {took:.1f} s", flush=True)
    print(f"done in {time.perf_counter() - total:.0f} s", flush=True)
    if shutil.which("git") and (ROOT / ".git").exists():
        st = subprocess.run(["git", "status", "--short", "--", "tests/reference"], cwd=ROOT,
                            capture_output=True, text=True)
        if st.returncode == 0:
            print("changed under tests/reference/ (compare before committing):\n" + st.stdout if st.stdout.strip()
                  else "git status: no file under tests/reference/ changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

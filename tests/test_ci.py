"""The CI files regenerate every report in a fresh clone, and their check names what changed.

``.github/workflows/reports.yml`` and ``.gitlab-ci.yml`` are parsed; their shell steps (GitHub's
``run:``, GitLab's ``script:``) run in order in a ``git clone`` of this repository (its last commit),
stopping at the first that fails as both services do. The steps a laptop cannot run (GitHub's
``uses:`` actions, GitLab's ``image``, cache and artifacts) are checked to be the expected ones. No
.venv is built: the Makefile takes ``PY`` from the environment and then uses that interpreter as it is
(this suite's), so the clone runs its own ``analysis`` through ``PYTHONPATH``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from messages import says

GITHUB = ROOT / ".github" / "workflows" / "reports.yml"
GITLAB = ROOT / ".gitlab-ci.yml"
STEPS = ["make venv", "make check-committed", "make report", "make check"]
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))


def github() -> dict:
    return yaml.safe_load(GITHUB.read_text(encoding="utf-8"))


def gitlab() -> dict:
    return yaml.safe_load(GITLAB.read_text(encoding="utf-8"))


def github_steps() -> list[dict]:
    return github()["jobs"]["reports"]["steps"]


def github_commands() -> list[str]:
    return [s["run"] for s in github_steps() if "run" in s]


def gitlab_commands() -> list[str]:
    job = gitlab()["reports"]
    return job.get("before_script", []) + job["script"]


def run_steps(commands: list[str], where: Path) -> list[subprocess.CompletedProcess]:
    """Each command in a new bash (GitHub's ``bash -e -o pipefail``), in order; stops after one fails."""
    env = {k: v for k, v in os.environ.items() if k not in ("GOALSCOPE_PSEUDONYM_KEY", "MAKEFLAGS", "MAKELEVEL")}
    env.update(PY=sys.executable, PYTHONPATH=str(where),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    done = []
    for command in commands:
        done.append(subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command], cwd=where,
                                   env=env, capture_output=True, text=True, timeout=600))
        if done[-1].returncode != 0:
            break
    return done


def said(steps: list[subprocess.CompletedProcess]) -> str:
    return "\n".join(s.stdout + s.stderr for s in steps)


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("ci") / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(where)], check=True)
    return where


@pytest.fixture(scope="module")
def github_run(clone):
    return run_steps(github_commands(), clone)


# --- what the files say (no run) ----------------------------------------------------------------------------

def test_both_files_run_the_same_make_targets_in_the_same_order():
    assert github_commands() == STEPS
    assert gitlab_commands() == STEPS


def test_the_github_actions_are_checkout_python_from_the_lock_and_the_upload_of_reports():
    steps = github_steps()
    assert [s["uses"] for s in steps if "uses" in s] == ["actions/checkout@v4", "actions/setup-python@v5",
                                                         "actions/upload-artifact@v4"]
    assert [s.get("uses", s.get("run")) for s in steps][:2] == ["actions/checkout@v4", "actions/setup-python@v5"]
    python = steps[1]["with"]
    assert python == {"python-version": "3.11", "cache": "pip", "cache-dependency-path": "requirements.lock"}
    upload = steps[-1]
    assert upload["uses"] == "actions/upload-artifact@v4" and upload["if"] == "always()"
    assert upload["with"]["path"] == "reports/"


def test_github_runs_on_push_pull_request_and_weekly():
    on = github().get("on", github().get(True))        # YAML 1.1 reads the key `on` as True
    assert set(on) == {"push", "pull_request", "schedule", "workflow_dispatch"}
    minute, hour, day, month, weekday = on["schedule"][0]["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit() and minute.isdigit() and hour.isdigit()
    assert github()["permissions"] == {"contents": "read"}


def test_gitlab_uses_the_same_python_caches_on_the_lock_and_keeps_the_reports():
    job = gitlab()["reports"]
    assert job["image"] == f"python:{github_steps()[1]['with']['python-version']}-bookworm"
    assert job["cache"] == {"key": {"files": ["requirements.lock"]}, "paths": [".cache/pip"]}
    assert job["variables"]["PIP_CACHE_DIR"] == "$CI_PROJECT_DIR/.cache/pip"
    assert job["artifacts"]["paths"] == ["reports/"] and job["artifacts"]["when"] == "always"
    sources = [r["if"] for r in gitlab()["workflow"]["rules"]]
    assert '$CI_PIPELINE_SOURCE == "schedule"' in sources and '$CI_PIPELINE_SOURCE == "push"' in sources
    assert '$CI_PIPELINE_SOURCE == "merge_request_event"' in sources


def test_the_lock_python_is_one_that_pyproject_allows():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'requires-python = ">=3.11"' in text and github_steps()[1]["with"]["python-version"] == "3.11"


# --- the steps run ------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_github_steps_pass_in_a_fresh_clone(clone, github_run):
    assert [s.returncode for s in github_run] == [0, 0, 0, 0], said(github_run)
    venv, committed, report, check = github_run
    assert not (clone / ".venv").exists()               # PY from the environment: nothing installed
    assert says(committed.stdout, "no outputs are committed (data/processed/*/manifest.json): nothing to compare "
                                  "before the run")
    assert says(report.stdout, "== data/raw/demo/study.yaml")
    for name in ("index.html", "tables", "figures"):
        assert (clone / "reports" / "demo" / name).exists()
    assert sorted(p.stem for p in (clone / "reports" / "notebooks").glob("*.html")) == NOTEBOOKS
    assert says(check.stdout, "study 'demo': the outputs in place are what a run gives now")
    assert subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True,
                          text=True).stdout == ""  # the outputs are ignored; nothing else changed


@pytest.mark.slow
def test_one_byte_of_the_export_fails_the_gitlab_check_and_names_the_file(clone, github_run, tmp_path):
    """A repository that commits its outputs, then changes one byte of its export without running again."""
    assert [s.returncode for s in github_run] == [0, 0, 0, 0], said(github_run)
    repo = tmp_path / "repo"
    shutil.copytree(clone, repo, symlinks=True)
    git = ["git", "-c", "user.name=ci test", "-c", "user.email=ci@example.org"]
    subprocess.run(git + ["add", "-f", "data/processed", "reports"], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "the outputs"], cwd=repo, check=True)
    export = repo / "data" / "raw" / "demo" / "responses.csv"
    lines = export.read_bytes().split(b"\n")
    header, row = lines[0].split(b","), lines[1].split(b",")
    col = header.index(b"agq_1")
    assert row[col] in {str(v).encode() for v in range(1, 8)}
    row[col] = b"2" if row[col] != b"2" else b"3"                 # one answer, one byte, still in 1..7
    lines[1] = b",".join(row)
    before = export.read_bytes()
    export.write_bytes(b"\n".join(lines))
    assert sum(a != b for a, b in zip(before, export.read_bytes())) == 1 and len(before) == export.stat().st_size

    steps = run_steps(gitlab_commands(), repo)
    assert [s.returncode for s in steps] == [0, 2], said(steps)    # the job stops at the check of the commit
    text = said(steps)
    assert says(text, "study 'demo': a run would change")
    assert says(text, "data/processed/demo/scores.csv")
    assert says(text, "because the data 'responses.csv' changed")
    assert not says(text, "because the study file")               # only what changed is named
    # nothing was overwritten: the committed outputs are still in place
    assert subprocess.run(["git", "status", "--porcelain", "data/processed", "reports"], cwd=repo,
                          capture_output=True, text=True).stdout == ""

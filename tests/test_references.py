"""The reference fixtures are in one form (needs no R).

Every area under tests/reference/ keeps its R scripts, what they wrote and one version record per
R script (<script>.versions, written by record_versions() in tests/reference/reference.R). Checked
here: the records have the same keys in the same order and name the R version; every file a record
lists has the bytes it had when the script wrote it; every data file is named by a script in its own
folder; every script says how to run it (from the repository root), and the runner behind
`make references` (scripts/run_references.py) runs every script. Each check is a function returning
its findings, so the last tests can show, on a broken copy, that every check fails when it should.
"""

from __future__ import annotations

import ast
import datetime
import hashlib
import importlib.util
import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import REFERENCE, ROOT

# the keys of a version record, in their order (tests/reference/reference.R: record_versions)
KEYS = ["script", "date", "r_version", "r_build", "platform", "os", "blas", "lapack", "packages", "loaded",
        "writes"]
SCRIPT_SUFFIXES = (".R", ".py")
NOT_DATA = {"README.md"}
HELPER = "reference.R"                  # tests/reference/reference.R: sourced by every script


def _areas(ref: Path) -> list[Path]:
    return sorted(p for p in ref.iterdir() if p.is_dir() and not p.name.startswith((".", "__")))


def _scripts(area: Path, suffix: str | None = None) -> list[Path]:
    return sorted(p for p in area.iterdir() if p.suffix in ((suffix,) if suffix else SCRIPT_SUFFIXES))


def _run_line(area: Path, script: Path) -> str:
    prog = "Rscript" if script.suffix == ".R" else "python"
    return f"Run from the repository root:  {prog} tests/reference/{area.name}/{script.name}"


def _md5(path: Path) -> set[str]:
    """MD5 of the file's bytes, and of the bytes with CRLF read back as LF (a Windows checkout)."""
    data = path.read_bytes()
    return {hashlib.md5(data).hexdigest(), hashlib.md5(data.replace(b"\r\n", b"\n")).hexdigest()}


def record_problems(ref: Path) -> list[str]:
    """Every area has version records, one per R script, all with KEYS in order and a parsable R version."""
    out = []
    for area in _areas(ref):
        r_scripts = _scripts(area, ".R")
        if not r_scripts:
            out.append(f"{area.name}: no R script, so no version record")
        for script in r_scripts:
            rec_path = area / f"{script.stem}.versions"
            if not rec_path.exists():
                out.append(f"{area.name}/{script.name}: no {rec_path.name} (run the script: it writes it)")
                continue
            try:
                rec = yaml.safe_load(rec_path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                out.append(f"{area.name}/{rec_path.name}: not YAML ({exc})")
                continue
            where = f"{area.name}/{rec_path.name}"
            if not isinstance(rec, dict) or list(rec) != KEYS:
                out.append(f"{where}: keys {list(rec) if isinstance(rec, dict) else rec!r}, expected {KEYS}")
                continue
            if rec["script"] != f"tests/reference/{area.name}/{script.name}":
                out.append(f"{where}: script {rec['script']!r} is not tests/reference/{area.name}/{script.name}")
            try:
                datetime.date.fromisoformat(str(rec["date"]))
            except ValueError:
                out.append(f"{where}: date {rec['date']!r} is not YYYY-MM-DD")
            m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", str(rec["r_version"]))
            if not m or int(m.group(1)) < 3:
                out.append(f"{where}: r_version {rec['r_version']!r} is not an R version like 4.2.2")
            elif f"R version {rec['r_version']}" not in str(rec["r_build"]):
                out.append(f"{where}: r_build {rec['r_build']!r} does not name R {rec['r_version']}")
            for key in ["platform", "os", "blas", "lapack"]:
                if not isinstance(rec[key], str) or not rec[key]:
                    out.append(f"{where}: {key} is empty")
            for key in ["packages", "loaded"]:
                if not isinstance(rec[key], dict):
                    out.append(f"{where}: {key} is not a mapping of package: version")
                    continue
                for pkg, ver in rec[key].items():
                    if not (isinstance(ver, str) and re.fullmatch(r"\d+([.-]\d+)+", ver)):
                        out.append(f"{where}: {key} {pkg}: version {ver!r} does not parse")
            if not isinstance(rec["writes"], dict) or not rec["writes"]:
                out.append(f"{where}: writes lists no file")
    return out


def checksum_problems(ref: Path) -> list[str]:
    """Every file a record lists is beside it with the bytes the script wrote (MD5)."""
    out = []
    for area in _areas(ref):
        for rec_path in sorted(area.glob("*.versions")):
            rec = yaml.safe_load(rec_path.read_text(encoding="utf-8")) or {}
            writes = rec.get("writes") if isinstance(rec, dict) else None
            for name, md5 in (writes if isinstance(writes, dict) else {}).items():
                f = area / name
                if not f.exists():
                    out.append(f"{area.name}/{rec_path.name}: lists {name}, which is not there")
                elif md5 not in _md5(f):
                    out.append(f"{area.name}/{name}: changed since {rec['script']} wrote it "
                               f"(MD5 {md5} in {rec_path.name}); regenerate it with the script, not by hand")
    return out


def orphan_problems(ref: Path) -> list[str]:
    """Every data file under tests/reference/ is named by a script in its own folder (and R-made
    files by that script's record); nothing but the shared helper sits above the area folders."""
    out = [f"tests/reference/{p.name}: outside an area folder" for p in sorted(ref.iterdir())
           if p.is_file() and p.name != HELPER]
    for area in _areas(ref):
        out += [f"{area.name}/{p.name}/: a folder inside an area" for p in sorted(area.iterdir())
                if p.is_dir() and p.name != "__pycache__"]
        texts = {s.name: s.read_text(encoding="utf-8") for s in _scripts(area)}
        recorded = set()
        for rec_path in area.glob("*.versions"):
            rec = yaml.safe_load(rec_path.read_text(encoding="utf-8"))
            if isinstance(rec, dict) and isinstance(rec.get("writes"), dict):
                recorded |= set(rec["writes"])
        for f in sorted(p for p in area.iterdir() if p.is_file()):
            if f.suffix in SCRIPT_SUFFIXES or f.name in NOT_DATA:
                continue
            if f.suffix == ".versions":
                if f"{f.stem}.R" not in texts:
                    out.append(f"{area.name}/{f.name}: a version record without {f.stem}.R")
                continue
            makers = [s for s, text in texts.items() if f.name in text]
            if not makers:
                out.append(f"{area.name}/{f.name}: no script in {area.name}/ names it (what made it?)")
            elif not any(s.endswith(".py") for s in makers) and f.name not in recorded:
                out.append(f"{area.name}/{f.name}: named by {', '.join(makers)} but in no record's writes")
    return out


def _header(script: Path, text: str) -> str:
    """The leading comment block of an R script, the module docstring of a Python one."""
    if script.suffix == ".py":
        return ast.get_docstring(ast.parse(text)) or ""
    lines = text.splitlines()
    n = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    return "\n".join(lines[:n])


def header_problems(ref: Path) -> list[str]:
    """Every script says how to run it, from the repository root; every R script sources the helper
    before its first library() and ends by recording its versions."""
    out = []
    for area in _areas(ref):
        for script in _scripts(area):
            text = script.read_text(encoding="utf-8")
            where = f"{area.name}/{script.name}"
            if _run_line(area, script) not in _header(script, text):
                out.append(f"{where}: its header does not say {_run_line(area, script)!r}")
            if re.search(r"cd tests/reference|Run from this folder|cd <repo>", text):
                out.append(f"{where}: still says to run it from another folder")
            if script.suffix != ".R":
                continue
            guard = f'stop("run from the repository root:  Rscript tests/reference/{area.name}/{script.name}"'
            if guard not in text:
                out.append(f"{where}: no clear stop when run from elsewhere ({guard} ...)")
            src = text.find('source("tests/reference/reference.R")')
            lib = re.search(r"library\(", text)
            if src < 0:
                out.append(f'{where}: does not source("tests/reference/reference.R")')
            elif lib and lib.start() < src:
                out.append(f"{where}: loads a package before sourcing tests/reference/reference.R")
            if "record_versions(" not in text:
                out.append(f"{where}: never calls record_versions()")
    return out


def _runner():
    spec = importlib.util.spec_from_file_location("run_references", ROOT / "scripts" / "run_references.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def runner_problems(ref: Path, steps: dict[str, list[str]]) -> list[str]:
    """The runner runs every script of every area once, and nothing that is not there."""
    found = {(a.name, s.name) for a in _areas(ref) for s in _scripts(a)}
    listed = [(a, s) for a, ss in steps.items() for s in ss]
    out = [f"{a}/{s}: not run by scripts/run_references.py (add it to STEPS)" for a, s in sorted(found - set(listed))]
    out += [f"{a}/{s}: in scripts/run_references.py but not in tests/reference/"
            for a, s in sorted(set(listed) - found)]
    out += [f"{a}/{s}: listed twice in scripts/run_references.py" for a, s in sorted(set(listed))
            if listed.count((a, s)) > 1]
    return out


# --- the repository ----------------------------------------------------------------------------

def test_every_r_script_has_a_version_record_in_the_one_format():
    assert record_problems(REFERENCE) == []


def test_every_recorded_file_is_what_its_script_wrote():
    assert checksum_problems(REFERENCE) == []


def test_every_data_file_is_made_by_a_script_beside_it():
    assert orphan_problems(REFERENCE) == []


def test_every_script_says_how_to_run_it():
    assert header_problems(REFERENCE) == []


def test_make_references_runs_every_script():
    assert runner_problems(REFERENCE, _runner().STEPS) == []
    assert "references:" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_readmes_say_what_the_scripts_say():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make references" in readme
    assert "Rscript tests/reference/<area>/<script>.R" in readme
    for doc in [ROOT / "README.md", *sorted(REFERENCE.glob("*/README.md"))]:
        text = doc.read_text(encoding="utf-8")
        assert not re.search(r"cd tests/reference|run from their own folder|Run from this folder", text), doc
        for area, name in re.findall(r"Rscript tests/reference/([\w-]+)/([\w-]+\.R)", text):
            assert (REFERENCE / area / name).exists(), f"{doc.name} names tests/reference/{area}/{name}"


def test_the_helper_writes_these_keys():
    helper = (REFERENCE / HELPER).read_text(encoding="utf-8")
    written = [a or b for a, b in re.findall(r'paste0\("(\w+): "|block\("(\w+)"', helper)]
    assert sorted(written) == sorted(KEYS) and len(written) == len(KEYS)


# --- the checks fail on a broken copy ----------------------------------------------------------

@pytest.fixture
def copy(tmp_path) -> Path:
    ref = tmp_path / "reference"
    ref.mkdir()
    shutil.copy(REFERENCE / HELPER, ref / HELPER)
    for area in ["goals", "study"]:
        shutil.copytree(REFERENCE / area, ref / area, ignore=shutil.ignore_patterns("__pycache__"))
    assert record_problems(ref) == checksum_problems(ref) == orphan_problems(ref) == header_problems(ref) == []
    return ref


def test_a_missing_or_malformed_record_is_found(copy):
    (copy / "study" / "phq9_prorated.versions").unlink()
    rec = copy / "goals" / "kappa.versions"
    text = rec.read_text(encoding="utf-8")
    rec.write_text(text.replace('r_version: "4.2.2"', 'r_version: "four"'), encoding="utf-8")
    found = record_problems(copy)
    assert any("study/phq9_prorated.R: no phq9_prorated.versions" in p for p in found)
    assert any("goals/kappa.versions: r_version 'four'" in p for p in found)
    rec.write_text(text.replace("blas:", "BLAS:"), encoding="utf-8")
    assert any("goals/kappa.versions: keys" in p for p in record_problems(copy))


def test_a_fixture_edited_by_hand_is_found(copy):
    f = copy / "goals" / "kappa.csv"
    f.write_bytes(f.read_bytes().replace(b"0.", b"1.", 1))
    assert any(p.startswith("goals/kappa.csv: changed since") for p in checksum_problems(copy))
    f.unlink()
    assert any("lists kappa.csv, which is not there" in p for p in checksum_problems(copy))


def test_an_orphan_fixture_is_found(copy):
    (copy / "goals" / "by_hand.csv").write_text("a\n1\n", encoding="utf-8")
    (copy / "stray.json").write_text("{}", encoding="utf-8")
    found = orphan_problems(copy)
    assert "goals/by_hand.csv: no script in goals/ names it (what made it?)" in found
    assert "tests/reference/stray.json: outside an area folder" in found


def test_a_script_without_its_header_is_found(copy):
    s = copy / "study" / "phq9_prorated.R"
    text = s.read_text(encoding="utf-8")
    s.write_text(text.replace("# Run from the repository root:  Rscript tests/reference/study/phq9_prorated.R\n",
                              "# Run: cd tests/reference/study && Rscript phq9_prorated.R\n"), encoding="utf-8")
    found = header_problems(copy)
    assert any(p.startswith("study/phq9_prorated.R: its header does not say") for p in found)
    assert "study/phq9_prorated.R: still says to run it from another folder" in found
    s.write_text(text.replace("record_versions(", "print("), encoding="utf-8")
    assert header_problems(copy) == ["study/phq9_prorated.R: never calls record_versions()"]
    s.write_text(text.replace('stop("run from the repository root', 'stop("run from the top', 1), encoding="utf-8")
    found = [p.split(" (")[0] for p in header_problems(copy)]
    assert found == ["study/phq9_prorated.R: no clear stop when run from elsewhere"]


def test_a_script_the_runner_misses_is_found(copy):
    steps = {"goals": ["make_pairs.py", "kappa.R"], "study": []}
    assert runner_problems(copy, steps) == [
        "study/phq9_prorated.R: not run by scripts/run_references.py (add it to STEPS)"]
    steps["study"] = ["phq9_prorated.R", "gone.R"]
    assert runner_problems(copy, steps) == ["study/gone.R: in scripts/run_references.py but not in tests/reference/"]

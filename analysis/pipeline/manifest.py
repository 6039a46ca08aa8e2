"""The manifest of a study run: input, key and output hashes, package versions, seed, key source."""

from __future__ import annotations

import os
from pathlib import Path

from ..io import sha256
from ..io.pseudonyms import PSEUDONYM_ENV
from .schema import study_key


def manifest(study, data_file: Path, outputs: dict) -> dict:
    """What a run read and wrote, with SHA-256 hashes, so a changed input or version is visible."""
    import importlib.metadata as md

    keys = {}
    for alias, use in study.instruments.items():
        inst = study_key(study, use)
        keys[alias] = {"id": inst.id, "sha256": sha256(inst.path)}
    versions = {}
    # the packages whose code makes the outputs (numbers, files, figures), so a new version is a reason
    for pkg in ("numpy", "pandas", "scipy", "statsmodels", "scikit-learn", "matplotlib", "pyarrow", "pyyaml", "pydantic"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            pass
    from .._version import __version__

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

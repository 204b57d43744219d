"""Where the project's files are: seeds/ and deploy/ live in the repository beside the package (the schemas and the
gazetteer are package data, found wherever sitrep is installed)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


@cache
def project_root() -> Path:
    env = os.environ.get("SITREP_ROOT")
    if env:
        return Path(env)
    # services/sitrep/paths.py -> the checkout (an editable install, or PYTHONPATH=services)
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file():
        return checkout
    return Path.cwd()  # installed from a wheel (pip install .): the folder the user works in


def state_dir() -> Path:
    """Per-deployment working state (local broker, SQLite files) unless configured otherwise."""
    return Path(os.environ.get("SITREP_HOME", project_root() / ".sitrep"))

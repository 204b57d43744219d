"""Where the project's files are: the repo root holds schemas/, seeds/ and deploy/ beside the package."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


@cache
def project_root() -> Path:
    env = os.environ.get("SITREP_ROOT")
    if env:
        return Path(env)
    # services/sitrep/paths.py -> repo root (the package is installed editable)
    return Path(__file__).resolve().parents[2]


def state_dir() -> Path:
    """Per-deployment working state (local broker, SQLite files) unless configured otherwise."""
    return Path(os.environ.get("SITREP_HOME", project_root() / ".sitrep"))

"""Issue 14, items 7 and 8: sitrep installs from a hashed lock into a project-local .venv, once; and an installed
sitrep (a wheel, not the checkout) carries its schemas and gazetteer, so `sitrep extract seeds/` runs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.cli.clitools import ROOT, SEEDS, user_env


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>~ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _locked(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) from a pip-compile lock."""
    out: dict[str, tuple[str, int]] = {}
    current = ""
    for line in path.read_text().splitlines():
        if m := re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line):
            current = m.group(1).lower().replace("_", "-")
            out[current] = (m.group(2), 0)
        elif "--hash=sha256:" in line and current:
            version, hashes = out[current]
            out[current] = (version, hashes + 1)
    return out


@pytest.mark.parametrize(("lock", "extras"), [("requirements.lock", ["test"]), ("requirements-runtime.lock", [])])
def test_every_pin_in_pyproject_is_locked_with_hashes(lock, extras):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"]) + [r for e in extras for r in project["optional-dependencies"][e]]
    locked = _locked(ROOT / lock)
    assert locked and all(hashes > 0 for _, hashes in locked.values()), "every locked file needs its hash"
    for requirement in wanted:
        version = requirement.partition("==")[2]
        assert _name(requirement) in locked, f"{requirement} is not in {lock}: run `make lock`"
        assert locked[_name(requirement)][0] == version, f"{requirement} is locked at {locked[_name(requirement)]}"
    if not extras:
        assert "pytest" not in locked  # the image's lock carries no test tools


def test_make_installs_into_a_local_venv_from_the_lock(tmp_path):
    for name in ("Makefile", "pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    plan = subprocess.run(["make", "-n", "install"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "python3 -m venv .venv" in plan.stdout
    assert ".venv/bin/python -m pip install" in plan.stdout and "--require-hashes -r requirements.lock" in plan.stdout
    assert "--no-deps --no-build-isolation -e ." in plan.stdout  # the backend comes from the lock


def test_a_second_make_test_does_not_reinstall():
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("no .venv here (the tests were not started by `make test`)")
    plan = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "pip install" not in plan.stdout, plan.stdout


def test_an_installed_wheel_runs_extract_without_the_checkout(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "services", src / "services", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    build = "from setuptools import build_meta; print(build_meta.build_wheel('dist'))"
    wheel = subprocess.run([sys.executable, "-c", build], cwd=src, capture_output=True, text=True, check=True)
    site = tmp_path / "site"
    with zipfile.ZipFile(src / "dist" / wheel.stdout.strip().splitlines()[-1]) as zf:
        names = zf.namelist()
        zf.extractall(site)
    assert "sitrep/schemas/raw.articles.schema.json" in names
    assert "sitrep/extraction/data/gazetteer.tsv.gz" in names
    work = tmp_path / "elsewhere"  # not a checkout: nothing beside the package to fall back on
    work.mkdir()
    env = user_env(PYTHONPATH=str(site))
    where = subprocess.run(
        [sys.executable, "-c", "import sitrep; print(sitrep.__file__)"],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(site)), where.stdout
    result = subprocess.run(
        [sys.executable, "-m", "sitrep.cli", "extract", str(SEEDS)],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    events = result.stdout.splitlines()
    assert len(events) > 10 and all('"sub_event_type"' in line for line in events)

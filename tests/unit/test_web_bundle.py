"""The built page committed under services/sitrep/web/static/ is the build of frontend/ (so a fresh clone runs the
page without npm, and the sources are what runs). Needs node and `npm ci` in frontend/; skipped without them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sitrep.paths import project_root
from sitrep.web.assets import STATIC

FRONTEND = project_root() / "frontend"


def test_the_committed_bundle_is_the_build_of_the_sources(tmp_path: Path) -> None:
    if shutil.which("node") is None or not (FRONTEND / "node_modules").is_dir():
        pytest.skip("needs node and `npm ci` in frontend/")
    subprocess.run(
        ["node", "build.mjs"],
        cwd=FRONTEND,
        env={"PATH": "/usr/bin:/bin", "SITREP_WEB_OUT": str(tmp_path)},
        check=True,
        capture_output=True,
        timeout=120,
    )
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == sorted(p.name for p in STATIC.iterdir() if p.is_file())
    stale = [name for name in built if (tmp_path / name).read_bytes() != (STATIC / name).read_bytes()]
    assert not stale, f"rebuild the page (cd frontend && npm ci && npm run build): {stale} differ"


def test_the_page_loads_no_script_but_its_own_bundle() -> None:
    html = (STATIC / "index.html").read_text()
    assert '<script type="module" src="/static/app.js"></script>' in html
    assert html.count("<script") == 1 and "style=" not in html and "http" not in html.split("<body>")[1]

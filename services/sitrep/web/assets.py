"""The built static files (index.html, app.js, app.css, the offline basemap), served from the package itself."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
# a flat folder of built files: a name is one path segment, so ``..`` or a slash can never leave it
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}


@cache
def asset(name: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of one built file, or None. Cached: the files only change with a new release."""
    if not _NAME.match(name):
        return None
    path = STATIC / name
    ctype = TYPES.get(path.suffix)
    if ctype is None or not path.is_file():
        return None
    return ctype, path.read_bytes()

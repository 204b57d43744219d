"""The API's guards: a token when it listens beyond loopback, the headers every response carries, and request lines
with the token blanked out before anything is logged.

The token comes from the environment (never from a command-line option, which ``ps`` shows). A browser presents it
once as ``?token=`` and gets it back as an HttpOnly, SameSite=Strict cookie, then is redirected to the same URL
without it (so it stays out of the history and of referrers); programs send ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode, urlsplit

TOKEN_ENV = "SITREP_API_TOKEN"
COOKIE = "sitrep_token"
_TOKEN_IN_QUERY = re.compile(r"(?i)([?&]token=)[^&\s]*")


class TokenRequiredError(SystemExit):
    pass


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere: treat it as public


def required_token(host: str, env: dict[str, str]) -> str | None:
    """The token this server must demand, or None on loopback; refuses to serve a public address without one."""
    token = env.get(TOKEN_ENV, "")
    if is_loopback(host):
        return token or None  # a token set for loopback is still honoured
    if len(token) < 16:
        raise TokenRequiredError(f"sitrep api: listening on {host} needs {TOKEN_ENV} set (16 characters or more)")
    return token


def presented(headers: dict[str, str], target: str) -> str | None:
    """The token a request carries: the Authorization header, the cookie, or the query string, in that order."""
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:
        cookie = SimpleCookie()
    if COOKIE in cookie:
        return cookie[COOKIE].value
    for key, value in parse_qsl(urlsplit(target).query, keep_blank_values=True):
        if key == "token":
            return value
    return None


def allowed(expected: str | None, given: str | None) -> bool:
    if expected is None:
        return True
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def without_token(target: str) -> str:
    """The request target without its token parameter: for the redirect, and for every log line."""
    parts = urlsplit(target)
    if "token=" not in parts.query.lower():
        return target
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "token"])
    return parts.path + (f"?{query}" if query else "")


def redact_line(text: str) -> str:
    return _TOKEN_IN_QUERY.sub(r"\1***", text)


def security_headers(tile_origin: str | None) -> dict[str, str]:
    """No inline script or style can run; the page talks to this server only (and to a tile server if one is set)."""
    img = "'self' data:" + (f" {tile_origin}" if tile_origin else "")
    csp = (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        f"img-src {img}; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def tile_origin(url: str | None) -> str | None:
    """scheme://host[:port] of a tile URL template, for the CSP (``{s}`` subdomains become ``*``), or None."""
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "subdomain"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SystemExit(f"sitrep api: the tile URL must be http(s)://host/.../{{z}}/{{x}}/{{y}}..., got {url!r}")
    return f"{parts.scheme}://{parts.netloc.replace('subdomain', '*')}"

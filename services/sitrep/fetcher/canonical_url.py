"""Canonical URLs and the stable document ids derived from them: the same article found twice gets the same id."""

from __future__ import annotations

import hashlib
import posixpath
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
# parameters that say how a reader arrived, never which document it is
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "igshid", "igsh",
    "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id",
    "ref_src", "ref_url", "cmpid", "ocid", "smid", "sr_share", "at_medium", "at_campaign", "at_custom1",
    "at_custom2", "at_custom3", "at_custom4", "s_cid", "spm", "share_source", "wt.mc_id", "wt_mc_id", "icid",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "itm_")
ID_PREFIX = {"article": "art-", "tweet": "tweet-"}
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
# RFC 3986 unreserved characters are equivalent to their percent-encoded forms: decode them; keep the rest encoded
_SAFE_PATH = "/:@!$&'()*+,;=~%-._"


def is_tracking_param(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def _normalize_percent(part: str, safe: str) -> str:
    # uppercase escapes and decode unreserved ones, so "%7e" and "~" and "%7E" are the same URL
    return quote(unquote(_PERCENT.sub(lambda m: m.group(0).upper(), part)), safe=safe)


def _normalize_path(path: str) -> str:
    if not path:
        return "/"
    trailing = path.endswith("/")
    clean = posixpath.normpath(path)
    if clean.startswith("//"):  # normpath keeps a leading "//" (POSIX): a path is never host-relative here
        clean = "/" + clean.lstrip("/")
    if trailing and clean != "/":
        clean += "/"
    return _normalize_percent(clean, _SAFE_PATH)


def canonicalize(url: str) -> str:
    """Lower-case scheme and host, drop default port, fragment and tracking parameters, sort the query.

    Raises ValueError for a URL without a scheme or host. The path keeps its case (servers are case-sensitive)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if not scheme or not parts.hostname:
        raise ValueError(f"not an absolute URL: {url!r}")
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    query.sort()
    return urlunsplit((scheme, netloc, _normalize_path(parts.path), urlencode(query, quote_via=quote), ""))


def document_id(kind: str, canonical_url: str) -> str:
    """"art-" + 32 hex chars of BLAKE2b over the canonical URL: short, stable across runs and machines."""
    digest = hashlib.blake2b(canonical_url.encode("utf-8"), digest_size=16).hexdigest()
    return ID_PREFIX.get(kind, f"{kind}-") + digest


def url_id(kind: str, url: str) -> str:
    return document_id(kind, canonicalize(url))


def host_of(url: str) -> str:
    """The host as a metric label: bounded (one per configured site), never a path."""
    return (urlsplit(url).hostname or "unknown").lower()

"""Decoding fetched bytes: BOM, then the Content-Type charset, then an in-document declaration, then a guess.

A declaration that cannot decode the bytes is skipped (servers often send a default charset that is wrong for the
page); valid non-ASCII UTF-8 beats a declared single-byte charset, because such bytes are almost never accidental.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""", re.IGNORECASE)
_HEADER = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# WHATWG: browsers decode these labels as windows-1252, and so do pages that declare them
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}
SNIFF_BYTES = 4096


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    source: str  # bom | header | meta | utf-8 | guess | fallback


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER.search(content_type)
    return m.group(1) if m else None


def declared_charset(body: bytes) -> str | None:
    """<meta charset>, <meta http-equiv content="...; charset=">, or an XML declaration, in the first bytes."""
    head = body[:SNIFF_BYTES]
    m = _XML_DECL.search(head) or _META.search(head)
    return m.group(1).decode("ascii", "ignore") if m else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _single_byte(codec: str) -> bool:
    return not codec.startswith(("utf", "gb", "big5", "euc", "shift", "iso2022", "cp932", "cp949", "cp950"))


def _try(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_body(body: bytes, content_type: str | None = None) -> Decoded:
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom):].decode(bom_codec, "replace"), bom_codec, "bom")
    as_utf8 = _try(body, "utf-8")
    non_ascii_utf8 = as_utf8 is not None and not body.isascii()
    for source, label in (("header", header_charset(content_type)), ("meta", declared_charset(body))):
        codec = _codec(label)
        if codec is None:
            continue
        if non_ascii_utf8 and _single_byte(codec):
            assert as_utf8 is not None
            return Decoded(as_utf8, "utf-8", "utf-8")
        text = _try(body, codec)
        if text is not None:
            return Decoded(text, codec, source)
    if as_utf8 is not None:
        return Decoded(as_utf8, "utf-8", "utf-8")
    guess = _guess(body)
    if guess is not None:
        return guess
    return Decoded(body.decode("cp1252", "replace"), "cp1252", "fallback")


def _guess(body: bytes) -> Decoded | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # an optional dependency (trafilatura brings it); without it we fall back to cp1252
        return None
    best = from_bytes(body[:200_000]).best()
    encoding = best.encoding if best is not None else None
    if not encoding:
        return None
    text = _try(body, encoding)
    return Decoded(text, encoding, "guess") if text is not None else None

"""Text normalisation shared by cleaning (content_hash) and deduplication (shingles).

Normalised text = lower-case words separated by single spaces, punctuation folded to spaces. It runs for every
document on the hot path of the stream, so it works on UTF-8 bytes with numpy instead of a regex over ``str``
(~10x cheaper). Trade-off, on purpose: only ASCII letters are lower-cased; non-ASCII capitals stay as they are
(copies of a text keep the same capitalisation, so neither exact nor near matching suffers).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
SPACE = 32

# ASCII: letters lower-cased, digits kept, everything else (punctuation, whitespace, controls) -> space.
# Bytes >= 0x80 are kept here: they are parts of UTF-8 encoded characters, see _fold_unicode_punctuation.
_TABLE = bytes(
    (c + 32 if 65 <= c <= 90 else c if (48 <= c <= 57 or 97 <= c <= 122 or c >= 128) else SPACE) for c in range(256)
)
# Links carry no wording of a tweet: a copy quoted in an article drops or rewrites them.
_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*", re.IGNORECASE)


def _punctuation_widths() -> npt.NDArray[np.uint8]:
    """(lead byte << 8 | second byte) -> UTF-8 length of a punctuation/space character starting so, else 0."""
    widths = np.zeros(1 << 16, dtype=np.uint8)
    for cp in [*range(0xA0, 0xC0), 0xD7, 0xF7, 0x60C, 0x61B, 0x61F, *range(0x2000, 0x2070), *range(0x3000, 0x3040)]:
        enc = chr(cp).encode()
        widths[enc[0] << 8 | enc[1]] = len(enc)
    return widths


# Non-ASCII punctuation and spaces: U+00A0-U+00BF (NBSP, «», ·), U+00D7, U+00F7, U+2000-U+206F (dashes, curly
# quotes, ellipsis, bullets, thin spaces), U+3000-U+303F (CJK punctuation), Arabic comma/semicolon/question mark.
# The first two UTF-8 bytes identify each of them (the blocks above are aligned on the second byte).
_PUNCT_WIDTH = _punctuation_widths()


def _fold_unicode_punctuation(a: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Non-ASCII punctuation -> spaces, touching only the (few) non-ASCII positions. `a` ends with a space."""
    lead = np.flatnonzero(a >= 0xC2)
    width = _PUNCT_WIDTH[(a[lead].astype(np.uint16) << 8) | a[lead + 1]]
    hit = width > 0
    if not hit.any():
        return a
    a = a.copy()
    lead, width = lead[hit], width[hit]
    a[lead] = SPACE
    a[lead + 1] = SPACE
    a[lead[width == 3] + 2] = SPACE
    return a


def folded_bytes(text: str) -> npt.NDArray[np.uint8]:
    """UTF-8 bytes of text with ASCII lower-cased and all punctuation/whitespace as spaces, padded with a space on
    both sides (so every word has a space before and after it)."""
    raw = b" " + text.encode("utf-8", "surrogatepass").translate(_TABLE) + b" "
    a = np.frombuffer(raw, dtype=np.uint8)
    return _fold_unicode_punctuation(a) if not raw.isascii() else a


def tokens(text: str) -> list[bytes]:
    """The words of the normalised text, as UTF-8 bytes."""
    return folded_bytes(text).tobytes().split()


def normalized(text: str) -> str:
    """Lower-case, punctuation folded, whitespace collapsed (what content_hash is computed over)."""
    return b" ".join(tokens(text)).decode("utf-8", "replace")


def strip_links(text: str) -> str:
    """Text without URLs and pic.twitter.com links (tweets are compared on their wording only)."""
    return _URL.sub(" ", text) if ("http" in text or "www." in text or "pic.twitter" in text) else text


# Polynomial hash of each word over its bytes, base P modulo 2**64, evaluated for all words at once:
# sum(byte[j] * P**j) over the word, then divided by P**start (P is odd, so invertible) to drop the position.
_P = np.uint64(0x9E3779B97F4A7C15 | 1)
_P_INV = np.uint64(pow(int(_P), -1, 2**64))
_powers: tuple[U64, U64] = (np.empty(0, np.uint64), np.empty(0, np.uint64))


def _pow_tables(n: int) -> tuple[U64, U64]:
    global _powers
    if len(_powers[0]) < n:
        size = max(n, 1 << 16, 2 * len(_powers[0]))
        pw = np.ones(size, dtype=np.uint64)
        inv = np.ones(size, dtype=np.uint64)
        np.cumprod(np.full(size - 1, _P, dtype=np.uint64), out=pw[1:])
        np.cumprod(np.full(size - 1, _P_INV, dtype=np.uint64), out=inv[1:])
        _powers = (pw, inv)
    return _powers


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_S31 = np.uint64(31)


def word_hashes(text: str) -> U64:
    """A 64-bit hash per word of the normalised text, in order (stable across processes and machines)."""
    a = folded_bytes(text)
    is_word = (a != SPACE).view(np.int8)
    edge = is_word[1:] - is_word[:-1]
    starts = np.flatnonzero(edge == 1) + 1
    if len(starts) == 0:
        return np.empty(0, dtype=np.uint64)
    ends = np.flatnonzero(edge == -1) + 1
    pw, inv = _pow_tables(len(a))
    weighted = a * pw[: len(a)]
    bounds = np.empty(2 * len(starts), dtype=np.intp)
    bounds[0::2], bounds[1::2] = starts, ends
    h: U64 = np.add.reduceat(weighted, bounds)[0::2] * inv[starts]
    h ^= h >> _S31
    h *= _M1
    h ^= h >> _S31
    return h


def hash_words(hashes: U64) -> str:
    return hashlib.blake2b(hashes.astype("<u8").tobytes(), digest_size=16).hexdigest()


def content_hash(text: str, kind: str = "article") -> str:
    """Hex digest of the normalised text: identical texts up to case, punctuation and spacing hash equal."""
    return hash_words(word_hashes(strip_links(text) if kind == "tweet" else text))

"""Sketch: what dedup keeps about a document — shingle set, LSH band keys, quote anchors — and its byte form.

Shingles are hashed with numpy over whole arrays (no Python loop per word) because this runs for every document:
k consecutive word hashes (sitrep.cleaning.normalize.word_hashes) are combined and mixed, and the top 32 bits are
kept. At ~1,000 shingles per document a 32-bit collision changes a Jaccard by ~1e-7: negligible, and
it halves the state.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import rensa
from numpy.lib.stride_tricks import as_strided

from sitrep.cleaning.normalize import hash_words, strip_links, word_hashes
from sitrep.dedup.features import word_features
from sitrep.dedup.params import DedupParams

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
KINDS = ("article", "tweet")
FORMAT_VERSION = 2  # 2 added clutter, names and capitals; version 1 sketches still decode (without them)
UNKNOWN_TIME = "9999-12-31T23:59:59Z"  # undated documents sort last: never preferred as the original

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S32 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(32)
# odd multipliers, one per position in a shingle (so "a b" and "b a" differ)
_POS = np.array(
    [(0x9E3779B97F4A7C15 * (2 * i + 1) + 0x632BE59BD9B4E019 * i) % 2**64 | 1 for i in range(64)], dtype=np.uint64
)


def _mix(x: U64) -> U64:
    """splitmix64 finaliser, vectorised."""
    x = x ^ (x >> _S30)
    x = x * _M1
    x = x ^ (x >> _S27)
    x = x * _M2
    return x ^ (x >> _S31)  # type: ignore[no-any-return]


@dataclass(frozen=True, eq=False)
class Sketch:
    doc_id: str
    kind: str
    order_key: tuple[str, str]  # (published_at as UTC ISO, doc_id): the original is the smallest
    content_hash: str  # 32 hex digits, as clean documents' content_hash
    shingles: U32  # sorted unique shingle hashes
    band_keys: tuple[str, ...]  # f"{band}:{hash:016x}", one per LSH band (empty for an empty text)
    anchors: U32  # sorted unique quote anchors (see dedup.quotes)
    n_words: int
    # for copies by containment (see dedup.verdict.copy_score); empty in sketches stored before format 2
    # positions in `shingles` of those found only outside prose lines (positions: a prose mask costs no search)
    clutter_at: U32 = field(default_factory=lambda: _EMPTY)
    names: U32 = field(default_factory=lambda: _EMPTY)  # 32-bit hashes of distinctive words on prose lines
    capitals: U32 = field(default_factory=lambda: _EMPTY)  # 32-bit hashes of all words opening with a capital/digit

    @property
    def prose_size(self) -> int:
        """Shingles that count for containment (those of prose lines)."""
        return len(self.shingles) - len(self.clutter_at)


_EMPTY: U32 = np.empty(0, dtype=np.uint32)


def utc_key(published_at: str | None) -> str:
    """An ISO date or date-time as a sortable UTC string (dates without time count as midnight UTC)."""
    if not published_at:
        return UNKNOWN_TIME
    try:
        dt = datetime.fromisoformat(published_at.replace(" ", "T", 1))
    except ValueError:
        return UNKNOWN_TIME
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def shingle_sequence(wh: U64, k: int) -> U32:
    """Hashes of the k-word shingles in text order (a text shorter than k words is one shingle)."""
    if len(wh) == 0:
        return np.empty(0, dtype=np.uint32)
    k = min(k, len(wh))
    n = len(wh) - k + 1
    windows = as_strided(wh, shape=(n, k), strides=(wh.strides[0], wh.strides[0]), writeable=False)
    return (_mix(windows @ _POS[:k]) >> _S32).astype(np.uint32)


def sorted_unique(a: U32) -> U32:
    a = np.sort(a)
    if len(a) < 2:
        return a
    keep = np.empty(len(a), dtype=bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def members(a: U32, b: U32) -> npt.NDArray[np.bool_]:
    """Which elements of `a` are in the sorted array `b` (one binary search per element of a)."""
    if len(b) == 0:
        return np.zeros(len(a), dtype=bool)
    pos = np.searchsorted(b, a)
    pos[pos == len(b)] = 0
    found: npt.NDArray[np.bool_] = b[pos] == a
    return found


def band_keys(shingles: U32, params: DedupParams) -> tuple[str, ...]:
    if len(shingles) == 0:
        return ()
    offsets = np.array([0, len(shingles)], dtype=np.uint64)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        shingles.astype(np.uint64), offsets, params.num_perm, params.seed
    )
    digest = np.array(matrix.to_rows()[0][: params.bands * params.rows], dtype=np.uint64)
    hashes = _mix(digest.reshape(params.bands, params.rows) @ _POS[: params.rows])
    return _keys(hashes.astype(">u8").tobytes().hex())


def _keys(hexed: str) -> tuple[str, ...]:
    """f"{band}:{16 hex digits}" for each band, from the concatenated hex digests."""
    return tuple([f"{i}:{hexed[j : j + 16]}" for i, j in enumerate(range(0, len(hexed), 16))])


def winnow(seq: U32, window: int) -> U32:
    """The minimum of every window of `window` consecutive hashes: any run of >= window shingles shared with
    another text contains at least one of these. Sliding minimum by doubling: log2(window) vector passes."""
    if len(seq) <= window:
        return seq.min(keepdims=True) if len(seq) else seq
    m, span = seq, 1
    while span < window:
        step = min(span, window - span)
        m = np.minimum(m[:-step], m[step:])
        span += step
    return sorted_unique(m)


def text_words(doc: dict[str, Any]) -> U64:
    text = doc.get("text") or ""
    return word_hashes(strip_links(text) if doc.get("kind") == "tweet" else text)


def make_sketch(doc: dict[str, Any], params: DedupParams) -> Sketch:
    """Sketch of a clean document record (schemas/documents)."""
    kind = doc.get("kind") or "article"
    words = text_words(doc)
    seq = shingle_sequence(words, params.shingle)
    shingles = sorted_unique(seq)
    # tweets: their smallest shingles; articles: winnowed shingles (see dedup.quotes for why each)
    anchors = shingles[: params.quote_tweet_anchors].copy() if kind == "tweet" else winnow(seq, params.quote_window)
    copy_parts = _copy_parts(doc.get("text") or "", words, seq, shingles, params) if kind != "tweet" else None
    return Sketch(
        doc_id=doc["id"],
        kind=kind if kind in KINDS else "article",
        order_key=(utc_key(doc.get("published_at")), doc["id"]),
        content_hash=hash_words(words),
        shingles=shingles,
        band_keys=band_keys(shingles, params),
        anchors=anchors,
        n_words=len(words),
        **(copy_parts or {}),
    )


def _copy_parts(text: str, words: U64, seq: U32, shingles: U32, params: DedupParams) -> dict[str, U32]:
    """An article's clutter shingles, names and capitals (tweets are never copies by containment: a tweet inside
    an article is a quote)."""
    features = word_features(text, params.prose_min_words)
    if len(features.prose) != len(words):  # cannot happen (same folded bytes); no copy features rather than wrong
        return {}
    k = min(params.shingle, len(words))
    outside = np.concatenate(([0], np.cumsum(~features.prose)))
    prose_shingle = outside[k:] - outside[: len(seq)] == 0 if len(seq) else np.zeros(0, dtype=bool)
    in_prose = sorted_unique(seq[prose_shingle])
    clutter_at = np.flatnonzero(~members(shingles, in_prose)).astype(np.uint32)
    top = (words >> _S32).astype(np.uint32)
    return {
        "clutter_at": clutter_at,
        "names": sorted_unique(top[features.distinctive & features.prose]),
        "capitals": sorted_unique(top[features.capitalised]),
    }


# version, kind, n_words, n_shingles, n_anchors, n_bands, len(doc_id), len(time), content hash (16 raw bytes)
_HEAD = struct.Struct("<BBIIIHHB16s")
_COPY_HEAD = struct.Struct("<III")  # format 2: n_clutter, n_names, n_capitals, after the head


def sketch_to_bytes(s: Sketch) -> bytes:
    doc_id = s.doc_id.encode()
    when = s.order_key[0].encode()
    bands = bytes.fromhex("".join([k[k.index(":") + 1 :] for k in s.band_keys]))
    head = _HEAD.pack(
        FORMAT_VERSION,
        KINDS.index(s.kind),
        s.n_words,
        len(s.shingles),
        len(s.anchors),
        len(bands) // 8,
        len(doc_id),
        len(when),
        bytes.fromhex(s.content_hash),
    )
    copy_head = _COPY_HEAD.pack(len(s.clutter_at), len(s.names), len(s.capitals))
    arrays = [a.astype("<u4").tobytes() for a in (s.shingles, s.anchors, s.clutter_at, s.names, s.capitals)]
    return b"".join((head, copy_head, doc_id, when, bands, *arrays))


def sketch_from_bytes(b: bytes) -> Sketch:
    version, kind, n_words, n_sh, n_an, n_bands, n_id, n_when, chash = _HEAD.unpack_from(b)
    if version not in (1, FORMAT_VERSION):
        raise ValueError(f"sketch format {version}, expected {FORMAT_VERSION}")
    pos = _HEAD.size
    n_copy = (0, 0, 0)
    if version >= 2:
        n_copy = _COPY_HEAD.unpack_from(b, pos)
        pos += _COPY_HEAD.size
    doc_id = b[pos : pos + n_id].decode()
    pos += n_id
    when = b[pos : pos + n_when].decode()
    pos += n_when
    bands = b[pos : pos + 8 * n_bands].hex()
    pos += 8 * n_bands
    arrays: list[U32] = []
    for n in (n_sh, n_an, *n_copy):
        arrays.append(np.frombuffer(b, dtype="<u4", count=n, offset=pos).astype(np.uint32))
        pos += 4 * n
    shingles, anchors, clutter_at, names, capitals = arrays
    return Sketch(
        doc_id=doc_id,
        kind=KINDS[kind],
        order_key=(when, doc_id),
        content_hash=chash.hex(),
        shingles=shingles,
        band_keys=_keys(bands),
        anchors=anchors,
        n_words=n_words,
        clutter_at=clutter_at,
        names=names,
        capitals=capitals,
    )

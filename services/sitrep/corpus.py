"""Reading a corpus of raw documents from disk: a folder of .txt files with a manifest, or JSONL files.

Used by `sitrep replay` (which publishes) and by the offline commands (`sitrep dedup`, `sitrep extract`), so that
all of them see the same records. Every record it yields satisfies the raw document schema of its kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from sitrep import schemas
from sitrep.deadletter import InvalidMessage
from sitrep.topics import RAW_TOPIC_BY_KIND

MANIFEST = "manifest.jsonl"
# JSONL files in a corpus folder that are not raw documents
NOT_DOCUMENTS = {MANIFEST, "gold_events.jsonl", "dedup_labels.jsonl"}
# optional manifest fields copied onto the record: those of the raw tweet schema that a .txt cannot carry
TWEET_FIELDS = ("author", "created_at", "in_reply_to", "quoted_id")


class CorpusError(ValueError):
    """A record that cannot be read, with the file and line it came from."""

    def __init__(self, path: Path, line: int | None, detail: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {detail}")
        self.path, self.line, self.detail = path, line, detail


def _check(record: Any, path: Path, line: int | None) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise CorpusError(path, line, "expected a JSON object")
    topic = RAW_TOPIC_BY_KIND.get(record.get("kind"))  # type: ignore[arg-type]
    if topic is None:
        raise CorpusError(path, line, f"kind must be 'article' or 'tweet', got {record.get('kind')!r}")
    try:
        schemas.check(topic.schema_name, record)
    except InvalidMessage as exc:
        raise CorpusError(path, line, exc.detail) from None
    return record


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise CorpusError(path, n, f"not valid JSON ({exc})") from None
            yield _check(record, path, n)


def read_folder(folder: Path) -> Iterator[dict[str, Any]]:
    manifest = folder / MANIFEST
    listed: set[str] = set()
    if manifest.exists():
        with manifest.open("rb") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    entry = orjson.loads(line)
                    text_path = folder / entry["file"]
                    text = text_path.read_text(encoding="utf-8")
                except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
                    raise CorpusError(manifest, n, f"bad manifest entry ({exc!r})") from None
                except (OSError, UnicodeDecodeError) as exc:
                    raise CorpusError(manifest, n, f"cannot read {entry.get('file')!r} ({exc})") from None
                listed.add(entry["file"])
                record = {
                    "id": entry["id"],
                    "kind": entry.get("kind", "article"),
                    "url": entry.get("url"),
                    "source": entry.get("outlet") or entry.get("source") or "unknown",
                    "published_at": entry.get("published_at"),
                    "title": entry.get("title"),
                    "text": text,
                }
                # a tweet kept as a .txt needs its tweet fields from the manifest (the schema requires an author)
                record.update({k: entry[k] for k in TWEET_FIELDS if k in entry})
                yield _check(record, manifest, n)
    unlisted = sorted(p.name for p in folder.glob("*.txt") if p.name not in listed)
    if unlisted:
        raise CorpusError(folder, None, f"text files missing from {MANIFEST}: {', '.join(unlisted)}")
    for path in sorted(folder.glob("*.jsonl")):
        if path.name not in NOT_DOCUMENTS:
            yield from read_jsonl(path)


def read_corpus(*paths: Path | str) -> Iterator[dict[str, Any]]:
    """Raw documents from each path: a corpus folder or a JSONL file."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from read_folder(p)
        elif p.suffix == ".jsonl":
            yield from read_jsonl(p)
        elif not p.exists():
            raise CorpusError(p, None, "no such file or folder")
        else:
            raise CorpusError(p, None, "expected a folder with a manifest, or a .jsonl file of raw documents")

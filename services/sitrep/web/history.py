"""What changed in each version of an event, and which report caused it. Pure: the stored versions in, a list out."""

from __future__ import annotations

from typing import Any, TypedDict

# bookkeeping that changes with every version and says nothing about the event itself
IGNORED = frozenset({"version", "updated_at"})


class FieldChange(TypedDict):
    field: str
    before: Any
    after: Any


class VersionChange(TypedDict):
    version: int
    stored_at: str
    changes: list[FieldChange]
    new_sources: list[str]  # the report(s) this version added: what caused it


def _flatten(record: dict[str, Any]) -> dict[str, Any]:
    """location.* lifted to dotted keys so a moved point reads as ``location.lat``, not as a whole new dict."""
    out = {k: v for k, v in record.items() if k != "location" and k not in IGNORED}
    for key, value in (record.get("location") or {}).items():
        out[f"location.{key}"] = value
    return out


def version_changes(versions: list[dict[str, Any]]) -> list[VersionChange]:
    """For each stored version (oldest first): the fields that differ from the version before (none for the first:
    it is the first report, shown whole) and the source documents it added."""
    out: list[VersionChange] = []
    before: dict[str, Any] = {}
    sources_before: set[str] = set()
    for v in versions:
        record = v["record"]
        now = _flatten(record)
        changes = [
            FieldChange(field=k, before=before.get(k), after=now.get(k))
            for k in sorted(set(before) | set(now))
            if before and before.get(k) != now.get(k)
        ]
        sources = list(record.get("source_doc_ids") or [])
        out.append(
            VersionChange(
                version=int(v["version"]),
                stored_at=str(v["stored_at"]),
                changes=changes,
                new_sources=[s for s in sources if s not in sources_before],
            )
        )
        before, sources_before = now, sources_before | set(sources)
    return out

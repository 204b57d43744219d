"""Each evidence sentence placed inside the text of the document that states it. Pure.

An evidence span's offsets point into the *raw* text as published (cleaning keeps a map back to it), and its
doc_id may name the raw document, while storage holds the *clean* documents (a listing page is split into
``<raw id>~<n>``). So a span is looked up in the event's source documents whose id or raw id is the span's doc_id:
at its own offsets when they still fit, else by its sentence (exactly, then with any run of whitespace).
"""

from __future__ import annotations

import re
from typing import Any, TypedDict

from sitrep.web.reads import Document


class Highlight(TypedDict):
    start: int
    end: int
    evidence: int  # index into the event's evidence list


class DocumentView(TypedDict):
    document: Document
    highlights: list[Highlight]


class Placed(TypedDict):
    documents: list[DocumentView]
    unplaced: list[int]  # evidence indexes found in no stored document


def _find(text: str, sentence: str, start: int, end: int) -> tuple[int, int] | None:
    if 0 <= start < end <= len(text) and text[start:end] == sentence:
        return start, end
    at = text.find(sentence)
    if at >= 0:
        return at, at + len(sentence)
    words = sentence.split()
    if not words:
        return None
    hit = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (hit.start(), hit.end()) if hit else None


def place_evidence(evidence: list[dict[str, Any]], documents: list[Document], sources: list[str]) -> Placed:
    """The documents (in the order given) that are one of the event's ``sources`` or hold one of its evidence
    sentences, each with its highlights sorted by position; overlapping spans are kept (the page merges them)."""
    views = [DocumentView(document=d, highlights=[]) for d in documents]
    unplaced: list[int] = []
    for index, ev in enumerate(evidence):
        wanted = str(ev.get("doc_id", ""))
        candidates = [v for v in views if wanted in (v["document"]["id"], v["document"].get("raw_id"))]
        # a span names the raw document: its split articles are candidates too, the same id first
        candidates.sort(key=lambda v: v["document"]["id"] != wanted)
        for view in candidates:
            found = _find(
                view["document"]["text"], str(ev.get("text", "")), int(ev.get("start", -1)), int(ev.get("end", -1))
            )
            if found:
                view["highlights"].append(Highlight(start=found[0], end=found[1], evidence=index))
                break
        else:
            unplaced.append(index)
    kept = [v for v in views if v["highlights"] or v["document"]["id"] in sources]
    for view in kept:
        view["highlights"].sort(key=lambda h: (h["start"], -h["end"]))
    return Placed(documents=kept, unplaced=unplaced)

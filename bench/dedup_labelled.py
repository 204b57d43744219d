"""Labelled development set for dedup, generated from the cleaned seed articles with a fixed random seed.

Families: each base document with copies changed the way syndication changes text (new headline, byline and
dateline, trimmed or reordered paragraphs, inserted boilerplate, light word edits, combinations) — all copies of a
family are duplicates of each other. Non-duplicates on the same events: the bases come in pairs made of the odd and
the even paragraphs of one seed article (different text on the same story), plus recombinations (half of one base
with paragraphs of another), each its own family.
"""

from __future__ import annotations

import random
from typing import Any

from sitrep.cleaning import clean_document
from sitrep.corpus import read_corpus
from sitrep.paths import project_root

SEED = 20260421
BOILERPLATE = [
    "Sign up for our daily briefing to get the latest news delivered to your inbox.",
    "Read more: Live updates on the conflict, maps and analysis from our correspondents.",
    "This article was produced with support from our partners. Views expressed are the author's own.",
    "Follow us on social media for breaking news alerts and exclusive video reports.",
]
BYLINES = ["By Staff Reporter, Agence Wire", "By Jane Roe and John Doe | Wire Services", "Reporting by M. Khalil"]
DATELINES = ["BEIRUT (Wire) —", "DAMASCUS, May 18 (Agency) -", "ERBIL, Kurdistan Region –", "AMMAN (AP) —"]
SWAPS = ["said", "reported", "stated", "told", "forces", "troops", "fighters", "militants", "near", "close to"]


def paragraphs(text: str) -> list[str]:
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    if len(paras) < 6:  # hard-wrapped text without blank lines: group lines
        lines = [ln for ln in text.split("\n") if ln.strip()]
        paras = [" ".join(lines[i : i + 4]) for i in range(0, len(lines), 4)]
    return paras


def _edit_words(rng: random.Random, text: str, rate: float) -> str:
    words = text.split(" ")
    for i in range(len(words)):
        if rng.random() < rate:
            words[i] = rng.choice(SWAPS)
    return " ".join(words)


def transform(rng: random.Random, paras: list[str], kind: str) -> list[str]:
    p = list(paras)
    if kind == "headline":
        return [f"UPDATED: {rng.choice(['Report', 'Analysis', 'Exclusive'])} on the latest fighting", *p]
    if kind == "byline":
        return [rng.choice(BYLINES), f"{rng.choice(DATELINES)} {p[0]}", *p[1:]]
    if kind == "trim":
        keep = max(3, round(len(p) * rng.uniform(0.75, 0.9)))
        return p[:keep]
    if kind == "reorder":
        i, j = rng.sample(range(len(p)), 2)
        p[i], p[j] = p[j], p[i]
        return p
    if kind == "boilerplate":
        for text in rng.sample(BOILERPLATE, 2):
            p.insert(rng.randrange(1, len(p)), text)
        return p
    if kind == "edits":
        return [_edit_words(rng, x, 0.02) for x in p]
    if kind == "whitespace":
        return [x.replace(" ", "  ").upper() if i % 3 == 0 else x for i, x in enumerate(p)]
    raise ValueError(kind)


KINDS = ["headline", "byline", "trim", "reorder", "boilerplate", "edits", "whitespace"]


def build() -> list[dict[str, Any]]:
    """Documents in arrival order, each with a `family` label (copies share their base's family)."""
    rng = random.Random(SEED)
    seeds = [d for raw in read_corpus(project_root() / "seeds") for d in clean_document(raw) if d["kind"] == "article"]
    bases: list[tuple[str, list[str]]] = []
    for d in seeds:
        paras = paragraphs(d["text"])
        bases.append((f"{d['id']}/odd", paras[0::2]))
        bases.append((f"{d['id']}/even", paras[1::2]))
    docs: list[dict[str, Any]] = []
    day = 0

    def add(doc_id: str, family: str, paras: list[str]) -> None:
        nonlocal day
        day += 1
        docs.append(
            {
                "id": doc_id,
                "kind": "article",
                "source": "bench",
                "family": family,
                "published_at": f"2024-{1 + day // 28:02d}-{1 + day % 28:02d}",
                "text": "\n\n".join(paras),
            }
        )

    for name, paras in bases:
        add(name, name, paras)
        for n, kind in enumerate(KINDS):
            add(f"{name}/copy{n}-{kind}", name, transform(rng, paras, kind))
        for n in range(2):  # combinations of two or three changes
            p = paras
            for kind in rng.sample(KINDS[:-1], rng.choice([2, 3])):
                p = transform(rng, p, kind)
            add(f"{name}/combo{n}", name, p)
    # recombinations: the first half of one base and the second half of another — a different document. A
    # derangement pairs them, so no two recombinations share a half (they would be copies of each other).
    order = list(range(len(bases)))
    while any(i == j for i, j in enumerate(order)):
        rng.shuffle(order)
    for n, m in enumerate(order):
        pa, pb = bases[n][1], bases[m][1]
        add(f"recombined{n}", f"recombined{n}", pa[: len(pa) // 2] + pb[len(pb) // 2 :])
    rng.shuffle(docs)  # arrival order is not publication order
    return docs

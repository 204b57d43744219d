"""Syndicated copies at scale, made the way outlets re-post wire copy (for bench/dedup_bench.py).

The hand-written set next to this file (build.py) has 16 copies; this makes hundreds from the project's own
article texts (bench/realnews, bench/heldout, bench/devset2, seeds: all written for sitrep) with random recipes of
the same moves: the story cut after a paragraph, extended with a local paragraph or an editor's line, re-headlined,
the dateline dropped, page clutter added around and inside it (navigation, share and newsletter prompts, "The post
... appeared first on ...", related links, captions, advertisement markers, copyright lines), hard-wrapped lines.
Negatives: the originals themselves (same events written up by different outlets are among them) and series of
releases of one template (hand-written below) that differ in figures, places and dates. Every line here was
written for sitrep; the clutter and local paragraphs are not taken from any publication.

    build(seed) -> list of clean documents with a `family` label (copies share their original's family)
"""

from __future__ import annotations

import itertools
import random
import textwrap
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sitrep.cleaning import clean_document
from sitrep.corpus import read_corpus

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    "bench/realnews/dev/A",
    "bench/realnews/dev/B",
    "bench/realnews/dev/C",
    "bench/realnews/test/A",
    "bench/realnews/test/B",
    "bench/realnews/test/C",
    "bench/heldout",
    "bench/devset2",
    "seeds",
]
OUTLETS = [
    "Lakeside Herald",
    "Sahel Daily Wire",
    "Northern Courier",
    "Coastline Times",
    "Valley Post Online",
    "Frontier News Network",
    "The Morning Ledger",
    "Citizen Monitor",
]
NAV = [
    "Skip to content",
    "Menu",
    "Home | News | World | Business | Sport",
    "Search",
    "Log in | Subscribe",
    "Latest",
    "Breaking News",
    "Trending:",
]
SHARE = [
    "Share this article",
    "Share on Facebook | Share on X | Email",
    "Listen to this article",
    "Print",
    "Comments (0)",
    "Save",
]
INSIDE = [
    "ADVERTISEMENT",
    "Continue reading below",
    "Story continues below advertisement",
    "RELATED STORIES",
    "Read also:",
]
FOOTER = [
    "Sign up for our morning newsletter",
    "Get breaking news alerts on your phone",
    "Follow us on our channels for more updates.",
    "Please enter your comment!",
    "Please enter your name here",
    "You have entered an incorrect email address!",
    "Most read",
    "Copyright 2025 {outlet}. All rights reserved.",
    "The post {headline} appeared first on {outlet}.",
    "This story was provided by a wire service.",
]
RELATED = ["Read more:", "Related:", "You may also like"]
LOCAL = [
    "Our correspondent in {place} said on {day} that shops had stayed shut and that few people were on the roads "
    "after the news spread.",
    "Community leaders in {place} called for calm and asked the authorities to publish a full list of the victims "
    "so that families could be informed.",
    "A spokesperson for a local rights group said the account given by officials could not be verified "
    "independently because access to the area remains restricted.",
    "Residents reached by telephone described a night of fear, saying they had heard gunfire and explosions for "
    "several hours before the area fell quiet.",
    "The regional assembly is expected to discuss the security situation at a session later this week, a member "
    "of its defence committee told this newspaper.",
    "Editor's note: this article has been updated with reactions from the area and a correction to a place name.",
]
HEADLINES = [
    "{a}: what we know so far",
    "{a} latest: {b} in focus after deadly day",
    "Explainer: the situation in {a}",
    "{a} and {b} at the centre of new violence",
    "Live: reports from {a}",
    "{b}: officials give new details",
]
# releases of one template: every release shares the sentences, the figures/places/dates differ
TEMPLATES = [
    (
        "Police weekly operations report, {date}",
        [
            "In the week ending {date}, police units in {p1} province carried out {n1} search operations and "
            "arrested {n2} suspects, according to the provincial police command.",
            "Officers recovered {n3} firearms, {n4} rounds of ammunition and {n5} motorcycles believed to have been "
            "used in robberies along the {p2} highway.",
            "The command said joint patrols with the army would continue in {p3} and {p4} districts and urged "
            "residents to report suspicious movements to the nearest station or the toll-free line.",
            "Members of the public are reminded that the curfew from 22:00 to 05:00 remains in force in the "
            "affected districts until further notice.",
        ],
    ),
    (
        "Humanitarian flash update no. {n1}: displacement in {p1}",
        [
            "Since {date}, an estimated {n2} people have been displaced from villages around {p1} following "
            "clashes between armed groups, according to local authorities and humanitarian partners.",
            "Most of the displaced are staying with host families in {p2} and {p3}, while about {n3} people are "
            "sheltering in schools and public buildings.",
            "Partners have distributed food to {n4} households and deployed mobile clinics, but needs for shelter, "
            "water and protection remain largely unmet.",
            "Access to the area remains difficult because of insecurity and the poor state of the roads. The next "
            "update will be issued when more information becomes available.",
        ],
    ),
    (
        "Army statement: air strikes in {p1} sector, {date}",
        [
            "The armed forces said on {date} that their aircraft had struck {n1} positions of armed groups in the "
            "{p1} sector overnight, destroying vehicles and a logistics base.",
            "According to the statement, {n2} fighters were killed and {n3} were captured during ground operations "
            "that followed the strikes near {p2} and {p3}.",
            "The statement said no civilian casualties had been reported and that operations would continue until "
            "the area was fully secured.",
            "The army called on residents of {p4} to cooperate with the troops and to stay away from areas of "
            "military activity.",
        ],
    ),
]
PLACES = [
    "Karesi",
    "Ombala",
    "Tessit",
    "Marawi",
    "Dolo",
    "Kanembe",
    "Rutshuru",
    "Baidoa",
    "Gombe",
    "Tillaberi",
    "Sanam",
    "Ishkashim",
    "Hagere",
    "Mopti",
    "Kibati",
    "Zinder",
    "Lokichar",
    "Bunia",
    "Goma",
    "Kismayo",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def originals() -> list[dict[str, Any]]:
    docs = []
    for source in SOURCES:
        for raw in read_corpus(ROOT / source):
            docs.extend(d for d in clean_document(raw) if d["kind"] == "article" and d["text"].count("\n\n") >= 2)
    return docs


def names(text: str) -> list[str]:
    """Capitalised words inside sentences (for headlines and local paragraphs of the copies)."""
    words = text.replace("\n", " ").split()
    found = [
        w.strip(".,;:\"'()")
        for prev, w in itertools.pairwise(words)
        if w[:1].isupper() and not prev.endswith((".", ":", '"'))
    ]
    return [w for w in found if len(w) > 3 and w.isalpha()] or ["The region"]


def copy_of(original: dict[str, Any], n: int, rng: random.Random) -> dict[str, Any]:
    """One re-publication of an original, by a random recipe."""
    paras = [p.strip() for p in original["text"].split("\n\n") if p.strip()]
    title = original.get("title") or paras[0]
    who = names(original["text"])
    outlet = rng.choice(OUTLETS)
    headline = rng.choice(HEADLINES).format(a=rng.choice(who), b=rng.choice(who)) if rng.random() < 0.6 else title
    if rng.random() < 0.5:  # cut after a paragraph (at least two kept)
        paras = paras[: rng.randint(2, max(2, len(paras) - 1))]
    if rng.random() < 0.3 and " — " in paras[0][:80]:  # the dateline dropped
        paras[0] = paras[0].split(" — ", 1)[1]
    if rng.random() < 0.4:  # extended: a local paragraph inside or at the end, or an editor's line
        local = rng.choice(LOCAL).format(place=rng.choice(who), day=rng.choice(DAYS))
        paras.insert(rng.randint(1, len(paras)), local)
    if rng.random() < 0.4:
        paras.insert(rng.randint(1, len(paras)), rng.choice(INSIDE))
    top = rng.sample(NAV, rng.randint(0, 3)) + rng.sample(SHARE, rng.randint(0, 2))
    bottom = [line.format(outlet=outlet, headline=headline) for line in rng.sample(FOOTER, rng.randint(0, 3))]
    if rng.random() < 0.3:
        bottom += [rng.choice(RELATED), f"{rng.choice(who)} {rng.choice(['talks stall', 'vote delayed'])}"]
    body = [headline, *paras]
    if rng.random() < 0.3:
        width = rng.randint(60, 80)
        body = [textwrap.fill(p, width) for p in body]
    text = "\n\n".join([*top, *body, *bottom])
    day = rng.randint(0, 2)  # the same day or up to two days later, as re-posts go
    published = _later(original.get("published_at"), day)
    return {
        "id": f"{original['id']}~copy{n}",
        "kind": "article",
        "source": outlet,
        "url": None,
        "published_at": published,
        "title": None,
        "text": text,
    }


def _later(published: str | None, days: int) -> str | None:
    if not published:
        return None
    when = datetime.fromisoformat(published.replace("Z", "+00:00"))
    return (when + timedelta(days=days, hours=3)).isoformat()


def releases(rng: random.Random, per_template: int = 4) -> list[dict[str, Any]]:
    out = []
    for t, (title, sentences) in enumerate(TEMPLATES):
        for r in range(per_template):
            slots = {
                "date": f"{rng.randint(1, 28)} {rng.choice(['March', 'April', 'May'])} 2025",
                **{f"n{i}": str(rng.randint(2, 400)) for i in range(1, 6)},
                **{f"p{i}": p for i, p in enumerate(rng.sample(PLACES, 4), 1)},
            }
            text = "\n\n".join([title.format(**slots), *(s.format(**slots) for s in sentences)])
            out.append(
                {
                    "id": f"template{t}-release{r}",
                    "kind": "article",
                    "source": "press office",
                    "published_at": f"2025-05-{r + 1:02d}",
                    "title": None,
                    "text": text,
                }
            )
    return out


def build(seed: int = 12, max_copies: int = 3) -> list[dict[str, Any]]:
    """Originals, 0-max_copies copies of each, template releases; each with `family`; arrival order shuffled."""
    rng = random.Random(seed)
    docs: list[dict[str, Any]] = []
    for original in originals():
        docs.append({**original, "family": original["id"]})
        for n in range(rng.randint(0, max_copies)):  # a copy is a raw page: cleaned as the stream cleans it
            docs.extend({**d, "family": original["id"]} for d in clean_document(copy_of(original, n, rng)))
    for release in releases(rng):
        docs.extend({**d, "family": d["id"]} for d in clean_document(release))
    rng.shuffle(docs)
    return docs

"""Copies by containment: word features, copy_score, the template guard, verdicts that do not depend on arrival
order, candidates through the anchor index (short and truncated copies), quotes unchanged. Texts written here."""

from __future__ import annotations

import itertools
import struct
import textwrap

import numpy as np

from sitrep.cleaning.normalize import word_hashes
from sitrep.dedup import Deduplicator, DedupParams, decide, make_sketch, sketch_from_bytes, sketch_to_bytes
from sitrep.dedup.features import word_features
from sitrep.dedup.quotes import rank_anchor_hits
from sitrep.dedup.verdict import Match, copy_score, jaccard, match_bucket, match_from_row, match_to_row

P = DedupParams()

STORY = [
    "Flooded roads cut off three districts of Tombali, officials say",
    "CATIO, Guinea-Bissau (Wire) — Floodwater cut the only paved road into three districts of Tombali region on "
    "Wednesday, leaving about 14,000 people without supplies, the regional governor said, after four days of rain "
    "that the national weather service called the heaviest in a decade.",
    "Governor Amadu Sane told reporters in Catio that two bridges near Bedanda had collapsed and that a convoy "
    "of the Red Cross carrying food and water purification tablets had turned back at Cufar on Tuesday night.",
    "At least six people drowned when a canoe capsized on the Cumbija river, according to the civil protection "
    "service, which said it had sent two boats and a team of divers from Bissau.",
    "Rice farmers in the region said most of the seedlings planted in June were under water, and traders in "
    "the Catio market reported that the price of a sack of imported rice had risen by a third since Monday.",
    "The World Food Programme said it was ready to fly emergency rations to the airstrip at Cacine if the "
    "road could not be reopened by the weekend, and asked the government for landing permission.",
    "Guinea-Bissau, a country of about two million people, is among the poorest in West Africa, and its "
    "southern coastal regions flood almost every rainy season.",
]
CLUTTER_TOP = ["Skip to main content", "Menu | News | Sport | Business", "Share this story"]
CLUTTER_BOTTOM = ["More from Africa", "Sign up for alerts", "Copyright 2026 Coastal Media Group."]


def doc(doc_id: str, text: str, published: str = "2026-03-04", kind: str = "article") -> dict:
    return {"id": doc_id, "kind": kind, "source": "test", "published_at": published, "text": text}


def story(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


ORIGINAL = doc("wire", story(STORY), "2026-03-04T09:00:00Z")
# cut after two body paragraphs, a new headline, the dateline dropped, clutter around it
TRUNCATED = doc(
    "outlet-cut",
    story(
        [
            *CLUTTER_TOP,
            "Tombali districts cut off as floods wash away bridges",
            STORY[1].split(" — ", 1)[1],
            STORY[2],
            *CLUTTER_BOTTOM,
        ]
    ),
    "2026-03-04T11:00:00Z",
)
# the whole story, hard-wrapped, with a local paragraph in the middle and an editor's line at the end
EXTENDED = doc(
    "outlet-long",
    "\n\n".join(
        textwrap.fill(p, 70)
        for p in [
            *STORY[:3],
            "Our reporter in Quebo said on Thursday that families from the low-lying villages had moved to the "
            "school buildings on the hill, where volunteers were cooking in shifts.",
            *STORY[3:],
            "This report was updated with comments from local residents.",
        ]
    ),
    "2026-03-05T08:00:00Z",
)


def release(day: int, launched: int, downed: int, places: tuple[str, str, str], hit: tuple[str, str]) -> dict:
    """One nightly release of a (made-up) air defence template: the same sentences, other figures and places."""
    text = story(
        [
            f"Air defence: {downed} of {launched} drones destroyed overnight",
            f"During the night of {day} May, the enemy launched {launched} attack drones and decoys from the areas "
            f"of {places[0]}, {places[1]} and {places[2]} towards the southern and eastern regions.",
            "The attack was repelled by fighter aviation, surface-to-air missile units, electronic warfare units "
            "and mobile fire teams of the air defence command.",
            f"By 08:00, {downed} drones had been shot down or jammed, and {launched - downed - 5} decoys were lost "
            "from radar without consequences.",
            f"Impacts were recorded in the {hit[0]} and {hit[1]} regions; emergency services are at the scenes.",
            "Residents are asked to stay in shelters while the alert lasts and to follow official channels only.",
        ]
    )
    return doc(f"release-{day}", text, f"2026-05-{day:02d}T07:00:00Z")


RELEASE_A = release(11, 96, 71, ("Belgorod", "Kursk", "Yeysk"), ("Kharkiv", "Zaporizhzhia"))
RELEASE_B = release(12, 130, 104, ("Bryansk", "Oryol", "Millerovo"), ("Odesa", "Mykolaiv"))


def sketch(d: dict):
    return make_sketch(d, P)


# --- features -------------------------------------------------------------------------------------------------------
def test_distinctive_words_are_numbers_and_names_that_do_not_open_a_sentence() -> None:
    text = "The convoy left Gao on Monday. Soldiers said 12 trucks\nArrived late."
    f = word_features(text, P.prose_min_words)
    words = ["the", "convoy", "left", "gao", "on", "monday", "soldiers", "said", "12", "trucks", "arrived", "late"]
    assert len(f.distinctive) == len(words) == len(word_hashes(text))
    assert [w for w, d in zip(words, f.distinctive, strict=True) if d] == ["gao", "monday", "12"]
    assert [w for w, c in zip(words, f.capitalised, strict=True) if c] == [
        "the",
        "gao",
        "monday",
        "soldiers",
        "12",
        "arrived",
    ]


def test_short_lines_are_clutter_and_wrapped_lines_are_prose() -> None:
    wrapped = textwrap.fill(STORY[2], 60)
    text = "Home | World | Sport\nCopyright 2026 Coastal Media.\n" + wrapped + "\nRead more"
    f = word_features(text, P.prose_min_words)
    n_clutter = 3 + 4
    last_line = len(word_hashes(wrapped.rsplit("\n", 1)[1]))
    assert not f.prose[:n_clutter].any()
    assert f.prose[n_clutter : -2 - last_line].all()  # the wrapped lines of a paragraph
    assert not f.prose[-2:].any()


def test_clutter_shingles_are_those_only_outside_prose() -> None:
    s = sketch(TRUNCATED)
    body = [STORY[1].split(" — ", 1)[1], STORY[2]]
    clean = sketch(doc("no-clutter", story(["Tombali districts cut off as floods wash away bridges", *body])))
    clutter = s.shingles[s.clutter_at]
    assert 0 < len(clutter) < len(s.shingles)
    assert np.isin(clutter, clean.shingles).sum() <= P.shingle  # at most the headline's edge with the clutter
    assert s.prose_size == len(s.shingles) - len(clutter)
    assert np.isin(np.setdiff1d(s.shingles, clutter), clean.shingles).all()


def test_sketch_format_2_round_trips_and_format_1_still_decodes() -> None:
    s = sketch(TRUNCATED)
    back = sketch_from_bytes(sketch_to_bytes(s))
    for name in ("shingles", "anchors", "clutter_at", "names", "capitals"):
        assert np.array_equal(getattr(back, name), getattr(s, name)), name
    assert (back.doc_id, back.order_key, back.band_keys) == (s.doc_id, s.order_key, s.band_keys)
    # format 1: the same bytes without the copy header and arrays
    v2 = sketch_to_bytes(s)
    head = struct.calcsize("<BBIIIHHB16s")
    tail = 4 * (len(s.clutter_at) + len(s.names) + len(s.capitals))
    v1 = b"\x01" + v2[1:head] + v2[head + 12 : len(v2) - tail]
    old = sketch_from_bytes(v1)
    assert np.array_equal(old.shingles, s.shingles) and len(old.clutter_at) == len(old.names) == 0


# --- copy_score and the template guard -----------------------------------------------------------------------------
def test_a_truncated_copy_with_a_new_headline_and_clutter_is_a_copy_that_jaccard_misses() -> None:
    original, cut = sketch(ORIGINAL), sketch(TRUNCATED)
    assert jaccard(original, cut) < P.threshold
    containment, kept = copy_score(cut, original, P)
    assert containment >= 0.8 and kept == 1.0  # the new headline is prose (9 words): not in the original
    assert Match("wire", original.order_key, jaccard(original, cut), False, containment, kept).is_copy(P)


def test_an_extended_hard_wrapped_copy_is_a_copy_either_way() -> None:
    original, extended = sketch(ORIGINAL), sketch(EXTENDED)
    assert copy_score(extended, original, P) == copy_score(original, extended, P)
    containment, kept = copy_score(original, extended, P)
    assert containment >= 0.85 and kept >= 0.9


def test_two_releases_of_one_template_are_not_copies() -> None:
    a, b = sketch(RELEASE_A), sketch(RELEASE_B)
    containment, kept = copy_score(a, b, P)
    assert containment > 0.3  # they do share their templated sentences
    assert kept < P.copy_kept
    verdict = decide(b, match_bucket(b, [a], P), P, now="t")
    assert verdict["verdict"] == "unique"


def test_an_independent_report_of_the_same_event_is_not_a_copy() -> None:
    other = doc(
        "local",
        story(
            [
                "Tombali cut off",
                "Residents of Bedanda said on Thursday that they had not received food since the bridges fell, and "
                "that the water of the Cumbija river was still rising around the villages.",
                "A nurse at the Catio health centre said six bodies had been brought in from the river and that "
                "several children had diarrhoea after drinking floodwater.",
            ]
        ),
    )
    containment, _ = copy_score(sketch(other), sketch(ORIGINAL), P)
    assert containment < 0.2


def test_a_phrase_is_too_short_to_be_a_copy_and_tweets_never_are() -> None:
    phrase = doc("phrase", "Governor Amadu Sane told reporters in Catio that two bridges near Bedanda had collapsed.")
    assert copy_score(sketch(phrase), sketch(ORIGINAL), P) == (0.0, 0.0)
    tweet = doc("tw", STORY[2], kind="tweet")
    assert copy_score(sketch(tweet), sketch(ORIGINAL), P) == (0.0, 0.0)


# --- verdicts --------------------------------------------------------------------------------------------------------
def test_decide_calls_a_containment_copy_near_with_its_basis_and_the_earliest_original() -> None:
    cut = sketch(TRUNCATED)
    members = [sketch(ORIGINAL), sketch(EXTENDED)]
    verdict = decide(cut, match_bucket(cut, members, P), P, now="t")
    assert (verdict["verdict"], verdict["duplicate_of"], verdict["basis"]) == ("near", "wire", "containment")
    assert verdict["similarity"] >= P.copy_containment and verdict["jaccard"] < P.threshold


def test_decide_does_not_depend_on_the_order_of_matches() -> None:
    cut = sketch(TRUNCATED)
    matches = match_bucket(cut, [sketch(ORIGINAL), sketch(EXTENDED), sketch(RELEASE_A)], P)
    verdicts = {str(decide(cut, list(p), P, now="t")) for p in itertools.permutations(matches)}
    assert len(verdicts) == 1


def test_a_publication_tie_goes_to_the_smaller_id() -> None:
    twin_b = doc("b-twin", ORIGINAL["text"] + "\n\nAn added line for this outlet, long enough to be prose.")
    twin_a = twin_b | {"id": "a-twin"}
    cut = sketch(TRUNCATED | {"published_at": "2026-03-06"})
    both = [sketch(twin_b | {"published_at": "2026-03-04"}), sketch(twin_a | {"published_at": "2026-03-04"})]
    assert decide(cut, match_bucket(cut, both, P), P, now="t")["duplicate_of"] == "a-twin"


def test_match_rows_round_trip_and_old_rows_read_as_not_scored() -> None:
    m = Match("x", ("2026-01-01T00:00:00Z", "x"), 0.3, False, 0.9, 0.8)
    assert match_from_row(match_to_row(m)) == m
    old = match_from_row(["x", "2026-01-01T00:00:00Z", "x", 0.3, False])
    assert (old.containment, old.kept) == (0.0, 0.0) and not old.is_copy(P)


# --- the in-memory composition: candidates through the anchors -------------------------------------------------------
def test_truncated_and_extended_copies_found_in_any_arrival_order() -> None:
    docs = [ORIGINAL, TRUNCATED, EXTENDED, RELEASE_A, RELEASE_B]
    for order in itertools.permutations(docs):
        d = Deduplicator(P)
        verdicts = {x["id"]: d.check(x, now="t") for x in order}
        copies = {k for k, v in verdicts.items() if v["verdict"] == "near"}
        first = next(x["id"] for x in order if x["id"] in ("wire", "outlet-cut", "outlet-long"))
        # every story document but the first to arrive is a copy; the template releases never are
        assert copies == {"wire", "outlet-cut", "outlet-long"} - {first}, (order, verdicts)


def test_a_short_copy_is_found_although_no_lsh_band_matches() -> None:
    short = doc("brief", story(["In brief", STORY[3]]), "2026-03-04T12:00:00Z")
    original, brief = sketch(ORIGINAL), sketch(short)
    assert not set(original.band_keys) & set(brief.band_keys)
    d = Deduplicator(P)
    d.check(ORIGINAL, now="t")
    verdict = d.check(short, now="t")
    assert (verdict["verdict"], verdict["duplicate_of"]) == ("near", "wire")


def test_a_tweet_quoted_in_an_article_stays_quoted() -> None:
    tweet = doc(
        "tw", "Two bridges near Bedanda have collapsed and a Red Cross convoy turned back at Cufar", kind="tweet"
    )
    article = doc("quoting", story([*STORY[:3], "In a post, the governor's office wrote: " + tweet["text"] + "."]))
    d = Deduplicator(P)
    assert d.check(tweet, now="t")["verdict"] == "unique"
    verdict = d.check(article, now="t")
    assert verdict["verdict"] == "quoted" and verdict["quotes"] == ["tw"]


def test_anchor_hits_ranked_by_count_then_id_and_capped() -> None:
    table = {1: "b", 2: "b", 3: "a", 4: "c", 5: "c", 6: "d", 7: "e"}
    lookups = [1, 2, 3, 4, 5, 6, 7, 99]
    capped = DedupParams(copy_candidates=3)
    assert rank_anchor_hits(lookups, table, capped) == ["b", "c", "a"]
    assert rank_anchor_hits(reversed(lookups), table, capped) == ["b", "c", "a"]
    assert rank_anchor_hits(lookups, table, P) == ["a", "b", "c", "d", "e"]
    assert rank_anchor_hits([99], table, P) == []


def test_the_original_stays_a_candidate_among_many_articles_sharing_phrases_with_the_copy() -> None:
    d = Deduplicator(DedupParams(copy_candidates=2))
    d.check(ORIGINAL, now="t")
    words = (STORY[1].split(" — ", 1)[1] + " " + STORY[2]).split()
    for i in range(6):  # later articles, each quoting two 10-word phrases of the paragraphs the copy keeps
        phrases = [" ".join(words[j : j + 10]) for j in (5 * i, 5 * i + 40)]
        d.check(doc(f"other-{i}", story([f"Unrelated report number {i} on another subject entirely.", *phrases])))
    verdict = d.check(TRUNCATED, now="t")
    assert (verdict["verdict"], verdict["duplicate_of"]) == ("near", "wire")

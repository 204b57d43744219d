"""Cleaning and deduplication through the real broker, and the same verdicts from one worker or two."""

from __future__ import annotations

import random

import pytest
from kafka import KafkaAdminClient

from sitrep.corpus import read_corpus
from sitrep.replay import publish
from sitrep.settings import Settings
from tests.conftest import SEEDS
from tests.support import Service, at_least, read_topic, wait_for

pytestmark = pytest.mark.integration


def syndicated_copies(records: list[dict]) -> tuple[list[dict], dict[str, str], dict[str, str]]:
    """Exact copies (same text, other outlet) and near copies (new headline, a byline, one paragraph dropped, a
    sentence of boilerplate) of the seed articles that are single articles."""
    rng = random.Random(7)
    copies, exact, near = [], {}, {}
    for r in records:
        if r["kind"] != "article" or r["id"].startswith("000_"):
            continue
        exact_id, near_id = f"copy-exact-{r['id']}", f"copy-near-{r['id']}"
        copies.append(r | {"id": exact_id, "source": "Mirror Daily", "published_at": "2021-01-01"})
        paragraphs = [p for p in r["text"].split("\n") if p.strip()]
        del paragraphs[rng.randrange(1, 4)]  # a body paragraph near the top, not one cleaning would drop anyway
        text = "By Staff Reporter\n" + "\n".join(paragraphs) + "\nFollow us on social media for more updates."
        copies.append(r | {"id": near_id, "source": "Wire Copy", "title": "UPDATED: " + (r["title"] or ""),
                           "published_at": "2021-01-02", "text": text})
        exact[exact_id], near[near_id] = r["id"], r["id"]
    return copies, exact, near


def test_seeds_and_a_variant_set_through_the_broker(service_env, tmp_path, kafka_bootstrap, topic_prefix):
    settings = Settings.from_env(service_env)
    seeds = list(read_corpus(SEEDS))
    copies, exact, near = syndicated_copies(seeds)
    processor = Service(["processor"], service_env, tmp_path).start()
    try:
        processor.wait_healthy(90)
        publish(settings, seeds)
        docs = wait_for(lambda: at_least(read_topic(kafka_bootstrap, f"{topic_prefix}documents", 1500), 15), 90,
                        "seed documents")
        publish(settings, copies)
        verdicts = wait_for(lambda: at_least(read_topic(kafka_bootstrap, f"{topic_prefix}duplicates", 1500),
                                             15 + len(copies)), 90, "verdicts")
    finally:
        processor.stop()
    by_id = {v["doc_id"]: v for v in verdicts}
    # the Rudaw body comes out once
    rudaw = next(d for d in docs if d["raw_id"].startswith("001_"))
    assert rudaw["text"].count("coalition surveillance aircraft departed the adjacent airspace") == 1
    # the tag page holds four articles: four documents pointing back to it
    split = [d for d in docs if d.get("parent_id") == "000_98f9f62c1b7ff02d"]
    assert len(split) == 4 and all("Comments Off" not in d["text"] for d in split)
    # tweets quoted in articles are linked, not dropped
    # (the later of the two carries the relation: a tweet after its article, or an article after its tweet)
    links = {frozenset((v["doc_id"], other)) for v in verdicts if v["verdict"] == "quoted" for other in v["quotes"]}
    assert frozenset(("tweet-oirspox-20180424-1502", "002_1901d147c7a60e76")) in links
    assert frozenset(("tweet-cjtfoir-20170518-1", "004_d76a2de3d81ca0b0")) in links
    assert {"tweet-oirspox-20180424-1502", "002_1901d147c7a60e76"} <= {d["id"] for d in docs}
    # the variant set: exact and near copies dropped with their verdicts
    for copy_id, original in exact.items():
        assert (by_id[copy_id]["verdict"], by_id[copy_id]["duplicate_of"]) == ("exact", original)
    for copy_id, original in near.items():
        assert (by_id[copy_id]["verdict"], by_id[copy_id]["duplicate_of"]) == ("near", original), by_id[copy_id]
        assert by_id[copy_id]["similarity"] >= 0.6
    forwarded = {d["id"] for d in read_topic(kafka_bootstrap, f"{topic_prefix}documents", 1500)}
    assert not forwarded & (set(exact) | set(near))


def group_is_stable(bootstrap: str, group: str, members: int) -> bool:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        described = admin.describe_groups([group])[group]
        state = described.get("group_state") or described.get("state")
        return bool(state == "Stable" and len(described.get("members", ())) == members)
    finally:
        admin.close()


def _verdicts_with_workers(workers: int, env: dict, tmp_path, kafka_bootstrap, prefix: str) -> dict:
    env = env | {"SITREP_TOPIC_PREFIX": prefix, "SITREP_TOPIC_PARTITIONS": "4"}
    settings = Settings.from_env(env)
    seeds = list(read_corpus(SEEDS))
    copies, _, _ = syndicated_copies(seeds)
    procs = [Service(["processor"], env, tmp_path).start() for _ in range(workers)]
    try:
        for p in procs:
            p.wait_healthy(90)
        if workers > 1:  # both workers hold partitions before the input flows
            wait_for(lambda: group_is_stable(kafka_bootstrap, f"{prefix}sitrep-processor", workers), 60,
                     "a stable group of both workers")
            wait_for(lambda: all(p.log().rfind("Worker ready") > p.log().rfind("generation id") for p in procs),
                     30, "both workers ready after the rebalance")
        publish(settings, seeds)
        wait_for(lambda: at_least(read_topic(kafka_bootstrap, f"{prefix}duplicates", 1500), 15), 90, "seeds")
        publish(settings, copies)
        verdicts = wait_for(lambda: at_least(read_topic(kafka_bootstrap, f"{prefix}duplicates", 1500),
                                             15 + len(copies)), 120, "verdicts")
    finally:
        for p in procs:
            p.stop()
    # a quote link is recorded on whichever of the tweet and the article came second; raw.articles and raw.tweets
    # are separate topics, so that order is not fixed: compare the links as undirected pairs
    links = {frozenset((v["doc_id"], o)) for v in verdicts if v["verdict"] == "quoted" for o in v["quotes"]}
    per_doc = {v["doc_id"]: ("unique", None) if v["verdict"] == "quoted" else (v["verdict"], v["duplicate_of"])
               for v in verdicts}
    return {"verdicts": per_doc, "links": links}


def test_two_workers_give_the_verdicts_of_one(service_env, tmp_path, kafka_bootstrap, topic_prefix):
    one = _verdicts_with_workers(1, service_env, tmp_path / "one", kafka_bootstrap, topic_prefix + "one.")
    two = _verdicts_with_workers(2, service_env, tmp_path / "two", kafka_bootstrap, topic_prefix + "two.")
    assert len(one["verdicts"]) == 15 + 8
    assert sum(v == "near" for v, _ in one["verdicts"].values()) == 4
    assert len(one["links"]) >= 5
    differing = {k: (one["verdicts"].get(k), two["verdicts"].get(k))
                 for k in one["verdicts"].keys() | two["verdicts"].keys()
                 if one["verdicts"].get(k) != two["verdicts"].get(k)}
    assert not differing, differing
    assert one["links"] == two["links"], one["links"] ^ two["links"]

"""bench/e2e.py's measurements: publishing at a rate with a send timestamp, reading back what came out (topic
message timestamps, storage rows) and turning it into throughput and latency figures."""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime
from typing import Any

import orjson
from kafka import KafkaConsumer

from sitrep.kafka_io import ensure_topics, make_producer
from sitrep.settings import Settings
from sitrep.topics import RAW_TOPIC_BY_KIND


def publish(settings: Settings, records: list[dict[str, Any]], rate: float | None) -> dict[str, float]:
    """Send ``records`` to the raw topics, ``rate`` per second (None: as fast as the producer goes). Each record
    carries its send time in ``bench_sent_at`` (the raw schema allows extra fields). Returns raw id -> send time."""
    ensure_topics(settings, [settings.topic(t) for t in RAW_TOPIC_BY_KIND.values()])
    producer = make_producer(settings, client_id="bench-publisher")
    sent: dict[str, float] = {}
    topics = {kind: settings.topic(t) for kind, t in RAW_TOPIC_BY_KIND.items()}
    start = time.time()
    futures = []
    try:
        for i, record in enumerate(records):
            if rate:
                delay = start + i / rate - time.time()
                if delay > 0:
                    time.sleep(delay)
            now = time.time()
            sent[record["id"]] = now
            body = orjson.dumps({**record, "bench_sent_at": now})
            futures.append(producer.send(topics[record["kind"]], key=record["id"].encode(), value=body))
        producer.flush()
        for fut in futures:
            fut.get(timeout=60)
    finally:
        producer.close(timeout=10)
    return sent


def read_topic(bootstrap: str, topics: list[str], idle_ms: int = 1500) -> list[tuple[float, dict[str, Any]]]:
    """(message timestamp in seconds, decoded value) of every record on ``topics``; the broker keeps the producer's
    CreateTime, i.e. when the service that wrote the record sent it."""
    consumer = KafkaConsumer(*topics, bootstrap_servers=bootstrap.split(","), auto_offset_reset="earliest",
                             enable_auto_commit=False, group_id=None, consumer_timeout_ms=idle_ms,
                             fetch_max_bytes=64 * 2**20)
    try:
        return [(m.timestamp / 1000.0, orjson.loads(m.value)) for m in consumer]
    finally:
        consumer.close()


def iso_seconds(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def percentiles(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"n": 0, "p50": None, "p95": None, "p99": None, "max": None}
    s = sorted(values)

    def q(p: float) -> float:
        return round(s[min(len(s) - 1, int(p * len(s)))], 3)

    return {"n": len(s), "p50": q(0.50), "p95": q(0.95), "p99": q(0.99), "max": round(s[-1], 3)}


def histogram(values: list[float], edges: tuple[float, ...] = (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60)) -> dict[str, int]:
    out: dict[str, int] = {}
    for edge in edges:
        out[f"<={edge}s"] = sum(1 for v in values if v <= edge)
    out["all"] = len(values)
    return out


class Outcome:
    """What one phase produced: storage rows and topic records, with each record's triggering send time."""

    def __init__(self, db_path: str, sent: dict[str, float], bootstrap: str, prefix: str,
                 alert_topics: list[str]) -> None:
        with sqlite3.connect(db_path) as conn:
            self.documents = conn.execute("SELECT id, raw_id, stored_at FROM documents").fetchall()
            self.verdicts = conn.execute("SELECT doc_id, verdict, duplicate_of FROM verdicts").fetchall()
            self.versions = conn.execute("SELECT event_id, version, record, stored_at FROM event_versions").fetchall()
            self.events = conn.execute("SELECT event_id, version, record FROM events").fetchall()
        self.sent = sent
        self.raw_of = {doc_id: raw_id for doc_id, raw_id, _ in self.documents}
        self.verdict_msgs = read_topic(bootstrap, [f"{prefix}duplicates"])
        self.event_msgs = read_topic(bootstrap, [f"{prefix}events"])
        self.alert_msgs = read_topic(bootstrap, alert_topics) if alert_topics else []

    def _trigger(self, source_doc_ids: list[str]) -> float | None:
        """When the report that made this event version was sent: the latest send among its sources (a version is
        made when its newest source is merged)."""
        times = [self.sent[r] for d in source_doc_ids if (r := self.raw_of.get(d, d)) in self.sent]
        return max(times) if times else None

    def latencies(self) -> dict[str, list[float]]:
        doc_stored = [iso_seconds(at) - self.sent[raw] for _, raw, at in self.documents if raw in self.sent]
        verdict = []
        for ts, v in self.verdict_msgs:
            raw = self.raw_of.get(v["doc_id"], v["doc_id"])
            if raw in self.sent:
                verdict.append(ts - self.sent[raw])
        event_topic = [ts - t for ts, e in self.event_msgs if (t := self._trigger(e["source_doc_ids"])) is not None]
        event_stored = []
        for _, _, record, at in self.versions:
            t = self._trigger(orjson.loads(record)["source_doc_ids"])
            if t is not None:
                event_stored.append(iso_seconds(at) - t)
        alert = [ts - t for ts, a in self.alert_msgs if (t := self._trigger(a["event"]["source_doc_ids"])) is not None]
        return {"raw_to_verdict": verdict, "raw_to_document_stored": doc_stored, "raw_to_event_published": event_topic,
                "raw_to_event_stored": event_stored, "raw_to_alert": alert}

    def finished_at(self) -> float:
        """When the last output of the phase was written (stored row or alert)."""
        times = [iso_seconds(at) for *_, at in self.documents] + [iso_seconds(at) for *_, at in self.versions]
        times += [ts for ts, _ in self.alert_msgs] + [ts for ts, _ in self.verdict_msgs]
        return max(times) if times else time.time()

    def sustained_rate(self) -> float | None:
        """Documents per second through the verdict stage between the 10th and the 90th percentile of verdict times:
        the steady rate, without the start-up and the tail."""
        times = sorted(ts for ts, _ in self.verdict_msgs)
        if len(times) < 20:
            return None
        lo, hi = times[len(times) // 10], times[len(times) * 9 // 10]
        return (len(times) * 0.8) / (hi - lo) if hi > lo else None

    def signature(self) -> dict[str, Any]:
        """What must not depend on the number of workers: every verdict, and every stored event's latest content."""
        verdicts = sorted({(d, v, o) for d, v, o in self.verdicts})
        events = {}
        for event_id, _version, record in self.events:
            r = orjson.loads(record)
            events[event_id] = (r["sub_event_type"], r["event_date"], r["location"].get("place"), r["fatalities"],
                                tuple(sorted(r["source_doc_ids"])))
        return {"verdicts": verdicts, "events": events}


def _clusters(verdicts: list[tuple[str, str, str]]) -> set[frozenset[str]]:
    """Duplicate clusters (exact/near edges), whichever member was called the original."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for doc, verdict, other in verdicts:
        find(doc)
        if verdict in ("exact", "near") and other and other != doc:
            parent[find(doc)] = find(other)
    groups: dict[str, set[str]] = {}
    for doc in parent:
        groups.setdefault(find(doc), set()).add(doc)
    return {frozenset(g) for g in groups.values()}


def compare(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Verdicts and events of two runs. A quote link is recorded on whichever of the two documents came second and a
    duplicate pair in flight at the same moment may be decided either way round, so besides the exact comparison the
    duplicate clusters and the set of events (ids are content-derived: type, day, place) are compared."""
    va, vb = set(a["verdicts"]), set(b["verdicts"])
    ea, eb = a["events"], b["events"]
    differing = sorted(k for k in set(ea) | set(eb) if ea.get(k) != eb.get(k))
    ca, cb = _clusters(a["verdicts"]), _clusters(b["verdicts"])
    kinds: dict[str, int] = {}
    first = {d: (v, o) for d, v, o in va}
    second = {d: (v, o) for d, v, o in vb}
    for d in set(first) | set(second):
        if first.get(d) != second.get(d):
            key = f"{(first.get(d) or ('-',))[0]}->{(second.get(d) or ('-',))[0]}"
            kinds[key] = kinds.get(key, 0) + 1
    return {"verdicts_equal": va == vb, "verdicts_differing": len({d for d, *_ in va ^ vb}),
            "verdict_changes": kinds, "duplicate_clusters_equal": ca == cb,
            "clusters_differing": len(ca ^ cb) // 2 if ca != cb else 0,
            "event_ids_equal": set(ea) == set(eb), "events_first": len(ea), "events_second": len(eb),
            "events_with_other_content": len(differing), "examples": differing[:3]}

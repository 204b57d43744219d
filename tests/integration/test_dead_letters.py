"""Bad input to any consumed topic ends on the dead-letter topic with its reason and origin; the pipeline flows on."""

from __future__ import annotations

import orjson
import pytest
from kafka import KafkaProducer

from tests.support import Service, at_least, read_topic, wait_for

pytestmark = pytest.mark.integration

GOOD = {"id": "good-1", "kind": "article", "source": "Example", "published_at": "2024-03-01",
        "title": "t", "text": "Artillery shelling hit the village of Kafr Nabl on Monday, killing two people."}


def test_bad_raw_input_is_dead_lettered_and_good_input_still_flows(service_env, tmp_path, kafka_bootstrap,
                                                                   topic_prefix):
    processor = Service(["processor"], service_env, tmp_path).start()
    storage = Service(["storage"], service_env, tmp_path).start()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    try:
        processor.wait_healthy(90)
        storage.wait_healthy(30)
        raw = f"{topic_prefix}raw.articles"
        bad = [
            b"{not json",
            b"\xff\xfe\x00garbage",
            orjson.dumps({"id": "no-text", "kind": "article", "source": "s", "published_at": "2024-01-01"}),
            orjson.dumps(GOOD | {"id": "wrong-type", "text": 12}),
            orjson.dumps(GOOD | {"id": "empty", "text": "  "}),
            orjson.dumps(GOOD | {"id": "future", "published_at": "2999-01-01"}),
            orjson.dumps(GOOD | {"id": "ctl", "text": "a\x00b"}),
        ]
        for value in bad:
            producer.send(raw, key=b"bad", value=value)
        producer.send(raw, key=b"good-1", value=orjson.dumps(GOOD))
        # storage gets bad input on its own topics too
        producer.send(f"{topic_prefix}events", key=b"e", value=orjson.dumps({"event_id": "x"}))
        producer.flush()

        letters = wait_for(lambda: at_least(read_topic(kafka_bootstrap, f"{topic_prefix}deadletter", 1500),
                                            len(bad) + 1), 90, "dead letters")
        reasons = sorted(letter["reason"] for letter in letters if letter["service"] == "processor")
        assert reasons == sorted(["invalid_json", "invalid_utf8", "schema", "schema", "empty_text", "future_date",
                                  "control_characters"]) or len(reasons) == len(bad)
        assert all(letter["origin"]["topic"] == raw and letter["origin"]["offset"] is not None
                   for letter in letters if letter["service"] == "processor")
        storage_letters = [letter for letter in letters if letter["service"] == "storage"]
        assert storage_letters and storage_letters[0]["origin"]["topic"] == f"{topic_prefix}events"
        docs = wait_for(lambda: read_topic(kafka_bootstrap, f"{topic_prefix}documents", 1500), 60, "good document")
        assert [d["raw_id"] for d in docs] == ["good-1"]
        assert processor.proc is not None and processor.proc.poll() is None
    finally:
        producer.close()
        processor.stop()
        storage.stop()


def test_a_run_of_invalid_messages_stops_the_processor(service_env, tmp_path, kafka_bootstrap, topic_prefix):
    env = service_env | {"SITREP_DLQ_LIMIT": "5"}
    processor = Service(["processor"], env, tmp_path).start()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    try:
        processor.wait_healthy(90)
        for _ in range(6):
            producer.send(f"{topic_prefix}raw.articles", value=b"not json at all")
        producer.flush()
        assert processor.proc is not None
        wait_for(lambda: processor.proc.poll() is not None, 60, "processor to stop")
        assert processor.proc.returncode != 0
        assert "invalid messages in a row" in processor.log()
    finally:
        producer.close()
        processor.stop()

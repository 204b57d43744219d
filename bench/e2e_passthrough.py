"""The limit for bench/e2e.py: a consumer -> producer that forwards the benchmark's raw documents unchanged, on the
same broker and with the same message sizes, and does nothing else. Both Python clients sitrep uses are measured
(kafka-python as storage/alerter/replay configure it; aiokafka as the faust processor configures it); the faster one
is the limit."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from sitrep.kafka_io import ensure_topics, make_consumer, make_producer
from sitrep.settings import Settings


def kafka_python(settings: Settings, sources: list[str], target: str, n: int, timeout: float = 120) -> dict[str, Any]:
    ensure_topics(settings, [target])
    consumer = make_consumer(settings, sources, group_id=f"bench-pass-{uuid.uuid4().hex[:8]}")
    producer = make_producer(settings, client_id="bench-pass")
    done, started = 0, None
    deadline = time.monotonic() + timeout
    try:
        while done < n and time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=500)
            for messages in batch.values():
                if started is None:
                    started = time.perf_counter()
                for m in messages:
                    producer.send(target, key=m.key, value=m.value)
                    done += 1
            if batch:
                producer.flush()  # the services' loop: the batch's records acknowledged, then the commit
                consumer.commit()
        producer.flush()
        elapsed = time.perf_counter() - (started or time.perf_counter())
    finally:
        producer.close(timeout=10)
        consumer.close()
    return {"client": "kafka-python", "messages": done, "seconds": round(elapsed, 3),
            "per_second": round(done / elapsed, 1) if elapsed else None}


async def _aiokafka(settings: Settings, sources: list[str], target: str, n: int, timeout: float) -> dict[str, Any]:
    servers = settings.bootstrap_servers
    consumer = AIOKafkaConsumer(*sources, bootstrap_servers=servers, group_id=f"bench-pass-{uuid.uuid4().hex[:8]}",
                                enable_auto_commit=False, auto_offset_reset="earliest",
                                max_partition_fetch_bytes=8 * 2**20, fetch_max_bytes=64 * 2**20)
    # faust's producer settings in the processor: acks=all, linger 2 ms, no compression
    producer = AIOKafkaProducer(bootstrap_servers=servers, acks="all", linger_ms=2,
                                max_request_size=8 * 2**20, enable_idempotence=False)
    await consumer.start()
    await producer.start()
    done, started = 0, None
    deadline = time.monotonic() + timeout
    try:
        while done < n and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500, max_records=1000)
            futures = []
            for messages in batch.values():
                if started is None:
                    started = time.perf_counter()
                for m in messages:
                    futures.append(await producer.send(target, key=m.key, value=m.value))
                    done += 1
            if futures:
                await asyncio.gather(*futures)
                await consumer.commit()
        elapsed = time.perf_counter() - (started or time.perf_counter())
    finally:
        await producer.stop()
        await consumer.stop()
    return {"client": "aiokafka", "messages": done, "seconds": round(elapsed, 3),
            "per_second": round(done / elapsed, 1) if elapsed else None}


def aiokafka(settings: Settings, sources: list[str], target: str, n: int, timeout: float = 120) -> dict[str, Any]:
    ensure_topics(settings, [target])
    return asyncio.run(_aiokafka(settings, sources, target, n, timeout))


def limit(settings: Settings, sources: list[str], n: int) -> dict[str, Any]:
    """Both clients' pass-through rates on ``sources`` (``n`` records in all) and the faster one."""
    prefix = settings.topic_prefix
    runs = [kafka_python(settings, sources, f"{prefix}bench.pass.kafka-python", n),
            aiokafka(settings, sources, f"{prefix}bench.pass.aiokafka", n)]
    best = max(runs, key=lambda r: r["per_second"] or 0)
    return {"runs": runs, "best": best["client"], "per_second": best["per_second"]}

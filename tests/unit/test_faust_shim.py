"""faust-streaming's ProducerBuffer.flush is not a barrier; with faust_shim's barrier it is. The real class, with the
hand-over to aiokafka made slow (as a metadata fetch or a full accumulator makes it)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from faust.transport.producer import ProducerBuffer

from sitrep.processor.faust_shim import BufferBarrier

SLOW_HANDOVER_S = 0.3  # longer than the 0.1 s flush_atmost waits for each message


async def handed_on_when_flush_returns(barrier: bool, n: int = 3) -> int:
    buffer = ProducerBuffer()
    buffer.app = SimpleNamespace(conf=SimpleNamespace(producer_threaded=False))  # what put() and size read
    handed: list[Any] = []

    async def slow_handover(fut: Any) -> None:
        await asyncio.sleep(SLOW_HANDOVER_S)
        handed.append(fut)

    buffer._send_pending = slow_handover  # type: ignore[method-assign]
    if barrier:
        BufferBarrier(buffer).install()
    await buffer.start()
    try:
        for i in range(n):
            buffer.put(i)  # type: ignore[arg-type]
        await buffer.flush()
        at_return = len(handed)
        await asyncio.wait_for(drained(handed, n), timeout=10)  # stop() refuses a buffer that still holds messages
        return at_return
    finally:
        await buffer.stop()


async def drained(handed: list[Any], n: int) -> None:
    while len(handed) < n:
        await asyncio.sleep(0.01)


def test_faust_flush_returns_with_table_writes_still_queued() -> None:
    # the evidence for the shim: offsets committed after this flush can cover writes that are still in the buffer
    assert asyncio.run(handed_on_when_flush_returns(barrier=False)) < 3


def test_the_barrier_waits_until_everything_queued_before_it_is_handed_on() -> None:
    assert asyncio.run(handed_on_when_flush_returns(barrier=True)) == 3


def test_table_keys_come_back_from_the_changelog_as_they_were_written(tmp_path, monkeypatch) -> None:
    """Recovery decodes a changelog key with the table's key serializer; a str key must come back a str, whatever
    the app's own key serializer (raw: the topics carry bytes), or a restarted processor would find none of its
    state. Faust picks json for tables without a key type; this keeps it so."""
    monkeypatch.setenv("SITREP_HOME", str(tmp_path))
    import faust

    from sitrep.processor.app import Shell, app_config
    from sitrep.processor.flow import wiring
    from sitrep.settings import Settings

    settings = Settings(bootstrap_servers="127.0.0.1:1")
    app = faust.App("keys-test", **app_config(settings, 9999))  # build_app without its process-wide sensors
    shell = Shell(app, settings)
    tables = [shell.table(name) for stage in wiring(1000, 1e6) for name in stage.tables]
    assert {t.name for t in tables} == {"dedup-sketches", "merge-blocks"}
    for table in tables:
        raw = app.serializers.dumps_key(table.key_type, "0|doc-1", serializer=table.key_serializer)
        back = app.serializers.loads_key(table.key_type, raw, serializer=table.key_serializer)
        assert back == "0|doc-1" and isinstance(back, str)

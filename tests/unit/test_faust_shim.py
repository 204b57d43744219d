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

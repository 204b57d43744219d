"""A flush that is a barrier: faust-streaming 0.15's producer buffer can report "flushed" with messages still in it.

Evidence (faust/transport/producer.py, ProducerBuffer): table writes go through ``send_soon`` into an asyncio queue
that a background task drains (``_handle_pending``). Before committing offsets the consumer calls
``producer.flush()``, which calls ``ProducerBuffer.flush()`` -> ``flush_atmost(None)``; that loop waits at most
0.1 s for the next message to be sent and *returns* on that timeout, whatever is still queued. It also counts the
queue as empty while the drain task holds the last message it took but has not yet handed it to aiokafka. Either
way the offsets can be committed before the changelog writes (table state) of the messages they cover are in the
producer, and a kill -9 then loses that state for input that will never be redelivered. A loaded event loop makes
the 0.1 s timeout likely. tests/unit/test_faust_shim.py reproduces it with the real class.

The fix counts what went into the buffer and what the drain task has handed on, and flush waits (without a
deadline: not committing is always safe) until everything queued before the call has been handed on; aiokafka's own
flush, which faust calls next, then waits for the broker's acknowledgements.
"""

from __future__ import annotations

import asyncio
from typing import Any


class BufferBarrier:
    def __init__(self, buffer: Any) -> None:
        self.buffer = buffer
        self.queued = 0
        self.handed_on = 0
        self.progress = asyncio.Event()
        self._put = buffer.put
        self._send_pending = buffer._send_pending

    def install(self) -> BufferBarrier:
        """Wrap the buffer's methods; must run before the producer starts (its drain task binds _send_pending)."""
        self.buffer.put = self.put
        self.buffer._send_pending = self.send_pending
        self.buffer.flush = self.flush
        return self

    def put(self, fut: Any) -> None:
        self.queued += 1
        self._put(fut)

    async def send_pending(self, fut: Any) -> None:
        try:
            await self._send_pending(fut)
        finally:
            self.handed_on += 1
            self.progress.set()

    async def flush(self) -> None:
        target = self.queued
        while self.handed_on < target:
            self.progress.clear()
            await self.progress.wait()


def install_flush_barrier(app: Any) -> BufferBarrier:
    return BufferBarrier(app.producer.buffer).install()

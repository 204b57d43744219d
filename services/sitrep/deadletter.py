"""Dead letters: a bad message raises InvalidMessage; the shell turns it into a record on the dead-letter topic.

Like arroyo's DlqLimit, a run of too many invalid messages in a row stops the consumer: that is a broken deploy or a
wrong topic, and dead-lettering all of it would hide the fault.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any


class InvalidMessage(Exception):
    """A message that can never be processed. ``reason`` is a short label (a metric label), ``detail`` says why."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class TooManyInvalid(RuntimeError):
    pass


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def dead_letter(
    payload: bytes | None,
    error: InvalidMessage,
    *,
    service: str,
    topic: str,
    partition: int | None,
    offset: int | None,
    key: bytes | None = None,
) -> dict[str, Any]:
    raw = payload or b""
    try:
        text, encoding = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(raw).decode("ascii"), "base64"
    return {
        "reason": error.reason,
        "error": error.detail,
        "origin": {"topic": topic, "partition": partition, "offset": offset},
        "key": key.decode("utf-8", "replace") if key is not None else None,
        "payload": text,
        "payload_encoding": encoding,
        "service": service,
        "failed_at": now_iso(),
    }


class InvalidRun:
    """Counts consecutive invalid messages; raises TooManyInvalid past the ceiling."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0

    def ok(self) -> None:
        self.count = 0

    def invalid(self, reason: str) -> None:
        self.count += 1
        if self.limit > 0 and self.count >= self.limit:
            raise TooManyInvalid(
                f"{self.count} invalid messages in a row (last: {reason}); stopping rather than dead-lettering a "
                f"broken deploy. Fix the producer or raise SITREP_DLQ_LIMIT."
            )

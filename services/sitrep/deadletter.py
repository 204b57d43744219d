"""Dead letters: a bad message raises InvalidMessage; the shell turns it into a record on the dead-letter topic.

Like arroyo's DlqLimit, a run of too many invalid messages in a row stops the consumer: that is a broken deploy or a
wrong topic, and dead-lettering all of it would hide the fault.
"""

from __future__ import annotations

import base64
from collections.abc import Hashable
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


EXIT_TOO_MANY_INVALID = 3  # every service's exit code for TooManyInvalid (README, Reliability)


class InvalidRun:
    """Counts consecutive invalid messages per partition (``where``: any hashable, e.g. (topic, partition)), as
    arroyo's DlqLimit does: one partition full of garbage stops the service even while others are healthy, and good
    input on one partition does not hide a run of garbage on another. Raises TooManyInvalid at the ceiling."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.counts: dict[Hashable, int] = {}

    @property
    def count(self) -> int:
        return max(self.counts.values(), default=0)

    def ok(self, where: Hashable = None) -> None:
        self.counts.pop(where, None)

    def invalid(self, reason: str, where: Hashable = None) -> None:
        n = self.counts[where] = self.counts.get(where, 0) + 1
        if self.limit > 0 and n >= self.limit:
            place = "" if where is None else f" on {where}"
            raise TooManyInvalid(
                f"{n} invalid messages in a row{place} (last: {reason}); stopping rather than dead-lettering a "
                f"broken deploy. Fix the producer or raise SITREP_DLQ_LIMIT."
            )

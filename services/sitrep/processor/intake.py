"""What the processor accepts from the raw topics: decoded, schema-checked, plausible. Pure; raises InvalidMessage."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from sitrep import schemas
from sitrep.deadletter import InvalidMessage
from sitrep.topics import Topic

# News about events before this is an archive import gone wrong, not monitoring
EARLIEST_PUBLICATION = datetime(1990, 1, 1, tzinfo=UTC)
# clocks drift and time zones differ; more than this ahead of now is a broken producer
FUTURE_SLACK = timedelta(days=2)


def parse_published(value: str) -> datetime:
    text = value.strip().replace(" ", "T", 1)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidMessage("bad_date", f"published_at {value!r}: {exc}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def accept_raw(topic: Topic, value: bytes | None, max_text_chars: int, now: datetime | None = None) -> dict[str, Any]:
    """Raw bytes -> a raw document the rest of the pipeline may trust."""
    record = schemas.decode(topic, value)
    text = record["text"]
    if not text.strip():
        raise InvalidMessage("empty_text", "text is empty or only white space")
    if len(text) > max_text_chars:
        raise InvalidMessage("text_too_large", f"text has {len(text)} characters, limit {max_text_chars}")
    if "\x00" in text:
        raise InvalidMessage("control_characters", "text contains NUL characters")
    published = parse_published(record["published_at"])
    now = now or datetime.now(UTC)
    if published > now + FUTURE_SLACK:
        raise InvalidMessage("future_date", f"published_at {record['published_at']} is in the future")
    if published < EARLIEST_PUBLICATION:
        raise InvalidMessage("absurd_date", f"published_at {record['published_at']} is before 1990")
    for key, val in record.items():
        if isinstance(val, float) and not math.isfinite(val):
            raise InvalidMessage("not_finite", f"{key} is {val}")
    return record

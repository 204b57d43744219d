from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from sitrep.deadletter import InvalidMessage
from sitrep.processor.intake import accept_raw
from sitrep.topics import Topic

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def raw(**over):
    base = {"id": "a1", "kind": "article", "source": "Example", "published_at": "2024-03-01T10:00:00Z",
            "title": "t", "text": "Shelling hit the town of X on Monday."}
    return orjson.dumps(base | over)


def test_accepts_a_plain_article():
    assert accept_raw(Topic.RAW_ARTICLES, raw(), 1000, NOW)["id"] == "a1"


@pytest.mark.parametrize("over,reason", [
    ({"text": "   \n "}, "empty_text"),
    ({"text": "x" * 1001}, "text_too_large"),
    ({"text": "a\x00b"}, "control_characters"),
    ({"published_at": "2031-01-01"}, "future_date"),
    ({"published_at": "1066-10-14"}, "absurd_date"),
    ({"published_at": "2024-02-30"}, "bad_date"),
    ({"kind": "tweet"}, "schema"),
])
def test_rejects_with_a_reason(over, reason):
    with pytest.raises(InvalidMessage) as err:
        accept_raw(Topic.RAW_ARTICLES, raw(**over), 1000, NOW)
    assert err.value.reason == reason


def test_nan_is_not_json():
    with pytest.raises(InvalidMessage) as err:
        accept_raw(Topic.RAW_ARTICLES, b'{"id": "a", "lat": NaN}', 1000, NOW)
    assert err.value.reason == "invalid_json"

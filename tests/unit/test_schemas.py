from __future__ import annotations

import copy

import orjson
import pytest

from sitrep import schemas
from sitrep.deadletter import InvalidMessage
from sitrep.topics import Topic


@pytest.mark.parametrize("path", schemas.schema_files(), ids=lambda p: p.name)
def test_every_schema_example_validates(path):
    schema = orjson.loads(path.read_bytes())
    assert schema["$schema"].endswith("2020-12/schema")
    assert schema["examples"], "each topic's schema carries an example"
    name = path.name.removesuffix(".schema.json")
    for example in schema["examples"]:
        schemas.check(name, example)


def test_every_topic_has_a_schema_file():
    names = {p.name.removesuffix(".schema.json") for p in schemas.schema_files()}
    assert {t.schema_name for t in Topic} <= names


def _article():
    return copy.deepcopy(schemas.load_schema("raw.articles")["examples"][0])


def test_raw_article_allows_extra_fields_and_a_plain_date():
    record = _article() | {"published_at": "2017-05-18", "lang": "en"}
    schemas.check("raw.articles", record)


@pytest.mark.parametrize("field,value,fragment", [
    ("kind", "tweet", "kind"),
    ("published_at", "18 May 2017", "published_at"),
    ("text", 42, "text"),
    ("id", "", "id"),
])
def test_raw_article_rejects_bad_fields_naming_the_field(field, value, fragment):
    record = _article() | {field: value}
    with pytest.raises(InvalidMessage) as err:
        schemas.check("raw.articles", record)
    assert err.value.reason == "schema"
    assert fragment in err.value.detail


def test_raw_tweet_requires_author():
    tweet = copy.deepcopy(schemas.load_schema("raw.tweets")["examples"][0])
    del tweet["author"]
    with pytest.raises(InvalidMessage, match="author"):
        schemas.check("raw.tweets", tweet)


def test_event_rejects_a_sub_event_type_outside_acled():
    event = copy.deepcopy(schemas.load_schema("events")["examples"][0])
    event["sub_event_type"] = "Airstrike"
    with pytest.raises(InvalidMessage, match="sub_event_type"):
        schemas.check("events", event)


def test_decode_reports_invalid_json_and_non_utf8():
    with pytest.raises(InvalidMessage) as err:
        schemas.decode(Topic.RAW_ARTICLES, b"{not json")
    assert err.value.reason == "invalid_json"
    with pytest.raises(InvalidMessage) as err:
        schemas.decode(Topic.RAW_ARTICLES, b'{"text": "\xff\xfe"}')
    assert err.value.reason in {"invalid_utf8", "invalid_json"}
    with pytest.raises(InvalidMessage) as err:
        schemas.decode(Topic.RAW_ARTICLES, None)
    assert err.value.reason == "empty"
    with pytest.raises(InvalidMessage, match="JSON object"):
        schemas.decode(Topic.RAW_ARTICLES, b"[1, 2]")

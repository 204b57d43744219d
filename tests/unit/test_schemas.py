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


def _keywords(node: object, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key == "properties":
                for sub in value.values():
                    _keywords(sub, found)
            elif key not in ("examples", "enum", "const"):
                _keywords(value, found)
    elif isinstance(node, list):
        for item in node:
            _keywords(item, found)
    return found


@pytest.mark.parametrize("path", schemas.schema_files(), ids=lambda p: p.name)
def test_schemas_keep_to_keywords_both_validators_read_alike(path):
    assert _keywords(orjson.loads(path.read_bytes()), set()) <= schemas.SHARED_KEYWORDS


def _mutations(record: dict) -> list[dict]:
    """Each field removed, and each field set to values of the wrong kind."""
    out = []
    for key in record:
        out.append({k: v for k, v in record.items() if k != key})
        for bad in (None, 12, -1, "", "x" * 3, [], {}, 1.5, True, "2017-13-45"):
            out.append(record | {key: bad})
    return out


@pytest.mark.parametrize("path", schemas.schema_files(), ids=lambda p: p.name)
def test_the_fast_validator_agrees_with_the_reference_implementation(path):
    name = path.name.removesuffix(".schema.json")
    fast, reference = schemas.fast_validator(name), schemas.validator(name)
    cases = [example for example in schemas.load_schema(name)["examples"]]
    cases += [m for example in list(cases) for m in _mutations(example)]
    disagreements = []
    for case in cases:
        try:
            fast(case)
            fast_ok = True
        except Exception:
            fast_ok = False
        if fast_ok != reference.is_valid(case):
            disagreements.append(case)
    assert len(cases) > 20 and not disagreements

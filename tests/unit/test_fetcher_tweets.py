from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from sitrep import schemas
from sitrep.fetcher.tweets import newer_id, parse_search_page, search_url

RESPONSE = {
    "data": [
        {"id": "1790000000000000005", "text": "short version…", "author_id": "7",
         "created_at": "2024-05-13T08:15:00.000Z", "lang": "uk",
         "note_tweet": {"text": "The full long post about the strike on the power plant near Zaporizhzhia."},
         "referenced_tweets": [{"type": "quoted", "id": "1790000000000000001"},
                               {"type": "replied_to", "id": "1790000000000000002"}]},
        {"id": "1790000000000000004", "text": "RT @x: something", "author_id": "7",
         "created_at": "2024-05-13T08:10:00Z", "referenced_tweets": [{"type": "retweeted", "id": "1"}]},
        {"id": "1790000000000000003", "text": "no author in includes", "author_id": "99",
         "created_at": "2024-05-13T08:05:00+02:00"},
        {"id": "not-a-number", "text": "dropped", "author_id": "7", "created_at": "2024-05-13T08:00:00Z"},
        {"id": "1790000000000000001", "text": "no date, dropped", "author_id": "7"},
    ],
    "includes": {"users": [{"id": "7", "username": "ZaporizhzhiaOVA", "name": "Oblast Military Administration"}]},
    "meta": {"newest_id": "1790000000000000005", "oldest_id": "1790000000000000001", "result_count": 5,
             "next_token": "b26v89c19zqg8o3f"},
    "errors": [{"title": "Authorization Error", "detail": "Sorry, you are not authorized to see a Tweet."}],
}


def test_x_api_v2_page_maps_to_raw_tweets() -> None:
    page = parse_search_page(RESPONSE, "twitter", "2024-05-13T09:00:00Z")
    assert page.newest_id == "1790000000000000005" and page.next_token == "b26v89c19zqg8o3f"
    assert page.errors == ["Sorry, you are not authorized to see a Tweet."]
    assert [r["id"] for r in page.records] == ["tweet-1790000000000000005", "tweet-1790000000000000003"]
    first, second = page.records
    assert first["text"].startswith("The full long post")  # note_tweet over the truncated text
    assert first["author"] == "ZaporizhzhiaOVA" and first["author_name"] == "Oblast Military Administration"
    assert first["url"] == "https://x.com/ZaporizhzhiaOVA/status/1790000000000000005"
    assert first["quoted_id"] == "tweet-1790000000000000001"
    assert first["in_reply_to"] == "tweet-1790000000000000002"
    assert first["published_at"] == first["created_at"] == "2024-05-13T08:15:00Z"
    assert second["author"] == "99" and second["published_at"] == "2024-05-13T06:05:00Z"  # to UTC
    for record in page.records:
        schemas.check("raw.tweets", record)


def test_retweets_can_be_kept() -> None:
    page = parse_search_page(RESPONSE, "twitter", "2024-05-13T09:00:00Z", include_retweets=True)
    assert "tweet-1790000000000000004" in [r["id"] for r in page.records]


def test_an_empty_result_has_no_cursor() -> None:
    page = parse_search_page({"meta": {"result_count": 0}}, "twitter", "2024-05-13T09:00:00Z")
    assert page.records == [] and page.newest_id is None and page.next_token is None


@pytest.mark.parametrize("payload", [[], "x", {"data": "nope"}])
def test_malformed_responses_raise(payload: object) -> None:
    with pytest.raises(ValueError):
        parse_search_page(payload, "twitter", "2024-05-13T09:00:00Z")


def test_search_url_carries_cursor_and_page_token() -> None:
    url = search_url("https://api.x.com/", "airstrike lang:en", "123", "tok", 500)
    parts = urlsplit(url)
    q = parse_qs(parts.query)
    assert parts.path == "/2/tweets/search/recent"
    assert q["query"] == ["airstrike lang:en"] and q["since_id"] == ["123"] and q["next_token"] == ["tok"]
    assert q["max_results"] == ["100"] and q["expansions"] == ["author_id"]


def test_newer_id_compares_numerically() -> None:
    assert newer_id("999", "1000") == "1000"
    assert newer_id(None, "5") == "5" and newer_id(None, None) is None

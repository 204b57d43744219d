"""X API v2 search/recent JSON -> raw tweet records (schemas/raw.tweets.schema.json), plus the request it needs.

The X tweet id is the stable identity ("tweet-<id>"), so a reply or quote points at the same id its target gets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

SEARCH_PATH = "/2/tweets/search/recent"
TWEET_FIELDS = "created_at,author_id,referenced_tweets,conversation_id,lang,note_tweet,entities"


@dataclass(frozen=True)
class SearchPage:
    records: list[dict[str, Any]]
    newest_id: str | None  # the next poll's since_id
    next_token: str | None
    errors: list[str]  # partial errors X reports beside the data


def tweet_doc_id(x_id: str) -> str:
    return f"tweet-{x_id}"


def search_url(api_base: str, query: str, since_id: str | None, next_token: str | None, max_results: int) -> str:
    params = {
        "query": query,
        "max_results": str(max(10, min(100, max_results))),
        "tweet.fields": TWEET_FIELDS,
        "expansions": "author_id",
        "user.fields": "username,name",
    }
    if since_id:
        params["since_id"] = since_id
    if next_token:
        params["next_token"] = next_token
    return f"{api_base.rstrip('/')}{SEARCH_PATH}?{urlencode(params)}"


def _iso_z(value: str | None) -> str | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _referenced(tweet: dict[str, Any], kind: str) -> str | None:
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, dict) and ref.get("type") == kind and ref.get("id"):
            return str(ref["id"])
    return None


def map_tweet(tweet: dict[str, Any], users: dict[str, dict[str, Any]], source: str,
              fetched_at: str) -> dict[str, Any] | None:
    """One X API tweet object -> a raw tweet record, or None when it lacks what the schema requires."""
    x_id = str(tweet.get("id") or "")
    note = tweet.get("note_tweet")
    text = (note.get("text") if isinstance(note, dict) else None) or tweet.get("text")  # long posts: note_tweet
    created = _iso_z(tweet.get("created_at"))
    if not x_id.isdigit() or not text or not created:
        return None
    user = users.get(str(tweet.get("author_id")), {})
    author = user.get("username") or (str(tweet["author_id"]) if tweet.get("author_id") else None)
    if not author:
        return None
    replied, quoted = _referenced(tweet, "replied_to"), _referenced(tweet, "quoted")
    return {
        "id": tweet_doc_id(x_id),
        "kind": "tweet",
        "url": f"https://x.com/{user.get('username') or 'i/web'}/status/{x_id}",
        "source": source,
        "author": author,
        "author_name": user.get("name"),
        "published_at": created,
        "created_at": created,
        "title": None,
        "text": text,
        "in_reply_to": tweet_doc_id(replied) if replied else None,
        "quoted_id": tweet_doc_id(quoted) if quoted else None,
        "conversation_id": tweet.get("conversation_id"),
        "lang": tweet.get("lang"),
        "fetched_at": fetched_at,
    }


def parse_search_page(payload: Any, source: str, fetched_at: str, include_retweets: bool = False) -> SearchPage:
    """Raises ValueError when ``payload`` is not shaped like a search/recent response."""
    if not isinstance(payload, dict):
        raise ValueError("X API response is not a JSON object")
    data = payload.get("data") or []
    meta = payload.get("meta") or {}
    if not isinstance(data, list) or not isinstance(meta, dict):
        raise ValueError("X API response: 'data' must be a list and 'meta' an object")
    users = {str(u.get("id")): u for u in (payload.get("includes") or {}).get("users") or [] if isinstance(u, dict)}
    records = []
    for tweet in data:
        if not isinstance(tweet, dict):
            continue
        if not include_retweets and _referenced(tweet, "retweeted"):
            continue  # a retweet repeats (and truncates) a tweet the search usually finds itself
        record = map_tweet(tweet, users, source, fetched_at)
        if record is not None:
            records.append(record)
    errors = [str(e.get("detail") or e.get("title") or e) for e in payload.get("errors") or [] if isinstance(e, dict)]
    newest = meta.get("newest_id")
    return SearchPage(records, str(newest) if newest else None, meta.get("next_token") or None, errors)


def newer_id(a: str | None, b: str | None) -> str | None:
    """The larger of two X ids (snowflakes grow with time); compared as integers, not strings."""
    candidates = [x for x in (a, b) if x and x.isdigit()]
    return max(candidates, key=int) if candidates else None

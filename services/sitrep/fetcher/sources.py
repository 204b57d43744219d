"""One poll of one configured source (I/O shell): fetch, parse with the pure modules, and return a Batch of new or
changed raw documents plus the state updates that may only be saved once Kafka has acknowledged them."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from sitrep import metrics, schemas
from sitrep.corpus import CorpusError, read_corpus
from sitrep.deadletter import InvalidMessage
from sitrep.fetcher.articles import extract_article, html_to_text, page_title
from sitrep.fetcher.canonical_url import canonicalize, host_of, url_id
from sitrep.fetcher.config import FetcherConfig, SourceConfig
from sitrep.fetcher.documents import article_record, content_hash, now_iso
from sitrep.fetcher.feeds import FeedEntry, parse_feed
from sitrep.fetcher.http_client import FetchError, HttpFetcher, Response
from sitrep.fetcher.politeness import RETRYABLE_STATUS
from sitrep.fetcher.state import FetcherState
from sitrep.fetcher.tweets import newer_id, parse_search_page, search_url
from sitrep.topics import RAW_TOPIC_BY_KIND

log = logging.getLogger(__name__)
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
TRANSIENT_ERRORS = frozenset({"timeout", "network", "deferred", "stopped"})


@dataclass
class Batch:
    source: str  # the configured source name (a bounded metric label)
    records: list[dict[str, Any]] = field(default_factory=list)
    on_delivered: list[Callable[[], None]] = field(default_factory=list)  # run once every record is acknowledged
    # an item failed in a way the next poll may fix: keep the feed's validators, so it is not answered with a 304
    incomplete: bool = False


def _error(kind: str, message: str, *args: Any) -> None:
    """A failure that stops one item but not the source or the service: logged clearly, and counted."""
    metrics.FETCH_ERRORS.labels(kind).inc()
    log.warning(message, *args)


class SourcePoller:
    def __init__(self, config: FetcherConfig, state: FetcherState, http: HttpFetcher,
                 env: dict[str, str] | None = None) -> None:
        self.config, self.state, self.http = config, state, http
        self.env = os.environ if env is None else env
        self.pages = ThreadPoolExecutor(max_workers=max(1, config.workers), thread_name_prefix="page")

    def close(self) -> None:
        self.pages.shutdown(wait=True, cancel_futures=True)

    def poll(self, src: SourceConfig) -> Batch:
        batch = Batch(src.name)
        handler = {"feed": self._feed, "page": self._pages, "x_search": self._x_search,
                   "tweet_drop": self._tweet_drop, "corpus": self._corpus}[src.type]
        try:
            handler(src, batch)
        except Exception:  # one broken source must not stop the others
            metrics.FETCH_ERRORS.labels("source_failed").inc()
            log.exception("source %s: poll failed", src.name)
        batch.records = self._fresh(batch.records, src.name)
        return batch

    # -- shared -------------------------------------------------------------------------------------------------------
    def _fresh(self, records: list[dict[str, Any]], source: str) -> list[dict[str, Any]]:
        """Valid records that are new or changed since last published (the last copy wins within a batch)."""
        by_id: dict[str, dict[str, Any]] = {}
        for record in records:
            topic = RAW_TOPIC_BY_KIND.get(record.get("kind"))  # type: ignore[arg-type]
            try:
                if topic is None:
                    raise InvalidMessage("schema", f"kind {record.get('kind')!r}")
                schemas.check(topic.schema_name, record)
            except InvalidMessage as exc:
                _error("invalid_record", "source %s: dropping record %s: %s", source, record.get("id"), exc.detail)
                continue
            by_id[record["id"]] = record
        return [r for r in by_id.values() if self.state.is_new_or_changed(r["id"], content_hash(r))]

    def _save_validators_later(self, batch: Batch, key: str, response: Response) -> None:
        etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
        batch.on_delivered.append(partial(self.state.save_validators, key, etag, modified))

    # -- feeds and pages ----------------------------------------------------------------------------------------------
    def _feed(self, src: SourceConfig, batch: Batch) -> None:
        assert src.url
        key = canonicalize(src.url)
        etag, modified = self.state.validators(key)
        try:
            response = self.http.get(src.url, etag=etag, last_modified=modified, accept=FEED_ACCEPT)
        except FetchError as exc:
            log.warning("source %s: feed not fetched: %s", src.name, exc)
            return
        if response.not_modified:
            log.debug("source %s: feed unchanged (304)", src.name)
            return
        if response.status != 200:
            _error("http_status", "source %s: feed %s answered HTTP %d", src.name, src.url, response.status)
            return
        feed = parse_feed(response.body, response.url, response.content_type)
        if feed.problem:
            _error("feed_malformed", "source %s: malformed feed %s (%s); %d entries salvaged", src.name, src.url,
                   feed.problem, len(feed.entries))
            if not feed.entries:
                return  # validators not saved: the next poll fetches it in full again
        source_name = src.source or feed.title or host_of(src.url)
        entries = feed.entries[: src.max_entries]
        if src.content == "feed":
            for entry in entries:
                text = html_to_text(entry.content_html or entry.summary_html or "", drop_boilerplate=False)
                record = article_record(entry.link, source_name, now_iso(), entry=entry, fallback_text=text)
                if record:
                    record["extraction"] = "feed"
                    batch.records.append(record)
        else:
            todo: dict[str, FeedEntry] = {}  # one fetch per document, however many links lead to it
            for e in entries:
                doc_id = url_id("article", e.link)
                if doc_id not in todo and (src.refetch_seen or self.state.seen_hash(doc_id) is None):
                    todo[doc_id] = e
            results = self.pages.map(lambda e: self._article(src, source_name, e.link, e, batch), todo.values())
            batch.records.extend(r for r in results if r is not None)
        if batch.incomplete:
            log.info("source %s: some entries failed for now; the feed will be fetched in full next time", src.name)
        else:
            self._save_validators_later(batch, key, response)

    def _pages(self, src: SourceConfig, batch: Batch) -> None:
        source_name = src.source or src.name
        results = self.pages.map(lambda u: self._article(src, source_name, u, None, batch), src.urls)
        batch.records.extend(r for r in results if r is not None)

    def _article(self, src: SourceConfig, source_name: str, url: str, entry: FeedEntry | None,
                 batch: Batch) -> dict[str, Any] | None:
        key = canonicalize(url)
        etag, modified = self.state.validators(key)
        try:
            response = self.http.get(url, etag=etag, last_modified=modified, accept=HTML_ACCEPT)
        except FetchError as exc:
            log.warning("source %s: article not fetched: %s", src.name, exc)
            batch.incomplete |= exc.kind in TRANSIENT_ERRORS
            return None
        if response.not_modified:
            return None
        if response.status != 200:
            _error("http_status", "source %s: %s answered HTTP %d", src.name, url, response.status)
            batch.incomplete |= response.status in RETRYABLE_STATUS
            return None
        mime = response.content_type.split(";", 1)[0].strip().lower()
        if mime not in HTML_TYPES:
            _error("content_type", "source %s: %s is %s, not an HTML page", src.name, url, mime)
            return None
        html = response.decoded().text
        extracted = extract_article(html, response.url)
        fetched = now_iso()
        if extracted is None:
            metrics.FETCH_EXTRACTION_FAILURES.labels(host_of(url)).inc()
            from_feed = entry and (entry.content_html or entry.summary_html)
            fallback = html_to_text(from_feed or html, drop_boilerplate=not from_feed)
            log.warning("source %s: extraction failed for %s; using the %s as text", src.name, url,
                        "feed entry" if from_feed else "page with tags stripped")
            record = article_record(url, source_name, fetched, entry=entry, fallback_text=fallback,
                                    last_modified=response.headers.get("last-modified"))
            if record and not record.get("title"):
                record["title"] = page_title(html)
        else:
            record = article_record(url, source_name, fetched, extracted=extracted, entry=entry,
                                    last_modified=response.headers.get("last-modified"))
        if record is None:
            _error("empty_document", "source %s: no text at %s", src.name, url)
            return None
        self._save_validators_later(batch, key, response)
        return record

    # -- X API --------------------------------------------------------------------------------------------------------
    def _x_search(self, src: SourceConfig, batch: Batch) -> None:
        assert src.query
        token = self.env.get(src.bearer_token_env, "")
        if not token:
            _error("config", "source %s: environment variable %s holds no bearer token; skipping", src.name,
                   src.bearer_token_env)
            return
        since = self.state.cursor(src.name)
        newest: str | None = None
        next_token: str | None = None
        complete = False
        for _ in range(src.max_pages):
            url = search_url(src.api_base, src.query, since, next_token, src.max_results)
            try:
                response = self.http.get(url, headers={"Authorization": f"Bearer {token}"}, check_robots=False,
                                         accept="application/json")
            except FetchError as exc:
                log.warning("source %s: X API request failed: %s", src.name, exc.kind)
                break
            if response.status in (401, 403):
                _error("x_auth", "source %s: X API refused the bearer token (HTTP %d)", src.name, response.status)
                break
            if response.status != 200:
                _error("http_status", "source %s: X API answered HTTP %d", src.name, response.status)
                break
            try:
                page = parse_search_page(orjson.loads(response.body), src.source or "twitter", now_iso(),
                                         src.include_retweets)
            except (orjson.JSONDecodeError, ValueError) as exc:
                _error("x_malformed", "source %s: unreadable X API response: %s", src.name, exc)
                break
            for problem in page.errors:
                log.info("source %s: X API partial error: %s", src.name, problem)
            batch.records.extend(page.records)
            newest = newer_id(newest, page.newest_id)
            next_token = page.next_token
            if not next_token:
                complete = True
                break
        else:
            log.info("source %s: more than %d pages of results; older ones skipped", src.name, src.max_pages)
            complete = True
        if complete and newest and newest != since:
            batch.on_delivered.append(partial(self.state.save_cursor, src.name, newest))

    # -- files --------------------------------------------------------------------------------------------------------
    def _tweet_drop(self, src: SourceConfig, batch: Batch) -> None:
        assert src.path
        folder = Path(src.path)
        if not folder.is_dir():
            _error("drop_folder", "source %s: drop folder %s does not exist", src.name, folder)
            return
        for path in sorted(folder.glob("*.jsonl")):
            try:
                if time.time() - path.stat().st_mtime < src.min_file_age_seconds:
                    continue  # still being written; writers should write elsewhere and rename into the folder
                data = path.read_bytes()
            except OSError as exc:
                _error("drop_folder", "source %s: cannot read %s: %s", src.name, path, exc)
                continue
            digest = hashlib.sha256(data).hexdigest()
            if self.state.file_processed(str(path), digest):
                continue
            records = 0
            for n, line in enumerate(data.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    record = orjson.loads(line)
                    if not isinstance(record, dict):
                        raise ValueError("not a JSON object")
                except ValueError as exc:
                    _error("invalid_record", "source %s: %s:%d: not a JSON object (%s)", src.name, path, n, exc)
                    continue
                batch.records.append(record)
                records += 1
            batch.on_delivered.append(partial(self.state.mark_file_processed, str(path), digest, records))

    def _corpus(self, src: SourceConfig, batch: Batch) -> None:
        assert src.path
        try:
            for record in read_corpus(src.path):
                batch.records.append(record)
        except CorpusError as exc:
            _error("invalid_record", "source %s: corpus stopped at a bad record: %s", src.name, exc)

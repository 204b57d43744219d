"""A real HTTP server on 127.0.0.1 for the fetcher's tests: a news site built from the seed documents (RSS feed,
article pages with navigation, comments and footer, robots.txt), an X API v2 search/recent look-alike, and
misbehaving endpoints (slow, 429 with Retry-After, 500 then OK, oversized body, charset only in <meta>, malformed feed).

Every request is recorded (path, headers, time, status) so tests can assert what the fetcher did and did not fetch.
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
BEARER = "test-bearer-token"
COMMENT_MARKER = "READER-COMMENT-do-not-extract"
NAV_MARKER = "NAVIGATION-do-not-extract"
ARABIC = "قصفت الطائرات مواقع في ريف دير الزور الشرقي صباح اليوم وأفادت مصادر محلية بسقوط قتلى وجرحى بين المدنيين."
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)


@dataclass
class Hit:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    at: float
    status: int = 0


@dataclass
class Article:
    slug: str
    title: str
    published: str
    outlet: str
    paragraphs: list[str]


def seed_articles() -> list[Article]:
    out = []
    for line in (SEEDS / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = orjson.loads(line)
        text = (SEEDS / entry["file"]).read_text(encoding="utf-8")
        paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
        out.append(Article(entry["id"], entry.get("title") or entry["id"], entry["published_at"],
                           entry.get("outlet") or "unknown", paragraphs))
    return out


def article_html(a: Article, charset_meta: str = "utf-8") -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in a.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset_meta}"><title>{html.escape(a.title)} | {html.escape(a.outlet)}</title>
<meta name="author" content="Staff Reporter"><meta property="article:published_time" content="{a.published}">
<script>var tracking = {{"page": "article"}};</script></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li>{NAV_MARKER}</li></ul></nav>
<main><article>
<h1>{html.escape(a.title)}</h1>
<div class="byline">By Staff Reporter · {a.published}</div>
<div class="article-body">
{body}
</div></article>
<section id="comments" class="comments"><h3>3 comments</h3>
<div class="comment"><p class="comment-author">reader42</p><p>{COMMENT_MARKER} Great reporting, thanks.</p></div>
</section></main>
<footer><p>© News Site. All rights reserved. <a href="/privacy">Privacy</a></p></footer>
</body></html>"""


def rss(base: str, items: list[tuple[str, Article]]) -> str:
    parts = []
    for link, a in items:
        parts.append(f"""<item><title>{html.escape(a.title)}</title><link>{html.escape(link)}</link>
<guid>{html.escape(link)}</guid><pubDate>{formatdate(_epoch(a.published), usegmt=True)}</pubDate>
<description>{html.escape(a.paragraphs[0][:200])}</description></item>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Seed News</title><link>{base}/</link><description>test feed</description>
{"".join(parts)}
</channel></rss>"""


def _epoch(day: str) -> float:
    return time.mktime(time.strptime(day[:10], "%Y-%m-%d")) + 10 * 3600


TWEETS_PAGE_1 = {
    "data": [
        {"id": "1790000000000000003", "text": "Shelling reported near Kharkiv this morning, two injured.",
         "author_id": "11", "created_at": "2024-05-13T08:15:00.000Z", "lang": "en",
         "conversation_id": "1790000000000000001",
         "referenced_tweets": [{"type": "replied_to", "id": "1790000000000000001"}]},
        {"id": "1790000000000000002", "text": "RT @someone: old news", "author_id": "12",
         "created_at": "2024-05-13T08:10:00.000Z", "referenced_tweets": [{"type": "retweeted", "id": "17"}]},
    ],
    "includes": {"users": [{"id": "11", "username": "LocalReporter", "name": "Local Reporter"},
                           {"id": "12", "username": "Aggregator", "name": "Aggregator"}]},
    "meta": {"newest_id": "1790000000000000003", "oldest_id": "1790000000000000002", "result_count": 2,
             "next_token": "page2"},
}
TWEETS_PAGE_2 = {
    "data": [{"id": "1790000000000000001", "text": "Air raid sirens across the oblast. Stay in shelters.",
              "author_id": "13", "created_at": "2024-05-13T08:00:00.000Z", "lang": "en"}],
    "includes": {"users": [{"id": "13", "username": "OblastAdmin", "name": "Oblast Administration"}]},
    "meta": {"newest_id": "1790000000000000001", "oldest_id": "1790000000000000001", "result_count": 1},
}


@dataclass
class FakeSources:
    retry_after_seconds: int = 2
    slow_seconds: float = 3.0
    big_bytes: int = 3_000_000
    hits: list[Hit] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.articles = seed_articles()
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                hit = Hit(parts.path, parse_qs(parts.query), {k.lower(): v for k, v in self.headers.items()},
                          time.monotonic())
                with server._lock:
                    server.hits.append(hit)
                    server._counts[parts.path] = server._counts.get(parts.path, 0) + 1
                    nth = server._counts[parts.path]
                try:
                    status, headers, body = server.route(parts.path, hit, nth)
                    hit.status = status
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    if isinstance(body, bytes):
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                    else:  # a generator: streamed without Content-Length (HTTP/1.0: the close ends it)
                        self.end_headers()
                        for chunk in body:
                            self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the fetcher hung up (body cap, timeout): exactly what some tests want

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeSources:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def requests_to(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path]

    # -- routes -------------------------------------------------------------------------------------------------------
    def route(self, path: str, hit: Hit, nth: int) -> tuple[int, dict[str, str], Any]:
        html_type = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"
        if path == "/feed.xml":
            return self._conditional(hit, '"feed-v1"', {"Content-Type": "application/rss+xml"}, self._feed().encode())
        if path.startswith("/articles/"):
            slug = path.removeprefix("/articles/").removesuffix(".html")
            article = next((a for a in self.articles if a.slug == slug), None)
            if article is None:
                return 404, html_type, b"not found"
            return self._conditional(hit, f'"{slug}"', html_type, article_html(article).encode())
        if path == "/private/hidden.html":
            return 200, html_type, article_html(self.articles[0]).encode()
        if path == "/flaky/429.html":
            if nth == 1:
                return 429, {"Retry-After": str(self.retry_after_seconds), "Content-Type": "text/plain"}, b"slow down"
            return 200, html_type, article_html(self._variant(1, "Rate limited page")).encode()
        if path == "/flaky/500.html":
            if nth == 1:
                return 500, {"Content-Type": "text/plain"}, b"oops"
            return 200, html_type, article_html(self._variant(2, "Flaky server page")).encode()
        if path == "/cp1256.html":
            page = Article("cp1256", "تقرير ميداني", "2024-05-13", "Arabic Desk",
                           [ARABIC, ARABIC[:60] + " ثم هدأ القصف."])
            body = article_html(page, charset_meta="windows-1256").replace('lang="en"', 'lang="ar"')
            return 200, {"Content-Type": "text/html"}, body.encode("cp1256")
        if path == "/big.html":
            return 200, {"Content-Type": "text/html"}, self._big()
        if path == "/slow.html":
            time.sleep(self.slow_seconds)
            return 200, html_type, article_html(self.articles[0]).encode()
        if path == "/redirect-metadata":
            return 302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""
        if path == "/broken.xml":
            return 200, {"Content-Type": "application/rss+xml"}, b"<rss><channel><title>Broken</ti <item><<<"
        if path == "/2/tweets/search/recent":
            return self._tweets(hit)
        return 404, html_type, b"not found"

    def _conditional(self, hit: Hit, etag: str, headers: dict[str, str],
                     body: bytes) -> tuple[int, dict[str, str], Any]:
        validators = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        if hit.headers.get("if-none-match") == etag:
            return 304, validators, b""
        return 200, {**headers, **validators}, body

    def _feed(self) -> str:
        items = [(f"{self.base}/articles/{a.slug}.html", a) for a in self.articles]
        first = items[0]
        # the same article again, with tracking parameters and a fragment: one document, not two
        items.append((f"{self.base}/articles/{first[1].slug}.html?utm_source=rss&utm_medium=feed#top", first[1]))
        items.append((f"{self.base}/private/hidden.html", self.articles[0]))
        return rss(self.base, items)

    def _variant(self, n: int, title: str) -> Article:
        a = self.articles[n % len(self.articles)]
        return Article(f"variant-{n}", title, a.published, a.outlet, a.paragraphs)

    def _big(self) -> Any:
        chunk = b"<p>" + b"x" * 65_000 + b"</p>\n"
        sent = 0
        yield b"<html><body>"
        while sent < self.big_bytes:
            yield chunk
            sent += len(chunk)
        yield b"</body></html>"

    def _tweets(self, hit: Hit) -> tuple[int, dict[str, str], Any]:
        json_type = {"Content-Type": "application/json"}
        if hit.headers.get("authorization") != f"Bearer {BEARER}":
            return 401, json_type, b'{"title": "Unauthorized", "status": 401}'
        since = hit.query.get("since_id", [None])[0]
        token = hit.query.get("next_token", [None])[0]
        if since and int(since) >= int(TWEETS_PAGE_1["meta"]["newest_id"]):  # type: ignore[index]
            return 200, json_type, orjson.dumps({"meta": {"result_count": 0}})
        return 200, json_type, orjson.dumps(TWEETS_PAGE_2 if token == "page2" else TWEETS_PAGE_1)

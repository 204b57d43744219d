"""`sitrep api` — a small read-only HTTP API over stored events (stdlib http.server; bound to 127.0.0.1 unless told),
and the analyst's page on top of it (sitrep.web).

GET /events, /events.geojson, /events.csv (the `sitrep events` filters as query parameters), /events/{id} (latest,
every version, what changed in each), /documents/{id}, /timeline, /changes (what was stored since a cursor: the
page's live updates), /subscriptions, /alerts, /healthz, /openapi.json; the page at / with its files under /static/.
The database is opened read-only: this process cannot change what it serves. Beyond loopback it demands a token
($SITREP_API_TOKEN; see sitrep.web.security).
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import orjson

from sitrep import schemas
from sitrep.alerter.subscriptions import Subscription, SubscriptionError, load_subscriptions
from sitrep.consumer_loop import StopFlag
from sitrep.paths import project_root
from sitrep.storage.backends import default_database_url, open_store, redact
from sitrep.storage.formats import to_csv
from sitrep.storage.openapi import document
from sitrep.storage.query import MAX_LIMIT, parse_query
from sitrep.storage.sql_store import SqlStore
from sitrep.web import alerts, reads, security
from sitrep.web.assets import asset
from sitrep.web.evidence import place_evidence
from sitrep.web.geojson import rows_to_geojson
from sitrep.web.history import version_changes

log = logging.getLogger(__name__)
DEFAULT_PORT = 9405
DEFAULT_POLL_SECONDS = 2.0


@dataclass(frozen=True)
class Reply:
    status: int
    ctype: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Context:
    """What the routes read: the store (one query at a time, under ``lock``), the subscriptions, the page's settings."""

    store: SqlStore
    lock: threading.Lock = field(default_factory=threading.Lock)
    subscriptions: list[Subscription] = field(default_factory=list)
    tile_url: str | None = None
    poll_seconds: float = DEFAULT_POLL_SECONDS


def _json(status: int, body: Any, ctype: str = "application/json") -> Reply:
    return Reply(status, ctype, orjson.dumps(body))


def _not_found(what: str) -> Reply:
    return _json(404, {"error": what})


def _events(ctx: Context, path: str, params: dict[str, list[str]]) -> Reply:
    query = parse_query(params)
    if path == "/events.geojson":  # the page's load: from the columns, without decoding 10,000 JSON records
        with ctx.lock:
            rows = reads.flat_rows(ctx.store, query)
        return _json(200, rows_to_geojson(rows), "application/geo+json")
    with ctx.lock:
        records = ctx.store.query_events(query)
    if path == "/events.csv":
        return Reply(
            200,
            "text/csv; charset=utf-8",
            to_csv(records).encode(),
            {"Content-Disposition": 'attachment; filename="sitrep-events.csv"'},
        )
    return _json(200, {"count": len(records), "events": records})


def _one_event(ctx: Context, event_id: str) -> Reply:
    with ctx.lock:
        latest, versions = ctx.store.event(event_id), ctx.store.event_versions(event_id)
        docs = reads.source_documents(ctx.store, latest) if latest is not None else []
    if latest is None:
        return _not_found(f"no event {event_id!r}")
    return _json(
        200,
        {
            "event": latest,
            "versions": versions,
            "changes": version_changes(versions),
            "evidence": place_evidence(latest.get("evidence") or [], docs, list(latest.get("source_doc_ids") or [])),
        },
    )


def _document(ctx: Context, doc_id: str) -> Reply:
    with ctx.lock:
        doc = reads.document(ctx.store, doc_id)
    return _json(200, doc) if doc is not None else _not_found(f"no document {doc_id!r}")


def _timeline(ctx: Context, params: dict[str, list[str]]) -> Reply:
    query = parse_query(params)
    with ctx.lock:
        days = reads.timeline(ctx.store, query)
    return _json(200, {"days": days})


def _changes(ctx: Context, params: dict[str, list[str]]) -> Reply:
    query = parse_query(params)
    with ctx.lock:
        found = reads.changes(ctx.store, query)
    return _json(200, found)


def _alerts(ctx: Context, params: dict[str, list[str]]) -> Reply:
    sub = next((v for v in params.get("subscription", []) if v), None)
    limit_text = (params.get("limit") or ["100"])[0]
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    if sub is not None and sub not in {s.name for s in ctx.subscriptions}:
        return _not_found(f"no subscription {sub!r}")
    with ctx.lock:
        versions = alerts.stored_versions(ctx.store)
    raised = alerts.replay_alerts(versions, ctx.subscriptions)
    return _json(
        200,
        {
            "subscriptions": alerts.subscription_views(ctx.subscriptions, raised),
            "alerts": alerts.recent(raised, sub, int(limit_text)),
        },
    )


def _config(ctx: Context) -> Reply:
    props = schemas.load_schema("events")["properties"]
    return _json(
        200,
        {
            "tile_url": ctx.tile_url,
            "poll_seconds": ctx.poll_seconds,
            "max_limit": MAX_LIMIT,
            "event_types": props["event_type"]["enum"],
            "sub_event_types": props["sub_event_type"]["enum"],
        },
    )


def _static(name: str) -> Reply:
    found = asset(name)
    if found is None:
        return _not_found("no such file")
    return Reply(200, found[0], found[1], {"Cache-Control": "no-cache"})


def route(ctx: Context, target: str) -> Reply:
    """One GET request target -> the reply. Pure apart from reading the store."""
    parts = urlsplit(target)
    path, params = parts.path.rstrip("/") or "/", parse_qs(parts.query, keep_blank_values=True)
    params.pop("token", None)  # the token was checked before routing; it is no filter
    simple: dict[str, Callable[[], Reply]] = {
        "/": lambda: _static("index.html"),
        "/healthz": lambda: _health(ctx),
        "/openapi.json": lambda: _json(200, document()),
        "/config.json": lambda: _config(ctx),
        "/timeline": lambda: _timeline(ctx, params),
        "/changes": lambda: _changes(ctx, params),
        "/alerts": lambda: _alerts(ctx, params),
        "/subscriptions": lambda: _alerts(ctx, {"limit": ["1"]}),
    }
    try:
        if path in simple:
            return simple[path]()
        if path in ("/events", "/events.geojson", "/events.csv"):
            return _events(ctx, path, params)
    except ValueError as exc:
        return _json(400, {"error": str(exc)})
    for prefix, handler in (("/events/", _one_event), ("/documents/", _document)):
        if path.startswith(prefix):
            return handler(ctx, unquote(path.removeprefix(prefix)))
    if path.startswith("/static/"):
        return _static(path.removeprefix("/static/"))
    return _not_found("not found")


def _health(ctx: Context) -> Reply:
    with ctx.lock:
        ok = ctx.store.ping()
    return Reply(200, "text/plain", b"ok\n") if ok else Reply(503, "text/plain", b"database unavailable\n")


def _make_handler(ctx: Context, token: str | None) -> type[BaseHTTPRequestHandler]:
    headers_for_all = security.security_headers(security.tile_origin(ctx.tile_url))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            target = self.path
            # /healthz answers without the token: orchestrators' probes carry none, and it tells nothing
            open_path = urlsplit(target).path == "/healthz"
            if not open_path and not security.allowed(
                token, security.presented({k.lower(): v for k, v in self.headers.items()}, target)
            ):
                self._send(
                    Reply(401, "application/json", b'{"error":"token required"}', {"WWW-Authenticate": "Bearer"})
                )
                return
            if token is not None and security.without_token(target) != target:
                # the browser's first visit with ?token=: keep it in a cookie, show a URL without it
                self._send(
                    Reply(
                        303,
                        "text/plain",
                        b"",
                        {
                            "Location": security.without_token(target),
                            "Set-Cookie": f"{security.COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/",
                        },
                    )
                )
                return
            try:
                reply = route(ctx, target)
            except Exception:
                log.exception("request %s failed", security.redact_line(target))
                reply = _json(500, {"error": "internal error"})
            self._send(reply)

        def _refuse(self) -> None:
            self._send(Reply(405, "application/json", b'{"error":"read-only API: GET only"}', {"Allow": "GET"}))

        do_POST = do_PUT = do_PATCH = do_DELETE = _refuse  # noqa: N815

        def _send(self, reply: Reply) -> None:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.ctype)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in {**headers_for_all, **reply.headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            # the request line may carry ?token=: blank it before it reaches any handler
            log.debug("%s %s", self.client_address[0], security.redact_line(format % args))

    return Handler


class ApiServer:
    def __init__(
        self,
        store: SqlStore,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        *,
        subscriptions: list[Subscription] | None = None,
        tile_url: str | None = None,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
        env: dict[str, str] | None = None,
    ) -> None:
        # one connection shared by the handler threads, one query at a time (neither sqlite3 nor a psycopg
        # connection runs two statements at once); the API is for analysts, not for bulk export
        ctx = Context(store, subscriptions=list(subscriptions or []), tile_url=tile_url, poll_seconds=poll_seconds)
        token = security.required_token(host, dict(os.environ if env is None else env))
        self.server = ThreadingHTTPServer((host, port), _make_handler(ctx, token))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="api", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> ApiServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--database-url", default=None, help="default $SITREP_DATABASE_URL or sqlite:///.sitrep/sitrep.db")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help=f"bind address (default 127.0.0.1: local only; any other needs ${security.TOKEN_ENV})",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p.add_argument(
        "--subscriptions",
        type=Path,
        default=None,
        help="alert subscriptions shown on the page (default $SITREP_SUBSCRIPTIONS, else "
        "deploy/subscriptions.yaml, else deploy/subscriptions.example.yaml)",
    )
    p.add_argument(
        "--tile-url",
        default=os.environ.get("SITREP_TILE_URL"),
        help="optional map tile URL template, e.g. https://tiles.example.org/{z}/{x}/{y}.png (default "
        "$SITREP_TILE_URL; without one the page draws its offline basemap)",
    )
    p.add_argument(
        "--poll-seconds", type=float, default=DEFAULT_POLL_SECONDS, help="how often the page asks for changes"
    )


def _subscriptions(path: Path | None) -> list[Subscription]:
    """The file given, else $SITREP_SUBSCRIPTIONS, else the alerter's deploy/subscriptions.yaml, else the example
    file `make run` hands the alerter; none found is no subscriptions (the alerts view says so)."""
    env = os.environ.get("SITREP_SUBSCRIPTIONS")
    deploy = project_root() / "deploy"
    candidates = (
        [path]
        if path
        else [Path(env)]
        if env
        else [deploy / "subscriptions.yaml", deploy / "subscriptions.example.yaml"]
    )
    chosen = next((c for c in candidates if c.exists()), None)
    if chosen is None:
        if path:
            raise SystemExit(f"sitrep api: no subscriptions file at {path}")
        if env:  # set for the alerter's pod, perhaps not mounted here: the page shows no subscriptions
            log.warning("no subscriptions file at %s ($SITREP_SUBSCRIPTIONS): the alerts view is empty", env)
        return []
    try:
        return load_subscriptions(chosen)
    except (OSError, SubscriptionError) as exc:
        raise SystemExit(f"sitrep api: subscriptions {chosen}: {exc}") from None


def run(args: argparse.Namespace) -> int:
    url = args.database_url or default_database_url()
    subs = _subscriptions(args.subscriptions)
    store = open_store(url, read_only=True)
    server = ApiServer(
        store, args.host, args.port, subscriptions=subs, tile_url=args.tile_url, poll_seconds=args.poll_seconds
    ).start()
    log.info(
        "events API on %s (database %s); the page at %s/ ; OpenAPI at %s/openapi.json",
        server.url,
        redact(url),
        server.url,
        server.url,
    )
    stop = StopFlag().install()
    try:
        while not stop:
            stop.event.wait(1.0)
    finally:
        server.stop()
        store.close()
    return 0

"""`sitrep api` — a small read-only HTTP API over stored events (stdlib http.server; bound to 127.0.0.1 unless told).

GET /events, /events.geojson (the `sitrep events` filters as query parameters), /events/{id} (latest + every
version), /healthz, /openapi.json. The database is opened read-only: this process cannot change what it serves.
"""

from __future__ import annotations

import argparse
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import orjson

from sitrep.consumer_loop import StopFlag
from sitrep.storage.backends import default_database_url, open_store, redact
from sitrep.storage.formats import to_geojson
from sitrep.storage.openapi import document
from sitrep.storage.query import parse_query
from sitrep.storage.sql_store import SqlStore

log = logging.getLogger(__name__)
DEFAULT_PORT = 9405

Response = tuple[int, str, bytes]


def _json(status: int, body: Any, ctype: str = "application/json") -> Response:
    return status, ctype, orjson.dumps(body)


def route(store: SqlStore, lock: threading.Lock, target: str) -> Response:
    """One GET request target -> (status, content type, body). Pure apart from reading the store."""
    parts = urlsplit(target)
    path, params = parts.path.rstrip("/") or "/", parse_qs(parts.query, keep_blank_values=True)
    if path == "/healthz":
        with lock:
            ok = store.ping()
        return (200, "text/plain", b"ok\n") if ok else (503, "text/plain", b"database unavailable\n")
    if path == "/openapi.json":
        return _json(200, document())
    if path in ("/events", "/events.geojson"):
        try:
            query = parse_query(params)
        except ValueError as exc:
            return _json(400, {"error": str(exc)})
        with lock:
            records = store.query_events(query)
        if path == "/events.geojson":
            return _json(200, to_geojson(records), "application/geo+json")
        return _json(200, {"count": len(records), "events": records})
    if path.startswith("/events/"):
        event_id = unquote(path.removeprefix("/events/"))
        with lock:
            latest, versions = store.event(event_id), store.event_versions(event_id)
        if latest is None:
            return _json(404, {"error": f"no event {event_id!r}"})
        return _json(200, {"event": latest, "versions": versions})
    return _json(404, {"error": "not found"})


class ApiServer:
    def __init__(self, store: SqlStore, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
        # one connection shared by the handler threads, one query at a time (neither sqlite3 nor a psycopg
        # connection runs two statements at once); the API is for analysts, not for bulk export
        lock = threading.Lock()
        handle: Callable[[str], Response] = lambda target: route(store, lock, target)  # noqa: E731

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                try:
                    status, ctype, body = handle(self.path)
                except Exception:
                    log.exception("request %s failed", self.path)
                    status, ctype, body = _json(500, {"error": "internal error"})
                self._send(status, ctype, body)

            def _refuse(self) -> None:
                self._send(405, "application/json", b'{"error":"read-only API: GET only"}', allow="GET")

            do_POST = do_PUT = do_PATCH = do_DELETE = _refuse  # noqa: N815

            def _send(self, status: int, ctype: str, body: bytes, allow: str | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if allow:
                    self.send_header("Allow", allow)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                log.debug("%s " + format, self.client_address[0], *args)

        self.server = ThreadingHTTPServer((host, port), Handler)
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
    p.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1: local only)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT)


def run(args: argparse.Namespace) -> int:
    url = args.database_url or default_database_url()
    store = open_store(url, read_only=True)
    server = ApiServer(store, args.host, args.port).start()
    log.info("events API on %s (database %s); OpenAPI at %s/openapi.json", server.url, redact(url), server.url)
    stop = StopFlag().install()
    try:
        while not stop:
            stop.event.wait(1.0)
    finally:
        server.stop()
        store.close()
    return 0

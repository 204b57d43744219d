"""Each service's HTTP side door: /metrics (Prometheus text format) and /healthz, bound to 127.0.0.1 by default."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

DEFAULT_PORTS = {"fetcher": 9401, "processor": 9402, "storage": 9403, "alerter": 9404, "replay": 0}


class Endpoints:
    def __init__(self, host: str, port: int, health: Callable[[], bool] = lambda: True) -> None:
        health_check = health

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # http.server's naming
                path = self.path.split("?", 1)[0]
                if path == "/metrics":
                    self._send(200, generate_latest(), CONTENT_TYPE_LATEST)
                elif path == "/healthz":
                    ok = health_check()
                    self._send(200 if ok else 503, b"ok\n" if ok else b"unhealthy\n", "text/plain")
                else:
                    self._send(404, b"not found\n", "text/plain")

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence access logs
                return

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="endpoints", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Endpoints:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve(service: str, host: str, port: int, health: Callable[[], bool] = lambda: True) -> Endpoints:
    """Start the endpoints for ``service``; port 0 in settings means the service's default port."""
    return Endpoints(host, port or DEFAULT_PORTS.get(service, 0), health).start()

"""The fetcher's HTTP client (I/O shell): every request goes through the SSRF guard, robots.txt, the per-host
limiter, retries with backoff and Retry-After, a body-size cap, and the FETCH_* metrics.

Redirects are followed here, hop by hop, so that each new URL is checked again (scheme, addresses, robots). The
addresses are checked a second time when the socket is opened (GuardedBackend), so a DNS answer that changes between
the check and the connection (DNS rebinding) cannot slip through.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import httpcore
import httpx

from sitrep import metrics
from sitrep.fetcher.canonical_url import host_of
from sitrep.fetcher.charset import Decoded, decode_body
from sitrep.fetcher.config import HttpConfig
from sitrep.fetcher.politeness import (
    RETRYABLE_STATUS,
    HostLimiter,
    parse_rate_limit_reset,
    parse_retry_after,
    retry_wait,
)
from sitrep.fetcher.robots import RobotsCache, origin
from sitrep.fetcher.ssrf_guard import BlockedURLError, IPNetwork, Resolver, check_host, check_url, system_resolver

log = logging.getLogger(__name__)
REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A fetch that failed for good; ``kind`` is the FETCH_ERRORS label (timeout, network, blocked, robots, ...)."""

    def __init__(self, kind: str, url: str, detail: str) -> None:
        super().__init__(f"{kind}: {url}: {detail}")
        self.kind, self.url, self.detail = kind, url, detail


class _BodyTooLargeError(Exception):
    pass


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def decoded(self) -> Decoded:
        return decode_body(self.body, self.content_type)


class GuardedBackend(httpcore.SyncBackend):
    """Resolves the host itself, checks every address, and connects only to a vetted one."""

    def __init__(self, allow: Sequence[IPNetwork], resolver: Resolver = system_resolver) -> None:
        self.allow, self.resolver = allow, resolver

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        last: Exception | None = None
        for address in check_host(host, port, self.allow, self.resolver):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last = exc
        assert last is not None
        raise last


def guarded_transport(allow: Sequence[IPNetwork], resolver: Resolver = system_resolver) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(retries=0)
    # httpx has no public option for the network backend; the pool attribute is stable across httpx 0.2x
    transport._pool._network_backend = GuardedBackend(allow, resolver)  # type: ignore[attr-defined]
    return transport


class HttpFetcher:
    def __init__(self, config: HttpConfig, *, stop: threading.Event | None = None,
                 transport: httpx.BaseTransport | None = None, resolver: Resolver = system_resolver) -> None:
        self.config = config
        self.allow = config.allow_networks()
        self.resolver = resolver
        self.stop = stop or threading.Event()
        self.limiter = HostLimiter(config.per_host_interval_seconds, config.per_host_concurrency)
        self.robots = RobotsCache(self._fetch_robots, config.robots_agent, config.robots_ttl_seconds)
        # trust_env=False: no proxy from the environment, whose address the guard could not vouch for
        self.client = httpx.Client(
            transport=transport or guarded_transport(self.allow, resolver),
            timeout=httpx.Timeout(config.timeout_seconds),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        self._crawl_delays_seen: set[str] = set()

    def close(self) -> None:
        self.client.close()

    # -- public -----------------------------------------------------------------------------------------------------
    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            headers: dict[str, str] | None = None, check_robots: bool = True, accept: str | None = None) -> Response:
        """The final response after redirects and retries (any status); FetchError when there is none."""
        try:
            return self._get(url, etag, last_modified, headers or {}, check_robots, accept)
        except FetchError as exc:
            metrics.FETCH_ERRORS.labels(exc.kind).inc()
            raise

    def _get(self, url: str, etag: str | None, last_modified: str | None, headers: dict[str, str],
             check_robots: bool, accept: str | None) -> Response:
        request_headers = dict(headers)
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        if accept:
            request_headers["Accept"] = accept
        current = url
        for _hop in range(self.config.max_redirects + 1):
            try:
                check_url(current, self.allow, self.resolver)
            except BlockedURLError as exc:
                raise FetchError("blocked", current, exc.detail) from None
            if check_robots:
                self._check_robots(current)
            response = self._with_retries(current, request_headers)
            if response.status in REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise FetchError("redirect", current, f"{response.status} without Location")
                target = urljoin(current, location)
                if origin(target) != origin(current):  # credentials are for the host they were meant for
                    request_headers = {k: v for k, v in request_headers.items()
                                       if k.lower() not in ("authorization", "cookie")}
                current = target
                continue
            return response
        raise FetchError("redirect", url, f"more than {self.config.max_redirects} redirects")

    # -- robots -----------------------------------------------------------------------------------------------------
    def _fetch_robots(self, url: str) -> tuple[int | None, str]:
        try:
            response = self._get(url, None, None, {}, check_robots=False, accept="text/plain")
        except FetchError as exc:
            log.warning("robots.txt unavailable at %s (%s): treating the site as disallowed for now", url, exc.kind)
            return None, ""
        return response.status, response.decoded().text

    def _check_robots(self, url: str) -> None:
        host = host_of(url)
        if not self.robots.allowed(url):
            metrics.FETCH_ROBOTS_REFUSED.labels(host).inc()
            raise FetchError("robots", url, "disallowed by robots.txt")
        if host not in self._crawl_delays_seen:
            self._crawl_delays_seen.add(host)
            delay = self.robots.crawl_delay(url)
            if delay:
                self.limiter.set_interval(host, min(delay, self.config.max_crawl_delay_seconds))

    # -- one URL, with retries --------------------------------------------------------------------------------------
    def _with_retries(self, url: str, headers: dict[str, str]) -> Response:
        host = host_of(url)
        cfg = self.config
        attempt = 0
        while True:
            waiting = self.limiter.deferred_for(host)
            if waiting > cfg.retry_after_max_seconds:
                raise FetchError("deferred", url, f"host asked us to wait {waiting:.0f}s more")
            failure: FetchError | None = None
            response: Response | None = None
            try:
                with self.limiter.slot(host):
                    response = self._once(url, host, headers)
            except httpx.TimeoutException as exc:
                failure = FetchError("timeout", url, type(exc).__name__)
                metrics.FETCH_REQUESTS.labels(host, "timeout").inc()
            except BlockedURLError as exc:  # from GuardedBackend: the address changed since check_url
                raise FetchError("blocked", url, exc.detail) from None
            except _BodyTooLargeError as exc:
                raise FetchError("too_large", url, str(exc)) from None
            except httpx.TransportError as exc:
                failure = FetchError("network", url, f"{type(exc).__name__}: {exc}")
                metrics.FETCH_REQUESTS.labels(host, "error").inc()
            retry_after: float | None = None
            if response is not None:
                if response.status not in RETRYABLE_STATUS:
                    return response
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                if retry_after is None and response.status == 429:
                    retry_after = parse_rate_limit_reset(response.headers.get("x-rate-limit-reset"))
                if retry_after is not None:
                    # every request to this host waits, not just this one
                    self.limiter.defer(host, min(retry_after, cfg.retry_after_max_seconds * 10))
                    if retry_after > cfg.retry_after_max_seconds:
                        raise FetchError("deferred", url, f"Retry-After {retry_after:.0f}s is over the cap")
            if attempt >= cfg.max_retries:
                if response is not None:
                    return response  # the caller sees the final status
                assert failure is not None
                raise failure
            wait = retry_wait(attempt, retry_after, cfg.backoff_base_seconds, cfg.backoff_max_seconds)
            log.info("retrying %s in %.2fs (attempt %d: %s)", url, wait, attempt + 1,
                     response.status if response is not None else failure)
            if self.stop.wait(wait):
                raise FetchError("stopped", url, "shutting down")
            attempt += 1

    def _once(self, url: str, host: str, headers: dict[str, str]) -> Response:
        cap = self.config.max_body_bytes
        started = time.monotonic()
        try:
            with self.client.stream("GET", url, headers=headers) as r:
                metrics.FETCH_REQUESTS.labels(host, str(r.status_code)).inc()
                if r.status_code == 304:
                    metrics.FETCH_UNCHANGED.labels(host).inc()
                if r.status_code in REDIRECTS or r.status_code == 304 or r.status_code in RETRYABLE_STATUS:
                    return Response(str(r.url), r.status_code, r.headers, b"")
                declared = r.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > cap:
                    raise _BodyTooLargeError(f"Content-Length {declared} over the {cap}-byte cap")
                chunks: list[bytes] = []
                size = 0
                for chunk in r.iter_bytes():  # decompressed bytes: the cap also stops a gzip bomb
                    size += len(chunk)
                    if size > cap:
                        metrics.FETCH_BYTES.labels(host).inc(size)
                        raise _BodyTooLargeError(f"body over the {cap}-byte cap")
                    chunks.append(chunk)
                    if time.monotonic() - started > self.config.total_timeout_seconds:
                        raise httpx.ReadTimeout("whole response took too long")
                metrics.FETCH_BYTES.labels(host).inc(size)
                return Response(str(r.url), r.status_code, r.headers, b"".join(chunks))
        finally:
            metrics.FETCH_SECONDS.labels(host).observe(time.monotonic() - started)

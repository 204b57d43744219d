"""Webhook delivery: POST the alert JSON, signed with HMAC-SHA256 over the exact body bytes, retried with
exponential backoff on network errors, 5xx and 429; a 4xx other than 408/429 is final (retrying cannot fix it).
The caller dead-letters what still fails. Secrets are passed in as bytes and never logged or put in errors.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from sitrep.alerter.subscriptions import Webhook
from sitrep.deadletter import now_iso

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Sitrep-Signature-256"
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


def sign(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(secret: bytes, body: bytes, header: str) -> bool:
    """What a receiver does (and the tests do): constant-time compare of the recomputed signature."""
    return hmac.compare_digest(sign(secret, body), header)


def safe_url(url: str) -> str:
    """The URL without query, fragment or credentials: those can carry tokens, and this goes into logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def backoff(hook: Webhook, attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based): backoff, 2×, 4×, ... capped."""
    return float(min(hook.max_backoff_seconds, hook.backoff_seconds * 2 ** (attempt - 1)))


@dataclass
class Delivery:
    ok: bool
    attempts: int
    status: int | None = None
    error: str | None = None


def deliver(hook: Webhook, body: bytes, *, headers: dict[str, str], secret: bytes | None, client: httpx.Client,
            on_attempt: Callable[[str], None] = lambda result: None,
            sleep: Callable[[float], None] = time.sleep) -> Delivery:
    """POST ``body`` until it is accepted (2xx) or attempts run out. ``on_attempt`` hears "ok", "retry" or "failed"
    per attempt (for the metric)."""
    sent = {"Content-Type": "application/json", "User-Agent": "sitrep-alerter", **headers}
    if secret is not None:
        sent[SIGNATURE_HEADER] = sign(secret, body)
    result = Delivery(ok=False, attempts=0)
    for attempt in range(1, hook.max_attempts + 1):
        result.attempts = attempt
        retry_after: float | None = None
        try:
            response = client.post(hook.url, content=body, headers=sent, timeout=hook.timeout_seconds)
            result.status, result.error = response.status_code, f"HTTP {response.status_code}"
            if 200 <= response.status_code < 300:
                result.ok, result.error = True, None
                on_attempt("ok")
                return result
            if response.status_code not in RETRYABLE_STATUS:
                on_attempt("failed")
                return result
            retry_after = _retry_after(response.headers.get("Retry-After"))
        except httpx.HTTPError as exc:
            result.status, result.error = None, f"{type(exc).__name__}"
        if attempt == hook.max_attempts:
            on_attempt("failed")
            break
        on_attempt("retry")
        delay = backoff(hook, attempt)
        if retry_after is not None:
            delay = min(max(delay, retry_after), hook.max_backoff_seconds)
        log.info("webhook %s attempt %d failed (%s); retrying in %.1fs", safe_url(hook.url), attempt, result.error,
                 delay)
        sleep(delay)
    return result


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP-date: fall back to our own backoff


def dead_letter_record(alert: dict[str, Any], body: bytes, hook: Webhook, delivery: Delivery, *,
                       topic: str, partition: int | None, offset: int | None) -> dict[str, Any]:
    """A deadletter-schema record for a delivery that kept failing: the alert body, where it was published, and
    why the webhook refused it. ``origin`` points at the alert on its subscription topic, for a re-drive."""
    return {
        "reason": "webhook_failed",
        "error": f"{delivery.attempts} attempt(s); last: {delivery.error}",
        "origin": {"topic": topic, "partition": partition, "offset": offset},
        "key": alert.get("alert_id"),
        "payload": body.decode("utf-8"),
        "payload_encoding": "utf-8",
        "service": "alerter",
        "failed_at": now_iso(),
        "subscription": alert.get("subscription"),
        "webhook_url": safe_url(hook.url),
        "attempts": delivery.attempts,
        "last_status": delivery.status,
    }

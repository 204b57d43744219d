"""Alert subscriptions, loaded from YAML (deploy/subscriptions.example.yaml). A subscription names the events one
analyst wants to hear about: every filter given must hold (AND), any value within a filter's list may (OR).

Loading is strict: an unknown key is an error (a typo like ``countrys`` must not silently widen a subscription).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sitrep import schemas
from sitrep.storage.geo import BBox, parse_bbox

# Kafka topic names allow [A-Za-z0-9._-]; each subscription gets the topic alerts.<name>
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
FILTER_KEYS = ("sub_event_types", "event_types", "actors", "countries", "near", "bbox", "min_fatalities", "keywords",
               "min_independent_sources")
KEYS = frozenset({"name", "description", "match_all", "webhook", "realert_on_corroboration", *FILTER_KEYS})
WEBHOOK_KEYS = frozenset({"url", "secret_env", "max_attempts", "backoff_seconds", "max_backoff_seconds",
                          "timeout_seconds"})


class SubscriptionError(ValueError):
    pass


@dataclass(frozen=True)
class Near:
    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True)
class Webhook:
    url: str
    secret_env: str | None = None  # the NAME of the env var holding the HMAC secret, never the secret itself
    max_attempts: int = 5
    backoff_seconds: float = 0.5  # first retry after this, doubling each time
    max_backoff_seconds: float = 30.0
    timeout_seconds: float = 10.0


@dataclass(frozen=True)
class Subscription:
    name: str
    description: str = ""
    sub_event_types: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    near: Near | None = None
    bbox: BBox | None = None
    min_fatalities: int | None = None
    keywords: tuple[str, ...] = ()
    match_all: bool = False
    # no alert until this many independent sources report the event (copies of one story count once)
    min_independent_sources: int | None = None
    # alert again whenever the event's count of independent sources rises
    realert_on_corroboration: bool = False
    webhook: Webhook | None = field(default=None, compare=False)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SubscriptionError(f"{where}: expected a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SubscriptionError(f"{where}: expected a number, got {value!r}")
    return float(value)


def _enum(values: tuple[str, ...], schema_key: str, where: str) -> tuple[str, ...]:
    allowed = set(schemas.load_schema("events")["properties"][schema_key]["enum"])
    bad = [v for v in values if v not in allowed]
    if bad:
        raise SubscriptionError(f"{where}: unknown {schema_key} {bad} (see schemas/events.schema.json)")
    return values


def _near(value: Any, where: str) -> Near:
    if not isinstance(value, dict) or set(value) - {"lat", "lon", "radius_km"} or len(value) != 3:
        raise SubscriptionError(f"{where}: expected {{lat, lon, radius_km}}")
    near = Near(_number(value["lat"], f"{where}.lat"), _number(value["lon"], f"{where}.lon"),
                _number(value["radius_km"], f"{where}.radius_km"))
    if not (-90 <= near.lat <= 90 and -180 <= near.lon <= 180) or near.radius_km <= 0:
        raise SubscriptionError(f"{where}: lat/lon out of range or radius_km not positive")
    return near


def _webhook(value: Any, where: str) -> Webhook:
    if not isinstance(value, dict) or "url" not in value:
        raise SubscriptionError(f"{where}: expected a mapping with a url")
    unknown = set(value) - WEBHOOK_KEYS
    if unknown:
        raise SubscriptionError(f"{where}: unknown key(s) {sorted(unknown)}")
    url = value["url"]
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise SubscriptionError(f"{where}.url: expected an http(s) URL")
    secret_env = value.get("secret_env")
    if secret_env is not None and (not isinstance(secret_env, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*",
                                                                                         secret_env)):
        raise SubscriptionError(f"{where}.secret_env: expected an environment variable NAME")
    hook = Webhook(url=url, secret_env=secret_env,
                   max_attempts=int(_number(value.get("max_attempts", 5), f"{where}.max_attempts")),
                   backoff_seconds=_number(value.get("backoff_seconds", 0.5), f"{where}.backoff_seconds"),
                   max_backoff_seconds=_number(value.get("max_backoff_seconds", 30.0), f"{where}.max_backoff_seconds"),
                   timeout_seconds=_number(value.get("timeout_seconds", 10.0), f"{where}.timeout_seconds"))
    if hook.max_attempts < 1 or hook.backoff_seconds < 0 or hook.timeout_seconds <= 0:
        raise SubscriptionError(f"{where}: max_attempts >= 1, backoff_seconds >= 0, timeout_seconds > 0")
    return hook


def _min_count(value: Any, where: str, floor: int) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < floor):
        raise SubscriptionError(f"{where}: expected an integer >= {floor}")
    return value


def _flag(value: Any, where: str) -> bool:
    # strict: "no" or "false" as a string must not quietly switch a flag on
    if not isinstance(value, bool):
        raise SubscriptionError(f"{where}: expected true or false, got {value!r}")
    return value


def parse_subscription(raw: Any, index: int = 0) -> Subscription:
    if not isinstance(raw, dict):
        raise SubscriptionError(f"subscriptions[{index}]: expected a mapping")
    name = raw.get("name")
    where = f"subscription {name!r}" if isinstance(name, str) else f"subscriptions[{index}]"
    if not isinstance(name, str) or not NAME.match(name):
        raise SubscriptionError(f"{where}: name must match {NAME.pattern} (it becomes the topic alerts.<name>)")
    unknown = set(raw) - KEYS
    if unknown:
        raise SubscriptionError(f"{where}: unknown key(s) {sorted(unknown)}; known: {sorted(KEYS)}")
    min_fat = _min_count(raw.get("min_fatalities"), f"{where}.min_fatalities", 0)
    bbox = raw.get("bbox")
    if bbox is not None:
        try:
            bbox = parse_bbox(",".join(str(v) for v in bbox) if isinstance(bbox, list) else str(bbox))
        except ValueError as exc:
            raise SubscriptionError(f"{where}.bbox: {exc}") from None
    sub = Subscription(
        name=name,
        description=str(raw.get("description") or ""),
        sub_event_types=_enum(_strings(raw.get("sub_event_types"), f"{where}.sub_event_types"), "sub_event_type",
                              where),
        event_types=_enum(_strings(raw.get("event_types"), f"{where}.event_types"), "event_type", where),
        actors=_strings(raw.get("actors"), f"{where}.actors"),
        countries=_strings(raw.get("countries"), f"{where}.countries"),
        near=_near(raw["near"], f"{where}.near") if raw.get("near") is not None else None,
        bbox=bbox,
        min_fatalities=min_fat,
        keywords=_strings(raw.get("keywords"), f"{where}.keywords"),
        match_all=bool(raw.get("match_all", False)),
        min_independent_sources=_min_count(raw.get("min_independent_sources"), f"{where}.min_independent_sources", 1),
        realert_on_corroboration=_flag(raw.get("realert_on_corroboration", False),
                                       f"{where}.realert_on_corroboration"),
        webhook=_webhook(raw["webhook"], f"{where}.webhook") if raw.get("webhook") is not None else None,
    )
    if not sub.match_all and not any(raw.get(k) not in (None, [], "") for k in FILTER_KEYS):
        raise SubscriptionError(f"{where}: no filters; say match_all: true to be alerted on every event")
    return sub


def parse_subscriptions(doc: Any) -> list[Subscription]:
    items = doc.get("subscriptions") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise SubscriptionError("expected a top-level `subscriptions:` list")
    subs = [parse_subscription(raw, i) for i, raw in enumerate(items)]
    names = [s.name for s in subs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SubscriptionError(f"duplicate subscription name(s): {dupes}")
    return subs


def load_subscriptions(path: str | Path) -> list[Subscription]:
    return parse_subscriptions(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def webhook_secrets(subs: list[Subscription], env: dict[str, str] | None = None) -> dict[str, bytes]:
    """subscription name -> HMAC secret, read from the named env vars now, so a missing secret stops start-up
    instead of sending unsigned deliveries later."""
    env = dict(os.environ if env is None else env)
    out: dict[str, bytes] = {}
    for sub in subs:
        if sub.webhook and sub.webhook.secret_env:
            secret = env.get(sub.webhook.secret_env, "")
            if not secret:
                raise SubscriptionError(f"subscription {sub.name!r}: env var {sub.webhook.secret_env} "
                                        "(webhook secret) is not set")
            out[sub.name] = secret.encode()
    return out

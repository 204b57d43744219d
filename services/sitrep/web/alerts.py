"""The subscriptions and their recent alerts, for the page. The alerter's alerts live on Kafka topics, which a
read-only API over the store does not read; instead the stored versions are replayed, oldest first, through the
alerter's own pure decision function (alerter.decide.evaluate), which yields the alerts the alerter published for
them: the same rule (a new version alerts only when what matched changes), the same alert ids."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict

import orjson

from sitrep.alerter.decide import Prior, evaluate
from sitrep.alerter.subscriptions import Subscription
from sitrep.storage.sql_store import SqlStore


class SubscriptionView(TypedDict):
    name: str
    description: str
    filters: dict[str, Any]
    alerts: int


class AlertView(TypedDict):
    alert_id: str
    subscription: str
    event_id: str
    version: int
    reason: str
    matched: dict[str, Any]
    stored_at: str
    event_date: str
    sub_event_type: str
    place: str
    country: str
    fatalities: int | None


def _filters(sub: Subscription) -> dict[str, Any]:
    raw = {
        "sub_event_types": list(sub.sub_event_types),
        "event_types": list(sub.event_types),
        "actors": list(sub.actors),
        "countries": list(sub.countries),
        "keywords": list(sub.keywords),
        "near": vars(sub.near) if sub.near else None,
        "bbox": list(sub.bbox) if sub.bbox else None,
        "min_fatalities": sub.min_fatalities,
        "match_all": sub.match_all or None,
    }
    return {k: v for k, v in raw.items() if v not in (None, [])}


def replay_alerts(versions: Iterable[tuple[str, dict[str, Any]]], subs: list[Subscription]) -> list[AlertView]:
    """(stored_at, event version) pairs in storage order -> every alert they raise, in that order."""
    state: dict[tuple[str, str], Prior] = {}
    out: list[AlertView] = []
    for stored_at, event in versions:
        decisions = evaluate(event, subs, lambda sub, eid: state.get((sub, eid)), stored_at)
        for d in decisions:
            state[(d.subscription, d.event_id)] = d.state
            if d.alert is None:
                continue
            loc = event.get("location") or {}
            out.append(
                AlertView(
                    alert_id=d.alert["alert_id"],
                    subscription=d.subscription,
                    event_id=d.event_id,
                    version=d.version,
                    reason=d.alert["reason"],
                    matched=d.alert["matched"],
                    stored_at=stored_at,
                    event_date=event["event_date"],
                    sub_event_type=event["sub_event_type"],
                    place=loc.get("name", ""),
                    country=loc.get("country", ""),
                    fatalities=event.get("fatalities"),
                )
            )
    return out


def stored_versions(store: SqlStore) -> list[tuple[str, dict[str, Any]]]:
    rows = store.execute("SELECT stored_at, record FROM event_versions ORDER BY stored_at, event_id, version")
    return [(str(stored_at), orjson.loads(record)) for stored_at, record in rows.fetchall()]


def subscription_views(subs: list[Subscription], alerts: list[AlertView]) -> list[SubscriptionView]:
    counts: dict[str, int] = {}
    for a in alerts:
        counts[a["subscription"]] = counts.get(a["subscription"], 0) + 1
    return [
        SubscriptionView(name=s.name, description=s.description, filters=_filters(s), alerts=counts.get(s.name, 0))
        for s in subs
    ]


def recent(alerts: list[AlertView], subscription: str | None, limit: int) -> list[AlertView]:
    """Newest first, optionally one subscription's only."""
    chosen = [a for a in alerts if subscription is None or a["subscription"] == subscription]
    return list(reversed(chosen))[:limit]

"""Which subscriptions get an alert for this event version? Pure: the prior state per (subscription, event) is
passed in, the new state comes back.

Rules (per subscription):
- a version not newer than the last one seen for this event is ignored (a replay, or an older version arriving
  late): it can never alert twice nor roll the state back;
- a version that matches with a different fingerprint than the last alert (new casualty figure, newly matched
  keyword, ...) alerts; the same fingerprint only advances the remembered version;
- a version that stops matching is remembered (fingerprint None), so matching again later alerts again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sitrep.alerter.matcher import fingerprint, match
from sitrep.alerter.subscriptions import Subscription


@dataclass(frozen=True)
class Prior:
    version: int
    fingerprint: str | None  # None: the last version seen did not match


@dataclass(frozen=True)
class Decision:
    subscription: str
    event_id: str
    version: int
    fingerprint: str | None
    alert: dict[str, Any] | None  # None: only the state advances

    @property
    def state(self) -> Prior:
        return Prior(self.version, self.fingerprint)


def build_alert(sub: Subscription, event: dict[str, Any], matched: dict[str, Any], prior: Prior | None,
                fp: str, now: str) -> dict[str, Any]:
    if prior is None:
        reason = "new"
    elif prior.fingerprint is None:
        reason = "matches_again"
    else:
        reason = "changed"
    return {
        # one alert per (subscription, event, version): consumers can deduplicate a redelivery on it
        "alert_id": f"{sub.name}:{event['event_id']}:{event['version']}",
        "subscription": sub.name,
        "event_id": event["event_id"],
        "version": event["version"],
        "matched": matched,
        "event": event,
        "alerted_at": now,
        "reason": reason,
        "previous_version": prior.version if prior else None,
        "fingerprint": fp,
    }


def evaluate(event: dict[str, Any], subscriptions: Iterable[Subscription],
             prior: Callable[[str, str], Prior | None], now: str) -> list[Decision]:
    event_id, version = event["event_id"], int(event["version"])
    out: list[Decision] = []
    for sub in subscriptions:
        before = prior(sub.name, event_id)
        if before is not None and version <= before.version:
            continue
        matched = match(sub, event)
        if matched is None:
            if before is not None and before.fingerprint is not None:
                out.append(Decision(sub.name, event_id, version, None, None))
            continue
        fp = fingerprint(matched)
        if before is not None and before.fingerprint == fp:
            out.append(Decision(sub.name, event_id, version, fp, None))
            continue
        out.append(Decision(sub.name, event_id, version, fp, build_alert(sub, event, matched, before, fp, now)))
    return out

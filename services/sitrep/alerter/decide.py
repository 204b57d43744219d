"""Which subscriptions get an alert for this event version? Pure: the prior state per (subscription, event) is
passed in, the new state comes back.

Rules (per subscription):
- a version not newer than the last one seen for this event is ignored (a replay, or an older version arriving
  late): it can never alert twice nor roll the state back;
- a version that matches with a different fingerprint than the last alert (new casualty figure, newly matched
  keyword, ...) alerts; the same fingerprint only advances the remembered version;
- a version that stops matching is remembered (fingerprint None), so matching again later alerts again;
- a subscription with ``min_independent_sources`` does not match (so does not alert) until the event has that many
  independent sources; with ``realert_on_corroboration`` a version whose count of independent sources is higher than
  any alerted or seen before alerts again (reason "corroborated"), while a count that stays or falls does not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sitrep.alerter.matcher import SOURCES_MARK, fingerprint, match, split_fingerprint
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


def _reason(prior: Prior | None, fp: str) -> str:
    if prior is None:
        return "new"
    if prior.fingerprint is None:
        return "matches_again"
    if split_fingerprint(prior.fingerprint)[0] == split_fingerprint(fp)[0]:
        return "corroborated"  # only the count of independent sources changed
    return "changed"


def build_alert(sub: Subscription, event: dict[str, Any], matched: dict[str, Any], prior: Prior | None,
                fp: str, now: str) -> dict[str, Any]:
    reason = _reason(prior, fp)
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


def unchanged(sub: Subscription, before: str, now: str) -> str | None:
    """None when the version with fingerprint ``now`` is news against the one last remembered (``before``);
    otherwise the fingerprint to remember. What matched changed: news. Only the count of independent sources
    changed: news if it rose above the highest count remembered and the subscription asked for it; else the highest
    count stays remembered, so a count that dips and comes back does not alert twice."""
    if before == now:
        return now
    (old_digest, old_count), (new_digest, new_count) = split_fingerprint(before), split_fingerprint(now)
    if old_digest != new_digest:
        return None
    if old_count is None or new_count is None:
        return now  # the subscription started or stopped counting sources: nothing new happened to the event
    if new_count > old_count and sub.realert_on_corroboration:
        return None
    return f"{new_digest}{SOURCES_MARK}{max(old_count, new_count)}"


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
        if before is not None and before.fingerprint is not None:
            quiet = unchanged(sub, before.fingerprint, fp)
            if quiet is not None:
                out.append(Decision(sub.name, event_id, version, quiet, None))
                continue
        out.append(Decision(sub.name, event_id, version, fp, build_alert(sub, event, matched, before, fp, now)))
    return out

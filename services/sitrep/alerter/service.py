"""`sitrep alerter` — match every new or changed event version against the subscriptions; publish each alert to its
subscription's topic (alerts.<name>) and, optionally, POST it to the subscription's webhook.

Per batch (the shared run loop): evaluate -> produce alerts and wait for the broker's acks -> webhooks (failures to
the webhook dead-letter topic) -> save the alert state -> the loop commits offsets. A crash before the state is
saved re-sends that batch's alerts after restart with the same alert_id (at-least-once; receivers dedupe on it).
"""

from __future__ import annotations

import argparse
import logging
import os
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
from kafka import KafkaProducer

from sitrep import metrics
from sitrep.alerter.decide import Decision, Prior, evaluate
from sitrep.alerter.state import AlertState
from sitrep.alerter.subscriptions import Subscription, SubscriptionError, load_subscriptions, webhook_secrets
from sitrep.alerter.webhook import dead_letter_record, deliver
from sitrep.consumer_loop import StopFlag, run_loop
from sitrep.deadletter import EXIT_TOO_MANY_INVALID, TooManyInvalid, now_iso
from sitrep.endpoints import serve
from sitrep.kafka_io import ensure_topics, make_consumer, make_producer
from sitrep.paths import project_root, state_dir
from sitrep.processor.intake import parse_published
from sitrep.settings import Settings
from sitrep.topics import Topic, alert_topic

log = logging.getLogger(__name__)
SERVICE = "alerter"
ACK_TIMEOUT_S = 60.0


class AlerterSink:
    def __init__(self, subscriptions: list[Subscription], state: AlertState, producer: KafkaProducer,
                 settings: Settings, secrets: dict[str, bytes], http: httpx.Client | None = None) -> None:
        self.subs = subscriptions
        self.by_name = {s.name: s for s in subscriptions}
        self.state = state
        self.producer = producer
        self.settings = settings
        self.secrets = secrets
        self.http = http or httpx.Client(follow_redirects=False)
        self.decisions: list[Decision] = []
        self.overlay: dict[tuple[str, str], Prior] = {}  # this batch's decisions, ahead of the saved state

    def _prior(self, subscription: str, event_id: str) -> Prior | None:
        return self.overlay.get((subscription, event_id)) or self.state.get(subscription, event_id)

    def add(self, topic: Topic, record: dict[str, Any]) -> None:
        if topic is not Topic.EVENTS:
            return
        for d in evaluate(record, self.subs, self._prior, now_iso()):
            self.decisions.append(d)
            self.overlay[(d.subscription, d.event_id)] = d.state

    def flush(self) -> None:
        if not self.decisions:
            return
        alerts = [d.alert for d in self.decisions if d.alert is not None]
        published = self._publish(alerts)
        self._webhooks(published)
        self.state.save(self.decisions)  # only now: the alerts are acknowledged by the broker
        self.decisions.clear()
        self.overlay.clear()

    def _publish(self, alerts: list[dict[str, Any]]) -> list[tuple[dict[str, Any], bytes, str, int, int]]:
        sent = []
        for alert in alerts:
            topic = alert_topic(alert["subscription"], self.settings.topic_prefix)
            body = orjson.dumps(alert)
            future = self.producer.send(topic, key=alert["event_id"].encode(), value=body)
            sent.append((alert, body, topic, future))
        self.producer.flush()
        out = []
        for alert, body, topic, future in sent:
            try:
                md = future.get(timeout=ACK_TIMEOUT_S)
            except Exception:
                metrics.PRODUCE_FAILURES.labels(SERVICE, topic).inc()
                raise  # offsets stay uncommitted: the batch is evaluated again after restart
            metrics.MESSAGES_OUT.labels(SERVICE, topic).inc()
            metrics.ALERTS.labels(alert["subscription"]).inc()
            self._observe_age(alert["event"])
            out.append((alert, body, topic, md.partition, md.offset))
        return out

    @staticmethod
    def _observe_age(event: dict[str, Any]) -> None:
        if not event.get("published_at"):
            return
        try:
            age = (datetime.now(UTC) - parse_published(event["published_at"])).total_seconds()
        except Exception:
            return
        metrics.EVENT_AGE.labels("alerted").observe(max(age, 0.0))

    def _webhooks(self, published: list[tuple[dict[str, Any], bytes, str, int, int]]) -> None:
        # one worker per subscription keeps each subscription's deliveries in order while a slow endpoint does not
        # hold up the others
        queues: dict[str, list[tuple[dict[str, Any], bytes, str, int, int]]] = defaultdict(list)
        for item in published:
            if self.by_name[item[0]["subscription"]].webhook is not None:
                queues[item[0]["subscription"]].append(item)
        if not queues:
            return
        with ThreadPoolExecutor(max_workers=min(8, len(queues)), thread_name_prefix="webhook") as pool:
            letters = [letter for batch in pool.map(self._deliver_all, queues.values()) for letter in batch]
        dlq = self.settings.topic(Topic.WEBHOOK_DEAD_LETTERS)
        futures = [self.producer.send(dlq, key=(letter["key"] or "").encode(), value=orjson.dumps(letter))
                   for letter in letters]
        self.producer.flush()
        for future in futures:
            future.get(timeout=ACK_TIMEOUT_S)
            metrics.MESSAGES_OUT.labels(SERVICE, dlq).inc()
            metrics.DEAD_LETTERS.labels(SERVICE, "webhook_failed").inc()

    def _deliver_all(self, items: list[tuple[dict[str, Any], bytes, str, int, int]]) -> list[dict[str, Any]]:
        letters = []
        for alert, body, topic, partition, offset in items:
            sub = self.by_name[alert["subscription"]]
            assert sub.webhook is not None
            def count(result: str, name: str = sub.name) -> None:
                metrics.WEBHOOK_DELIVERIES.labels(name, result).inc()

            result = deliver(sub.webhook, body, client=self.http, secret=self.secrets.get(sub.name),
                             headers={"X-Sitrep-Alert-Id": alert["alert_id"], "X-Sitrep-Subscription": sub.name},
                             on_attempt=count)
            if not result.ok:
                log.warning("webhook for %s gave up on %s: %s", sub.name, alert["alert_id"], result.error)
                letters.append(dead_letter_record(alert, body, sub.webhook, result, topic=topic, partition=partition,
                                                  offset=offset))
        return letters

    def close(self) -> None:
        self.http.close()


def default_subscriptions() -> Path:
    env = os.environ.get("SITREP_SUBSCRIPTIONS")
    return Path(env) if env else project_root() / "deploy" / "subscriptions.yaml"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--subscriptions", type=Path, default=None,
                   help="YAML file; default $SITREP_SUBSCRIPTIONS or deploy/subscriptions.yaml")
    p.add_argument("--state", type=Path, default=None,
                   help="alert state (SQLite); default $SITREP_ALERTER_STATE or $SITREP_HOME/alerter-state.db")


def run(args: argparse.Namespace) -> int:
    path = args.subscriptions or default_subscriptions()
    try:
        subs = load_subscriptions(path)
        secrets = webhook_secrets(subs)
    except (OSError, SubscriptionError) as exc:
        log.error("subscriptions %s: %s", path, exc)
        return 2
    settings = Settings.from_env()
    state_path = args.state or Path(os.environ.get("SITREP_ALERTER_STATE") or state_dir() / "alerter-state.db")
    state = AlertState(state_path)
    events = {settings.topic(Topic.EVENTS): Topic.EVENTS}
    ensure_topics(settings, [*events, settings.topic(Topic.DEAD_LETTERS), settings.topic(Topic.WEBHOOK_DEAD_LETTERS),
                             *(alert_topic(s.name, settings.topic_prefix) for s in subs)])
    endpoints = serve(SERVICE, settings.metrics_host, settings.metrics_port)
    consumer = make_consumer(settings, events, group_id=f"{settings.topic_prefix}sitrep-alerter")
    producer = make_producer(settings)
    sink = AlerterSink(subs, state, producer, settings, secrets)
    stop = StopFlag().install()
    log.info("alerter: %d subscription(s) from %s; metrics at %s/metrics", len(subs), path, endpoints.url)
    try:
        run_loop(service=SERVICE, settings=settings, consumer=consumer, producer=producer, topics=events, sink=sink,
                 stop=stop)
    except TooManyInvalid as exc:  # a broken deploy: stop with the code every service uses for it
        log.critical("%s", exc)
        return EXIT_TOO_MANY_INVALID
    finally:
        producer.flush()
        producer.close()
        consumer.close()
        sink.close()
        state.close()
        endpoints.stop()
    return 0

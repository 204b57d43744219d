"""The broker goes down mid-stream and comes back on the same address with its data: every service's producers and
consumers reconnect on their own, and the database ends exactly as a clean run leaves it.

Its own broker (not the session's): restarting that would disturb every other test.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from sitrep.alerter.subscriptions import load_subscriptions
from sitrep.broker.local_kafka import LocalKafka
from sitrep.replay import publish
from sitrep.settings import Settings
from tests.docgen import generate_corpus
from tests.integration.test_crash_recovery import (
    Stack,
    alerts_by_id,
    assert_same,
    clean_run,
    expected_alert_ids,
    stack_env,
    stored,
    stream_order,
    verdict_count,
    wait_drained,
)
from tests.support import wait_for

pytestmark = pytest.mark.integration

N_DOCS = 800
SEED = 4242
DOWN_SECONDS = 5.0


@pytest.fixture
def own_broker(tmp_path: Path):
    broker = LocalKafka(tmp_path / "kafka", heap="384m")
    yield broker
    broker.stop()


def test_services_ride_through_a_broker_restart(service_env, tmp_path, own_broker, topic_prefix):
    bootstrap = own_broker.start()
    env = stack_env({**service_env, "KAFKA_BOOTSTRAP_SERVERS": bootstrap}, tmp_path)
    records = generate_corpus(N_DOCS, SEED)
    phases = stream_order(records)
    want, made = clean_run(phases)
    subs = load_subscriptions(env["SITREP_SUBSCRIPTIONS"])
    db = Path(env["SITREP_DATABASE_URL"].removeprefix("sqlite:///"))
    tweet_verdicts = len({v[0] for v in clean_run(phases[:1])[0].verdicts})
    total = len({v[0] for v in want.verdicts})
    restart_at = tweet_verdicts + random.Random(SEED).uniform(0.2, 0.6) * (total - tweet_verdicts)

    settings = Settings(bootstrap_servers=bootstrap, topic_prefix=topic_prefix)
    stack = Stack(env, tmp_path / "logs")
    try:
        stack.wait_healthy()
        publish(settings, phases[0])
        wait_for(lambda: verdict_count(db) >= tweet_verdicts, 120, "the tweets through the pipeline")
        publish(settings, phases[1])
        wait_for(lambda: verdict_count(db) >= restart_at, 120, "part of the articles before the restart")
        # hold storage back for a moment so that it likely has a backlog when the broker goes, and commits while the
        # broker is away (the path that used to crash it; test_safety.py covers it deterministically)
        storage = stack.services["storage"].proc
        assert storage is not None
        os.killpg(storage.pid, signal.SIGSTOP)
        time.sleep(3)
        os.killpg(storage.pid, signal.SIGCONT)
        own_broker.stop()
        time.sleep(DOWN_SECONDS)  # long enough for every client to notice and start retrying
        assert own_broker.start(keep_data=True) == bootstrap
        wait_drained(bootstrap, topic_prefix, 150, stack.alive)
        stack.alive()  # nobody gave up while the broker was away
        assert_same(stored(db), want)
        assert alerts_by_id(bootstrap, topic_prefix, subs).keys() == expected_alert_ids(made, subs)
    finally:
        stack.stop()

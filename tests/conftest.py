"""Shared fixtures. ONE broker for the whole session (quix-streams' pattern); each test gets its own topic prefix,
so its topics and consumer groups are its own.

Broker: KAFKA_BOOTSTRAP_SERVERS if set; else a testcontainers Kafka container when a Docker engine answers; else
the local Apache Kafka broker from Maven Central (deploy/kafka).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:  # any failure means "no engine"
        return False


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    explicit = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if explicit:
        yield explicit
        return
    if _docker_answers():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer("apache/kafka:4.1.1").with_kraft() as container:
            yield container.get_bootstrap_server()
        return
    from sitrep.broker.local_kafka import LocalKafka

    broker = LocalKafka(tmp_path_factory.mktemp("kafka"))
    bootstrap = broker.start()
    try:
        yield bootstrap
    finally:
        broker.stop()


@pytest.fixture
def topic_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}."


@pytest.fixture
def service_env(kafka_bootstrap: str, topic_prefix: str, tmp_path: Path) -> dict[str, str]:
    """Environment for a service subprocess bound to this test's broker, topics and files."""
    env = dict(os.environ)
    env.update({
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "SITREP_TOPIC_PREFIX": topic_prefix,
        "SITREP_HOME": str(tmp_path / "home"),
        "SITREP_DATABASE_URL": f"sqlite:///{tmp_path / 'sitrep.db'}",
        "SITREP_LOG_LEVEL": "INFO",
    })
    return env


ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

"""kafka-python producers, consumers and topic creation, configured the one way sitrep wants them."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import KafkaError, KafkaTimeoutError, TopicAlreadyExistsError

from sitrep.errors import KafkaUnreachable
from sitrep.settings import Settings

log = logging.getLogger(__name__)
# how long a process tries to reach the cluster when it starts before it gives up with one clear line
REACH_SECONDS = 15.0
_reached: set[str] = set()  # bootstrap lists this process has reached: ensure_topics need not probe again
T = TypeVar("T")


class _SecretScrubber(logging.Filter):
    """Blanks secrets out of kafka-python's log records: at DEBUG its clients log their whole configuration,
    SASL and SSL-key passwords included."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            if any(secret in message for secret in self.secrets):
                for secret in self.secrets:
                    message = message.replace(secret, "***")
                record.msg, record.args = message, None
        return True


_SCRUBBER = _SecretScrubber()


def _scrub_client_logs(settings: Settings) -> None:
    """Install the scrubber on every kafka-python logger (a logger's filters see the records logged on it; the
    client modules, and so their loggers, exist once ``kafka`` is imported) with this configuration's secrets."""
    _SCRUBBER.secrets.update(str(v) for k, v in settings.security.items() if "password" in k and v)
    if not _SCRUBBER.secrets:
        return
    names = [n for n in logging.Logger.manager.loggerDict if n == "kafka" or n.startswith("kafka.")]
    for name in names:
        logger = logging.getLogger(name)
        if _SCRUBBER not in logger.filters:
            logger.addFilter(_SCRUBBER)


@contextlib.contextmanager
def _quiet_client_logs() -> Iterator[None]:
    """While probing, kafka-python logs every failed attempt (a dozen WARNING and ERROR lines for one wrong address);
    the probe's own failure says it in one line. With -v (INFO on the root logger) the attempts stay visible."""
    kafka_logger = logging.getLogger("kafka")
    if logging.getLogger().getEffectiveLevel() <= logging.INFO:
        yield
        return
    previous = kafka_logger.level
    kafka_logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        kafka_logger.setLevel(previous)


def _unreachable(settings: Settings, seconds: float) -> KafkaUnreachable:
    return KafkaUnreachable(
        f"cannot reach Kafka at {settings.bootstrap_servers} (tried for {seconds:g} s); "
        "check KAFKA_BOOTSTRAP_SERVERS or run `sitrep broker start`"
    )


def _connect(
    factory: Callable[..., T], settings: Settings, config: dict[str, Any], seconds: float = REACH_SECONDS
) -> T:
    """A kafka-python client, which bootstraps in its constructor: one clear error after ``seconds`` instead of its
    own 30 s of logged retries and a traceback."""
    _scrub_client_logs(settings)
    with _quiet_client_logs():
        try:
            client = factory(**config, bootstrap_timeout_ms=int(seconds * 1000))
        except KafkaTimeoutError:
            raise _unreachable(settings, seconds) from None
    _reached.add(settings.bootstrap_servers)
    return client


def wait_for_kafka(settings: Settings, seconds: float = REACH_SECONDS) -> None:
    """Return once the cluster answers (at once if this process has reached it before); else raise
    KafkaUnreachable after ``seconds``."""
    if settings.bootstrap_servers not in _reached:
        _connect(KafkaAdminClient, settings, {**settings.kafka_common(), "client_id": "sitrep-probe"}, seconds).close()


def make_producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """acks=all + idempotence: a retried send is never written twice; keyed sends keep per-key order."""
    config: dict[str, Any] = {
        **settings.kafka_common(),
        "acks": "all",
        "enable_idempotence": True,
        "compression_type": "gzip",
        "linger_ms": 5,
        "retries": 2_147_483_647,
        "delivery_timeout_ms": 120_000,
        "max_request_size": 8 * 1024 * 1024,
        "client_id": "sitrep",
    }
    config.update(overrides)
    return _connect(KafkaProducer, settings, config)


def make_consumer(settings: Settings, topics: Iterable[str], group_id: str | None, **overrides: Any) -> KafkaConsumer:
    """Manual commits only: a service commits after its sink is durable (at-least-once)."""
    config: dict[str, Any] = {
        **settings.kafka_common(),
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "max_poll_records": 500,
        "fetch_max_bytes": 32 * 1024 * 1024,
        "client_id": group_id,
    }
    config.update(overrides)
    consumer = _connect(KafkaConsumer, settings, config)
    if topics := list(topics):  # none: the caller subscribes once it has checked what exists
        consumer.subscribe(topics)
    return consumer


def ensure_topics(settings: Settings, names: Iterable[str], partitions: int | None = None, attempts: int = 20) -> None:
    """Create the topics that do not exist yet (replication 1 on a one-broker cluster is the broker's default)."""
    wanted = sorted(set(names))
    parts = partitions or settings.topic_partitions
    wait_for_kafka(settings)
    for attempt in range(attempts):
        try:
            admin = KafkaAdminClient(**settings.kafka_common(), client_id="sitrep-admin")
        except KafkaError as exc:
            log.warning("admin client not ready (%s), retrying", exc)
            time.sleep(min(2.0, 0.2 * (attempt + 1)))
            continue
        try:
            existing = set(admin.list_topics())
            missing = [NewTopic(n, parts, -1) for n in wanted if n not in existing]
            if missing:
                with contextlib.suppress(TopicAlreadyExistsError):  # another service created it meanwhile
                    admin.create_topics(missing)
            return
        except KafkaError as exc:
            log.warning("creating topics failed (%s), retrying", exc)
            time.sleep(min(2.0, 0.2 * (attempt + 1)))
        finally:
            admin.close()
    raise RuntimeError(f"could not create topics {wanted}")

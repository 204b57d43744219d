"""Safety without a broker: secrets stay out of what gets logged, Kafka security settings reach every client, and
the HTTP side doors listen on loopback unless told otherwise.

Already covered elsewhere (not repeated here): Settings.kafka_common() carrying SASL/SSL and hiding them from repr,
the default metrics host (test_settings.py); the fetcher's private-address guard, including through redirects, and
credentials dropped on a cross-host redirect (test_fetcher_ssrf_guard.py). The services' real logs and /metrics
are grepped for secrets in tests/integration/test_secrets_hygiene.py.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any, ClassVar

import pytest
from kafka.errors import CommitFailedError, KafkaConnectionError, NotCoordinatorError, TopicAuthorizationFailedError

from sitrep import kafka_io
from sitrep.alerter.webhook import safe_url
from sitrep.consumer_loop import StopFlag, commit
from sitrep.endpoints import serve
from sitrep.settings import Settings
from sitrep.storage.backends import open_store, redact

SECRET = "hunter2-s3cr3t"
SECURE_ENV = {
    "KAFKA_BOOTSTRAP_SERVERS": "broker-1:9093,broker-2:9093",
    "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
    "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
    "KAFKA_SASL_USERNAME": "sitrep",
    "KAFKA_SASL_PASSWORD": SECRET,
    "KAFKA_SSL_CAFILE": "/etc/ssl/ca.pem",
}


@pytest.mark.parametrize("url", [
    f"postgresql://sitrep:{SECRET}@db.internal:5432/sitrep",
    f"postgresql://sitrep:{SECRET}@with@at@db.internal/sitrep",  # an unescaped @ inside the password
    f"postgres://:{SECRET}@db/sitrep",
])
def test_database_urls_are_logged_without_their_password(url: str) -> None:
    shown = redact(url)
    assert SECRET not in shown and "db" in shown


def test_a_password_in_the_query_string_is_redacted_too() -> None:
    assert SECRET not in redact(f"postgresql://db.internal/sitrep?user=sitrep&password={SECRET}")


@pytest.mark.parametrize("url", [
    f"https://alerts:{SECRET}@hooks.example.org/sitrep",
    f"https://hooks.example.org/services/T000/B000?token={SECRET}",
    f"https://hooks.example.org/sitrep#{SECRET}",
])
def test_webhook_urls_are_logged_without_credentials_query_or_fragment(url: str) -> None:
    shown = safe_url(url)
    assert SECRET not in shown and shown.startswith("https://hooks.example.org/")


class Captured:
    """Stands in for a kafka-python client: remembers its configuration, connects nowhere."""

    configs: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, *args: Any, **config: Any) -> None:
        Captured.configs.append(config)

    def subscribe(self, topics: list[str]) -> None:
        pass


def test_every_kafka_python_client_gets_the_security_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kafka_io, "KafkaProducer", Captured)
    monkeypatch.setattr(kafka_io, "KafkaConsumer", Captured)
    Captured.configs = []
    settings = Settings.from_env(SECURE_ENV)
    kafka_io.make_producer(settings)
    kafka_io.make_consumer(settings, ["t"], group_id="g")
    assert len(Captured.configs) == 2
    for config in Captured.configs:
        assert config["bootstrap_servers"] == ["broker-1:9093", "broker-2:9093"]
        assert config["security_protocol"] == "SASL_SSL"
        assert config["sasl_mechanism"] == "SCRAM-SHA-512"
        assert (config["sasl_plain_username"], config["sasl_plain_password"]) == ("sitrep", SECRET)
        assert config["ssl_cafile"] == "/etc/ssl/ca.pem"


def test_settings_never_print_the_password() -> None:
    settings = Settings.from_env(SECURE_ENV)
    assert SECRET not in repr(settings) and SECRET not in str(settings)


def test_the_processor_gets_the_security_settings_too() -> None:
    import certifi

    from sitrep.processor.app import build_app

    app = build_app(Settings.from_env(SECURE_ENV | {"KAFKA_SSL_CAFILE": certifi.where()}), web_port=19402)
    credentials: Any = app.conf.broker_credentials  # faust's SASLCredentials; its base type names no fields
    assert credentials is not None and credentials.username == "sitrep" and credentials.password == SECRET
    assert str(credentials.mechanism.value) == "SCRAM-SHA-512" and credentials.ssl_context is not None


def _listening_address(port: int) -> str:
    """The local address a TCP socket listens on at ``port`` (from /proc/net/tcp*)."""
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                if width == 8:
                    return socket.inet_ntoa(bytes.fromhex(addr)[::-1])
                return "ipv6:" + addr
    raise AssertionError(f"nothing listens on {port}")


def test_metrics_endpoints_listen_on_loopback_by_default() -> None:
    settings = Settings.from_env({"KAFKA_BOOTSTRAP_SERVERS": "b:9092"})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    endpoints = serve("storage", settings.metrics_host, port)
    try:
        assert _listening_address(port) == "127.0.0.1"
    finally:
        endpoints.stop()


def test_the_query_api_listens_on_loopback_by_default(tmp_path: Path) -> None:
    from sitrep.storage.api import ApiServer

    store = open_store(f"sqlite:///{tmp_path / 'api.db'}")
    server = ApiServer(store, port=0)
    try:
        assert server.server.server_address[0] == "127.0.0.1"
    finally:
        server.server.server_close()
        store.close()


def test_kafka_client_debug_logs_do_not_carry_the_password(monkeypatch: pytest.MonkeyPatch,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(kafka_io, "KafkaProducer", Captured)
    kafka_io.make_producer(Settings.from_env(SECURE_ENV))
    caplog.set_level(logging.DEBUG)
    # what kafka-python's clients log at DEBUG when they start
    logging.getLogger("kafka.admin.client").debug("Starting KafkaAdminClient with configuration: %s",
                                                  {"sasl_plain_password": SECRET, "client_id": "x"})
    logging.getLogger("kafka.producer.kafka").debug("Starting the Kafka producer with %s", Captured.configs[-1])
    assert caplog.records and all(SECRET not in r.getMessage() for r in caplog.records)
    assert "'sasl_plain_username': 'sitrep'" in caplog.records[-1].getMessage()  # the rest still reads


# -- a broker outage never stops a consumer (consumer_loop.commit) -----------------------------------------------
class FlakyConsumer:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.commits = 0

    def commit(self) -> None:
        self.commits += 1
        if self.failures:
            raise self.failures.pop(0)


def test_commit_rides_through_connection_errors_until_the_broker_is_back() -> None:
    consumer = FlakyConsumer([KafkaConnectionError("111 ECONNREFUSED"), NotCoordinatorError("moved")])
    assert commit(consumer, StopFlag(), max_backoff_s=0.01) is True  # type: ignore[arg-type]
    assert consumer.commits == 3


def test_commit_gives_up_cleanly_when_stopping_or_after_a_rebalance() -> None:
    stop = StopFlag()
    stop.event.set()
    assert commit(FlakyConsumer([KafkaConnectionError("down")]), stop) is False  # type: ignore[arg-type]
    assert commit(FlakyConsumer([CommitFailedError("rebalanced")]), StopFlag()) is False  # type: ignore[arg-type]


def test_commit_does_not_hide_a_fatal_error() -> None:
    with pytest.raises(TopicAuthorizationFailedError):
        commit(FlakyConsumer([TopicAuthorizationFailedError("denied")]), StopFlag())  # type: ignore[arg-type]

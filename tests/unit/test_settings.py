from __future__ import annotations

import pytest

from sitrep.settings import ConfigError, Settings
from sitrep.topics import Topic, alert_topic


def test_bootstrap_from_env_and_prefix_applies_to_every_topic():
    s = Settings.from_env({"KAFKA_BOOTSTRAP_SERVERS": "k1:9092,k2:9092", "SITREP_TOPIC_PREFIX": "x."})
    assert s.kafka_common()["bootstrap_servers"] == ["k1:9092", "k2:9092"]
    assert s.topic(Topic.EVENTS) == "x.events"
    assert alert_topic("near-tanf", s.topic_prefix) == "x.alerts.near-tanf"


def test_security_settings_reach_the_client_but_not_repr():
    s = Settings.from_env({"KAFKA_BOOTSTRAP_SERVERS": "k:9093", "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
                           "KAFKA_SASL_MECHANISM": "PLAIN", "KAFKA_SASL_USERNAME": "u",
                           "KAFKA_SASL_PASSWORD": "hunter2"})
    assert s.kafka_common()["sasl_plain_password"] == "hunter2"
    assert "hunter2" not in repr(s)


def test_metrics_bind_loopback_by_default():
    assert Settings.from_env({"KAFKA_BOOTSTRAP_SERVERS": "k:1"}).metrics_host == "127.0.0.1"


def test_bad_integer_is_a_clear_error():
    with pytest.raises(ConfigError, match="SITREP_DLQ_LIMIT"):
        Settings.from_env({"KAFKA_BOOTSTRAP_SERVERS": "k:1", "SITREP_DLQ_LIMIT": "lots"})


def test_no_broker_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SITREP_HOME", str(tmp_path))
    with pytest.raises(ConfigError, match="sitrep broker start"):
        Settings.from_env({"SITREP_HOME": str(tmp_path)})

"""Settings, read once at start-up from the environment into a frozen object (quix-streams' pattern)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

from sitrep.errors import UserError
from sitrep.paths import state_dir
from sitrep.topics import Topic, topic_name

SECRET_ENV = ("KAFKA_SASL_PASSWORD", "KAFKA_SSL_KEY_PASSWORD")


class ConfigError(UserError, RuntimeError):
    """A setting with a value it cannot have, named with the variable that holds it."""


def _number(env: dict[str, str], name: str, default: float, kind: type[float], low: float, high: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    what = "an integer" if kind is int else "a number"
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be {what} from {low:g} to {high:g}, got {raw!r}") from None
    if not (low <= value <= high) or (kind is float and not math.isfinite(value)):
        raise ConfigError(f"{name} must be {what} from {low:g} to {high:g}, got {raw!r}")
    return value


def _int(env: dict[str, str], name: str, default: int, low: int = 0, high: int = 2**31 - 1) -> int:
    return int(_number(env, name, default, int, low, high))


def _float(env: dict[str, str], name: str, default: float, low: float = 0.0, high: float = 1e9) -> float:
    return _number(env, name, default, float, low, high)


@dataclass(frozen=True)
class Settings:
    bootstrap_servers: str
    topic_prefix: str = ""
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 0  # 0: each service picks its default (see endpoints.DEFAULT_PORTS)
    database_url: str = ""
    max_text_chars: int = 2_000_000
    # consecutive invalid messages after which a consumer stops instead of dead-lettering a broken deploy
    dlq_limit: int = 1000
    dedup_retention_days: float = 30.0  # fractional for tests and soak runs
    topic_partitions: int = 1
    # Kafka security for a secured cluster; passwords never leave this object except into client configs
    security: dict[str, Any] = field(default_factory=dict, repr=False)

    def topic(self, topic: Topic | str) -> str:
        return topic_name(topic, self.topic_prefix)

    def kafka_common(self) -> dict[str, Any]:
        return {"bootstrap_servers": self.bootstrap_servers.split(","), **self.security}

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        return cls(
            bootstrap_servers=resolve_bootstrap(env),
            topic_prefix=env.get("SITREP_TOPIC_PREFIX", ""),
            metrics_host=env.get("SITREP_METRICS_HOST", "127.0.0.1"),
            metrics_port=_int(env, "SITREP_METRICS_PORT", 0, high=65535),
            database_url=env.get("SITREP_DATABASE_URL", f"sqlite:///{state_dir() / 'sitrep.db'}"),
            max_text_chars=_int(env, "SITREP_MAX_TEXT_CHARS", 2_000_000, low=1),
            dlq_limit=_int(env, "SITREP_DLQ_LIMIT", 1000, low=1),
            dedup_retention_days=_float(env, "SITREP_DEDUP_RETENTION_DAYS", 30.0),
            topic_partitions=_int(env, "SITREP_TOPIC_PARTITIONS", 1, low=1, high=10_000),
            security=_security(env),
        )


def _security(env: dict[str, str]) -> dict[str, Any]:
    """kafka-python security settings from KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_*."""
    out: dict[str, Any] = {}
    mapping = {
        "KAFKA_SECURITY_PROTOCOL": "security_protocol",
        "KAFKA_SASL_MECHANISM": "sasl_mechanism",
        "KAFKA_SASL_USERNAME": "sasl_plain_username",
        "KAFKA_SASL_PASSWORD": "sasl_plain_password",
        "KAFKA_SSL_CAFILE": "ssl_cafile",
        "KAFKA_SSL_CERTFILE": "ssl_certfile",
        "KAFKA_SSL_KEYFILE": "ssl_keyfile",
        "KAFKA_SSL_KEY_PASSWORD": "ssl_password",
    }
    for name, key in mapping.items():
        if env.get(name):
            out[key] = env[name]
    return out


def resolve_bootstrap(env: dict[str, str]) -> str:
    """KAFKA_BOOTSTRAP_SERVERS wins; else the local broker that `sitrep broker start` recorded."""
    explicit = env.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    if explicit:
        return explicit
    from sitrep.broker.local_kafka import LocalKafka

    local = LocalKafka(state_dir() / "broker").bootstrap()
    if local:
        return local
    raise ConfigError("no Kafka broker: run `sitrep broker start` or set KAFKA_BOOTSTRAP_SERVERS")

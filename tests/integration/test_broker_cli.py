"""`sitrep broker start|status|stop` manages a real local Kafka broker through separate CLI processes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from kafka import KafkaAdminClient

pytestmark = pytest.mark.integration


def sitrep(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sitrep.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_start_status_stop(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"} | {"SITREP_HOME": str(tmp_path)}
    started = sitrep("broker", "start", "--heap", "256m", env=env)
    assert started.returncode == 0, started.stdout + started.stderr
    bootstrap = started.stdout.strip().splitlines()[-1]
    assert bootstrap.startswith("127.0.0.1:")
    try:
        assert (tmp_path / "broker" / "bootstrap").read_text() == bootstrap
        admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        admin.close()
        status = sitrep("broker", "status", env=env)
        assert status.returncode == 0 and f"running at {bootstrap}" in status.stdout
        again = sitrep("broker", "start", env=env)  # idempotent: the running broker, not a second one
        assert again.stdout.strip().splitlines()[-1] == bootstrap
    finally:
        stopped = sitrep("broker", "stop", env=env)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    after = sitrep("broker", "status", env=env)
    assert after.returncode == 1 and "not running" in after.stdout


def test_an_explicit_cluster_needs_no_local_broker(tmp_path):
    env = dict(os.environ) | {"SITREP_HOME": str(tmp_path), "KAFKA_BOOTSTRAP_SERVERS": "kafka.example:9092"}
    out = sitrep("broker", "start", env=env)
    assert out.returncode == 0 and "KAFKA_BOOTSTRAP_SERVERS is set" in out.stdout
    assert not (tmp_path / "broker").exists()

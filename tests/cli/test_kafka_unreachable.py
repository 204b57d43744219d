"""Issue 14, item 4: a wrong Kafka address fails within 20 s with one clear line and a non-zero exit, for replay,
alerts tail, the services and `sitrep run` (kafka-python alone retried for minutes, then printed a traceback)."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.cli.clitools import SEEDS, closed_port, free_port_base, user_env

COMMANDS = {
    "replay": ["replay", str(SEEDS)],
    "alerts": ["alerts", "tail", "near-tanf"],
    "storage": ["storage"],
    "alerter": ["alerter", "--subscriptions", str(SEEDS.parent / "deploy" / "subscriptions.example.yaml")],
    "processor": ["processor"],
    "run": ["run", "--exit", "--port-base", "{base}"],
}


def test_a_wrong_bootstrap_fails_within_20_s_with_one_clear_line(tmp_path):
    address = f"127.0.0.1:{closed_port()}"
    base = str(free_port_base())
    procs = {}
    started = time.monotonic()
    # all at once: each waits out the same 15 s, so the test takes one wait, not six
    for name, args in COMMANDS.items():
        env = user_env(
            KAFKA_BOOTSTRAP_SERVERS=address, SITREP_HOME=str(tmp_path / name), SITREP_METRICS_PORT=str(closed_port())
        )
        procs[name] = subprocess.Popen(
            [sys.executable, "-m", "sitrep.cli", *(a.format(base=base) for a in args)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    for name, proc in procs.items():
        _, stderr = proc.communicate(timeout=max(1.0, 25 - (time.monotonic() - started)))
        elapsed = time.monotonic() - started
        assert proc.returncode != 0, (name, stderr)
        assert elapsed < 20, (name, elapsed, stderr)
        assert "Traceback" not in stderr, (name, stderr)
        lines = [line for line in stderr.splitlines() if line.strip()]
        wanted = f"cannot reach Kafka at {address} (tried for 15 s)"
        assert [line for line in lines if wanted in line] == [lines[-1]], (name, stderr)
        # nothing from the Kafka client's retries: kafka-python logs a dozen lines for one wrong address
        assert not [line for line in lines if " kafka." in line], (name, stderr)

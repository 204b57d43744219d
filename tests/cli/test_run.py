"""Issue 14, items 1, 2, 3 and 5 on the real `sitrep run` (a subprocess, the test session's broker):
- SIGTERM (what a supervisor or container runtime sends) stops every service within 10 s and frees their ports;
- a second instance fails fast, naming the busy port, and leaves the first alone;
- the summary says how many replayed documents got a verdict, and exits 1, loudly, when one did not;
- no library INFO line reaches the terminal; the API is started and its URL printed."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import orjson
import psutil

from tests.cli.clitools import free_port_base, port_is_free, sitrep, user_env
from tests.support import wait_for

# a logging line of a library (kafka-python, aiokafka, faust, mode ...) at INFO: "<time> INFO <logger>: ..."
LIBRARY_INFO = re.compile(r" INFO (?!sitrep[.:])\S+: ")


def _env(kafka_bootstrap: str, topic_prefix: str, tmp_path: Path) -> dict[str, str]:
    return user_env(
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, SITREP_TOPIC_PREFIX=topic_prefix, SITREP_HOME=str(tmp_path / "home")
    )


def _summary_value(output: str, label: str) -> str:
    match = re.search(rf"^{re.escape(label)}\s+(.*)$", output, re.MULTILINE)
    assert match, f"no {label!r} line in:\n{output}"
    return match.group(1)


def test_sigterm_stops_every_service_and_a_second_instance_fails_fast(kafka_bootstrap, topic_prefix, tmp_path):
    env = _env(kafka_bootstrap, topic_prefix, tmp_path)
    base = free_port_base()
    out = tmp_path / "run.out"
    children: list[psutil.Process] = []
    with out.open("w") as sink:
        run = subprocess.Popen(
            [sys.executable, "-m", "sitrep.cli", "run", "--port-base", str(base)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        wait_for(lambda: "keep running" in out.read_text() or run.poll() is not None, 240, "the summary")
        output = out.read_text()
        assert run.poll() is None, output
        children = psutil.Process(run.pid).children(recursive=True)
        assert {c.cmdline()[3] for c in children} == {"processor", "storage", "alerter", "api"}, output

        # item 3: every replayed document (15 after listing pages are split) got its verdict
        assert _summary_value(output, "verdicts") == "15 of 15 documents", output
        # the API is up and its URL printed
        assert f"http://127.0.0.1:{base + 3}/" in output
        assert httpx.get(f"http://127.0.0.1:{base + 3}/healthz", timeout=5).status_code == 200
        # item 5: progress and results only, no library INFO
        assert not [line for line in output.splitlines() if LIBRARY_INFO.search(line)], output

        # item 2: a second instance on the same ports fails fast with the port named, and leaves the first alone
        second = sitrep("run", "--exit", "--port-base", str(base), env=env, timeout=30)
        assert second.code == 2 and second.seconds < 10, second
        assert f"port {base}" in second.stderr and "Traceback" not in second.stderr, second
        assert run.poll() is None
        assert httpx.get(f"http://127.0.0.1:{base + 1}/healthz", timeout=5).status_code == 200

        # item 1: SIGTERM stops every child within 10 s and frees every port
        sent = time.monotonic()
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=10) == 0
        _gone, alive = psutil.wait_procs(children, timeout=max(0.1, 10 - (time.monotonic() - sent)))
        assert not alive, [c.cmdline() for c in alive]
        assert time.monotonic() - sent < 10
        assert all(port_is_free(base + i) for i in range(4))
    finally:  # only what this test started (the session's broker is a child of pytest too)
        if run.poll() is None:
            run.kill()
        for child in children:
            if child.is_running():
                child.kill()


def test_a_document_without_a_verdict_fails_the_summary(kafka_bootstrap, topic_prefix, tmp_path):
    # the processor dead-letters an article dated 1985 (implausible), so it never gets a verdict
    corpus = tmp_path / "corpus.jsonl"
    good = {
        "id": "ok-1",
        "kind": "article",
        "url": "https://example.org/a",
        "source": "example.org",
        "published_at": "2024-03-01T10:00:00Z",
        "title": "Shelling",
        "text": "Artillery shelling hit the outskirts of the town on Friday, residents said.",
    }
    stale = {
        **good,
        "id": "old-1",
        "url": "https://example.org/b",
        "published_at": "1985-03-01T10:00:00Z",
        "text": "A different report that the processor will refuse for its date, long before 1990.",
    }
    corpus.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in (good, stale)))
    env = _env(kafka_bootstrap, topic_prefix, tmp_path)
    result = sitrep(
        "run",
        str(corpus),
        "--exit",
        "--port-base",
        str(free_port_base()),
        "--verdict-seconds",
        "8",
        "--settle-seconds",
        "1",
        env=env,
        timeout=240,
    )
    assert result.code == 1, result
    assert _summary_value(result.stdout, "verdicts").startswith("1 of 2 documents"), result.stdout
    assert "ERROR: 1 of 2 replayed documents got no dedup verdict within 8 s: old-1" in result.stderr, result
    assert _summary_value(result.stdout, "dead letters") == "1", result.stdout
    assert "Traceback" not in result.stderr


def test_sigterm_while_the_services_start_stops_them_too(kafka_bootstrap, topic_prefix, tmp_path):
    env = _env(kafka_bootstrap, topic_prefix, tmp_path)
    base = free_port_base()
    run = subprocess.Popen(
        [sys.executable, "-m", "sitrep.cli", "run", "--port-base", str(base)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    children: list[psutil.Process] = []
    try:
        parent = psutil.Process(run.pid)
        wait_for(lambda: len(parent.children()) >= 3, 60, "the three services started")
        children = parent.children(recursive=True)
        sent = time.monotonic()
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=10) == 128 + signal.SIGTERM  # stopped before its job was done: not a success
        _gone, alive = psutil.wait_procs(children, timeout=max(0.1, 10 - (time.monotonic() - sent)))
        assert not alive, [c.cmdline() for c in alive]
        assert all(port_is_free(base + i) for i in range(4))
        assert "SIGTERM: stopping the services" in (run.stderr.read() if run.stderr else "")
    finally:
        if run.poll() is None:
            run.kill()
        for child in children:
            if child.is_running():
                child.kill()

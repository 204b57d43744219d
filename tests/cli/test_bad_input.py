"""Issue 14, item 6: every bad input ends in one readable line on stderr and exit code 2, never a traceback
(`--debug` shows it). Each case runs the real command as a subprocess, as a user's shell would."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.cli.clitools import SEEDS, closed_port, free_port_base, sitrep, user_env

NO_KAFKA = f"127.0.0.1:{closed_port()}"  # never contacted: each case fails before it connects


def _big_record(path: Path) -> Path:
    text = "Shelling was reported near the river crossing. " * 280_000  # ~13 MB, past the 8 MiB message limit
    record = {
        "id": "huge-1",
        "kind": "article",
        "url": "https://example.org/huge",
        "source": "example.org",
        "published_at": "2024-03-01T10:00:00Z",
        "title": "A very long page",
        "text": text,
    }
    path.write_bytes(orjson.dumps(record) + b"\n")
    return path


# (id, arguments, extra environment, words the line must contain)
CASES = [
    ("replay-missing-jsonl", ["replay", "{tmp}/nothere.jsonl"], {}, ["nothere.jsonl", "no such file"]),
    ("extract-missing-jsonl", ["extract", "{tmp}/nothere.jsonl"], {}, ["nothere.jsonl", "no such file"]),
    ("dedup-missing-folder", ["dedup", "{tmp}/nothere"], {}, ["nothere", "no such file"]),
    ("replay-oversized-record", ["replay", "{big}"], {}, ["huge-1", "MB", "limit"]),
    ("eval-missing-corpus", ["eval", "{tmp}/nothere"], {}, ["nothere", "no such file"]),
    ("eval-missing-gold", ["eval", str(SEEDS), "--gold", "{tmp}/gold.jsonl"], {}, ["gold.jsonl", "No such file"]),
    ("metrics-port-not-a-number", ["storage"], {"SITREP_METRICS_PORT": "abc"}, ["SITREP_METRICS_PORT", "'abc'"]),
    ("partitions-zero", ["replay", str(SEEDS)], {"SITREP_TOPIC_PARTITIONS": "0"}, ["SITREP_TOPIC_PARTITIONS", "'0'"]),
    ("since-not-a-date", ["events", "--since", "2020-13-45"], {}, ["--since", "2020-13-45"]),
    ("unknown-command", ["replya", str(SEEDS)], {}, ["replya", "invalid choice"]),
    (
        "postgres-unreachable-events",
        ["events", "--database-url", "postgresql://sitrep@127.0.0.1:{port}/sitrep"],
        {},
        ["cannot connect to PostgreSQL", "{port}"],
    ),
    (
        "postgres-unreachable-storage",
        ["storage", "--database-url", "postgresql://sitrep@127.0.0.1:{port}/sitrep"],
        {},
        ["cannot connect to PostgreSQL", "{port}"],
    ),
    (
        "run-missing-corpus",
        ["run", "{tmp}/nothere", "--exit", "--port-base", "{base}"],
        {},
        ["nothere", "no such file"],
    ),
    ("log-level-unknown", ["extract", str(SEEDS), "--log-level", "LOUD"], {}, ["LOUD"]),
]


@pytest.mark.parametrize(("args", "extra", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, extra, words):
    port = str(closed_port())
    fill = {
        "tmp": str(tmp_path),
        "big": str(_big_record(tmp_path / "big.jsonl")) if "{big}" in args else "",
        "port": port,
        "base": str(free_port_base()),
    }
    env = user_env(KAFKA_BOOTSTRAP_SERVERS=NO_KAFKA, SITREP_HOME=str(tmp_path / "home"), **extra)
    result = sitrep(*(a.format(**fill) for a in args), env=env)
    assert result.code == 2, result
    assert "Traceback" not in result.stderr
    assert len(result.stderr_lines) == 1, result.stderr
    line = result.stderr_lines[0]
    assert line.startswith("sitrep"), line
    for word in words:
        assert word.format(**fill) in line, line
    assert result.seconds < 20, result


def test_debug_shows_the_traceback(tmp_path):
    env = user_env(KAFKA_BOOTSTRAP_SERVERS=NO_KAFKA, SITREP_HOME=str(tmp_path))
    result = sitrep("--debug", "replay", str(tmp_path / "nothere.jsonl"), env=env)
    assert result.code != 0
    assert "Traceback" in result.stderr and "CorpusError" in result.stderr


def test_the_option_works_after_the_command_too(tmp_path):
    env = user_env(KAFKA_BOOTSTRAP_SERVERS=NO_KAFKA, SITREP_HOME=str(tmp_path))
    result = sitrep("replay", str(tmp_path / "nothere.jsonl"), "--debug", env=env)
    assert "Traceback" in result.stderr

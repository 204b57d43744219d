"""Issue 14, items 5 and 6 on commands that talk to the real broker: a quiet terminal by default (libraries from
WARNING; -v shows their INFO), and a mistyped subscription in `alerts tail` lists the ones that exist instead of
waiting forever."""

from __future__ import annotations

import re

from kafka.admin import KafkaAdminClient, NewTopic

from tests.cli.clitools import SEEDS, sitrep, user_env

LIBRARY_INFO = re.compile(r" INFO (?!sitrep[.:])\S+: ")


def _env(kafka_bootstrap: str, topic_prefix: str, tmp_path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return user_env(
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, SITREP_TOPIC_PREFIX=topic_prefix, SITREP_HOME=str(tmp_path / "home")
    )


def test_replay_prints_its_result_and_no_library_info(kafka_bootstrap, topic_prefix, tmp_path):
    env = _env(kafka_bootstrap, topic_prefix, tmp_path)
    quiet = sitrep("replay", str(SEEDS), env=env)
    assert quiet.code == 0, quiet
    assert quiet.stdout.startswith("published 12 documents"), quiet
    assert not LIBRARY_INFO.search(quiet.stdout + quiet.stderr), quiet.stderr
    # the same command with -v shows the client's INFO lines: the filter above can see them when they are there
    loud = sitrep("replay", str(SEEDS), "-v", env=env)
    assert loud.code == 0, loud
    assert re.search(r" INFO kafka\.", loud.stderr), loud.stderr


def test_a_mistyped_subscription_lists_the_existing_ones(kafka_bootstrap, topic_prefix, tmp_path):
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        admin.create_topics([NewTopic(f"{topic_prefix}alerts.{name}", 1, 1) for name in ("near-tanf", "syria-strikes")])
    finally:
        admin.close()
    result = sitrep("alerts", "tail", "near-tamf", env=_env(kafka_bootstrap, topic_prefix, tmp_path), timeout=30)
    assert result.code == 2, result
    assert len(result.stderr_lines) == 1 and "Traceback" not in result.stderr, result
    line = result.stderr_lines[0]
    assert "no subscription 'near-tamf'" in line and "subscriptions: near-tanf, syria-strikes" in line, line


def test_a_subscription_name_that_cannot_be_one_is_refused_at_once(kafka_bootstrap, topic_prefix, tmp_path):
    result = sitrep("alerts", "tail", "no spaces/allowed", env=_env(kafka_bootstrap, topic_prefix, tmp_path))
    assert result.code == 2 and len(result.stderr_lines) == 1, result
    assert "is not a subscription name" in result.stderr_lines[0]

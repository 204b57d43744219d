"""`sitrep processor` — run the faust worker."""

from __future__ import annotations

import argparse
import logging

from sitrep.endpoints import DEFAULT_PORTS
from sitrep.kafka_io import ensure_topics
from sitrep.paths import state_dir
from sitrep.settings import Settings
from sitrep.topics import InternalTopic, Topic


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--web-port", type=int, default=None, help="port for /metrics and /healthz (default 9402)")


def run(args: argparse.Namespace) -> int:
    import faust

    from sitrep.processor.app import build_app

    settings = Settings.from_env()
    # every topic up front, with the configured partition count: faust would make them with its default, and a topic
    # that does not exist yet when the group first assigns partitions may be left unassigned
    ensure_topics(settings, [settings.topic(t) for t in (*Topic, *InternalTopic)])
    state_dir().mkdir(parents=True, exist_ok=True)  # faust keeps its data folder there
    port = args.web_port or settings.metrics_port or DEFAULT_PORTS["processor"]
    app = build_app(settings, web_port=port)
    level = logging.getLevelName(logging.getLogger().level).lower()
    worker = faust.Worker(
        app,
        loglevel={"warning": "warn", "critical": "crit"}.get(level, level),
        redirect_stdouts=False,
        override_logging=False,
    )
    code: int | str | None = 0
    try:
        worker.execute_from_commandline()
    except SystemExit as exc:  # the worker always leaves by SystemExit: 0 after SIGTERM, else its failure
        code = exc.code
    # an error in a stage, or too many invalid messages, ends the process from inside (app.die: exit 1 or 3)
    if app.crashed:  # a crash (say at start-up) stopped the worker
        return 1
    return code if isinstance(code, int) else (0 if code is None else 1)

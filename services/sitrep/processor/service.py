"""`sitrep processor` — run the faust worker."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys

from sitrep.endpoints import DEFAULT_PORTS
from sitrep.kafka_io import ensure_topics
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
    port = args.web_port or settings.metrics_port or DEFAULT_PORTS["processor"]
    app = build_app(settings, web_port=port)
    level = logging.getLevelName(logging.getLogger().level).lower()
    worker = faust.Worker(app, loglevel={"warning": "warn", "critical": "crit"}.get(level, level),
                          redirect_stdouts=False, override_logging=False)
    with contextlib.suppress(SystemExit):  # the worker always exits by SystemExit; the fatal flag says why
        worker.execute_from_commandline()
    fatal = getattr(app, "_sitrep_fatal", None)
    if fatal:
        print(f"sitrep processor stopped: {fatal}", file=sys.stderr)
        return 3
    return 0

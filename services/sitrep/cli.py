"""`sitrep` — one subcommand per process or tool. Each lives in its own module, imported only when run."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

# name -> (module, help). The module defines add_arguments(parser) and run(args) -> int.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("sitrep.commands.run_all", "the main job: broker, every service, replay seeds/, print a summary"),
    "broker": ("sitrep.broker.command", "start|stop|status a local Apache Kafka broker (KRaft)"),
    "replay": ("sitrep.replay", "publish a corpus (folder with manifest, or JSONL) to the raw topics"),
    "fetcher": ("sitrep.fetcher.service", "watch configured sources and publish raw documents"),
    "processor": ("sitrep.processor.service", "the faust worker: clean, deduplicate, extract, merge"),
    "storage": ("sitrep.storage.service", "consume documents and events into the database"),
    "alerter": ("sitrep.alerter.service", "match events against subscriptions, publish alerts"),
    "dedup": ("sitrep.commands.dedup_offline", "offline: one JSON dedup verdict per document, no Kafka"),
    "extract": ("sitrep.commands.extract_offline", "offline: one JSON event per line, no Kafka"),
    "eval": ("sitrep.commands.evaluate", "score extraction against gold events (per event type, region and field)"),
    "events": ("sitrep.commands.query_events", "query stored events (table, jsonl, csv, geojson)"),
    "alerts": ("sitrep.commands.alerts_tail", "alerts tail <name>: follow a subscription's topic"),
    "api": ("sitrep.storage.api", "read-only HTTP API over stored events"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sitrep", description="Conflict-event stream ingestion from open sources.")
    parser.add_argument("--log-level", default=os.environ.get("SITREP_LOG_LEVEL", "INFO"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((a for a in argv if a in COMMANDS), None)  # not an option's value, e.g. --log-level INFO
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:  # import only the command being run: start-up stays fast and deps stay optional
            mod = importlib.import_module(module)
            mod.add_arguments(p)
            p.set_defaults(_run=mod.run)
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request drowns everything else
    rc: int = args._run(args)
    return rc


if __name__ == "__main__":
    sys.exit(main())

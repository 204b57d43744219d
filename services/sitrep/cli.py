"""`sitrep` — one subcommand per process or tool. Each lives in its own module, imported only when run.

What the terminal shows: sitrep's own progress at INFO, libraries (kafka-python, faust, aiokafka ...) only from
WARNING unless -v; a problem the user must fix as one line on stderr and exit code 2, with the traceback only
under --debug.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import logging
import os
import sys
from typing import NoReturn

from sitrep.errors import UserError

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
# the port each long-running command binds (the API's is its --port), to name it when it is taken
METRICS_PORT_COMMANDS = ("fetcher", "processor", "storage", "alerter")
# the processor needs the cluster from its first step, after seconds of imports (faust): reached, or given up on in
# 15 s, before those. The other commands check their input first (a missing file is not a Kafka problem) and reach
# the cluster in kafka_io.
NEEDS_KAFKA_FIRST = ("processor",)
EXIT_USER_ERROR = 2
LIBRARY_LOGGERS_QUIET = ("httpx", "httpcore")  # one line per request drowns everything else


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (argparse prints the usage block first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USER_ERROR, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _add_global_options(p: argparse.ArgumentParser, defaults: bool) -> None:
    """The same options before or after the command (`sitrep -v replay x` and `sitrep replay -v x`); after it, an
    option the command defines itself (eval's -v) keeps the command's meaning."""

    def option(*names: str, default: object, **kwargs: object) -> None:
        names = tuple(n for n in names if n not in p._option_string_actions)
        if names:
            p.add_argument(*names, default=default if defaults else argparse.SUPPRESS, **kwargs)  # type: ignore[arg-type]

    option("-v", "--verbose", action="count", default=0, help="-v: libraries' INFO logs too; -vv: everything at DEBUG")
    option("--debug", action="store_true", default=False, help="show the traceback of an error")
    option(
        "--log-level",
        default=os.environ.get("SITREP_LOG_LEVEL"),
        help="one level for every logger, libraries included (default $SITREP_LOG_LEVEL; if unset, sitrep INFO "
        "and libraries WARNING)",
    )


def build_parser(chosen: str | None) -> Parser:
    parser = Parser(prog="sitrep", description="Conflict-event stream ingestion from open sources.")
    _add_global_options(parser, defaults=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:  # import only the command being run: start-up stays fast and deps stay optional
            mod = importlib.import_module(module)
            mod.add_arguments(p)
            _add_global_options(p, defaults=False)
            p.set_defaults(_run=mod.run)
    return parser


def configure_logging(verbose: int, level: str | None) -> None:
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    if level:  # an explicit level is for everything (deployments, tests that check what DEBUG would leak)
        root_level, own_level = level.upper(), level.upper()
    else:
        root_level = {0: "WARNING", 1: "INFO"}.get(verbose, "DEBUG")
        own_level = "DEBUG" if verbose >= 2 else "INFO"
    try:
        logging.basicConfig(level=root_level, format=fmt, force=True)
        logging.getLogger("sitrep").setLevel(own_level)
    except ValueError as exc:
        raise UserError(f"--log-level / SITREP_LOG_LEVEL: {exc}") from None
    for name in LIBRARY_LOGGERS_QUIET:  # at every level: httpx logs each request's URL, credentials included
        logging.getLogger(name).setLevel(logging.WARNING)


def _busy_port(args: argparse.Namespace) -> str:
    if args.command == "api":
        return f"port {getattr(args, 'port', '?')}"
    if args.command in METRICS_PORT_COMMANDS:
        from sitrep.endpoints import DEFAULT_PORTS

        return f"port {os.environ.get('SITREP_METRICS_PORT') or DEFAULT_PORTS[args.command]}"
    return "a port"


def user_message(exc: BaseException, args: argparse.Namespace) -> str | None:
    """The one line for an error the user can fix, or None for a bug (which keeps its traceback)."""
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
        return f"{_busy_port(args)} is already in use (is another `sitrep {args.command}` running?)"
    if isinstance(exc, FileNotFoundError | IsADirectoryError | NotADirectoryError | PermissionError):
        return f"cannot read {exc.filename}: {exc.strerror}" if exc.filename else str(exc)
    kind = type(exc)
    if kind.__module__.startswith("psycopg") and kind.__name__ == "OperationalError":
        return "cannot connect to PostgreSQL: " + " ".join(str(exc).split())
    if kind.__module__ == "sqlite3" and kind.__name__ == "OperationalError":
        return f"SQLite database: {exc}"
    return None


def _reach_kafka() -> None:
    from sitrep.kafka_io import wait_for_kafka
    from sitrep.settings import Settings

    wait_for_kafka(Settings.from_env())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((a for a in argv if a in COMMANDS), None)  # not an option's value, e.g. --log-level INFO
    args = build_parser(chosen).parse_args(argv)
    if not getattr(args, "_run", None):
        build_parser(None).print_help()
        return EXIT_USER_ERROR
    try:
        configure_logging(args.verbose, args.log_level)
        if args.command in NEEDS_KAFKA_FIRST:
            _reach_kafka()
        rc: int = args._run(args)
        return rc
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        message = user_message(exc, args)
        if message is None or args.debug:
            raise
        print(f"sitrep {args.command}: {message}", file=sys.stderr)
        return EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())

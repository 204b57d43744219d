"""`sitrep fetcher` — poll the configured sources and publish raw documents to the raw topics.

``--once`` runs one round over every source and exits (tests, cron); otherwise each source is polled at its own
interval until SIGTERM/SIGINT, which lets running polls finish their current request, flushes the producer and exits 0.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from types import FrameType

from sitrep import metrics
from sitrep.endpoints import serve
from sitrep.fetcher.config import CONFIG_ENV, FetcherConfig, SourceConfig, load_config
from sitrep.fetcher.http_client import HttpFetcher
from sitrep.fetcher.publisher import SERVICE, Publisher
from sitrep.fetcher.sources import SourcePoller
from sitrep.fetcher.state import FetcherState
from sitrep.kafka_io import ensure_topics, make_producer
from sitrep.settings import ConfigError, Settings
from sitrep.topics import RAW_TOPIC_BY_KIND

log = logging.getLogger(__name__)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", default=None, help=f"YAML source config (default ${CONFIG_ENV})")
    p.add_argument("--once", action="store_true", help="poll every source once, publish, and exit")
    p.add_argument("--source", action="append", default=[], metavar="NAME", help="only this source (repeatable)")


class Fetcher:
    def __init__(self, config: FetcherConfig, settings: Settings, stop: threading.Event) -> None:
        self.config, self.stop = config, stop
        self.state = FetcherState(config.state_path)
        self.http = HttpFetcher(config.http, stop=stop)
        self.poller = SourcePoller(config, self.state, self.http)
        self.producer = make_producer(settings, client_id="sitrep-fetcher")
        self.publisher = Publisher(settings, self.producer, self.state)

    def cycle(self, src: SourceConfig) -> bool:
        started = time.monotonic()
        with metrics.PROCESSING_SECONDS.labels(SERVICE, f"poll_{src.type}").time():
            batch = self.poller.poll(src)
            ok = self.publisher.publish(batch)
        log.debug("source %s: poll took %.2fs", src.name, time.monotonic() - started)
        return ok

    def run_once(self, sources: list[SourceConfig]) -> bool:
        with ThreadPoolExecutor(max_workers=min(len(sources), 8), thread_name_prefix="source") as pool:
            return all(pool.map(self.cycle, sources))

    def run_forever(self, sources: list[SourceConfig]) -> None:
        next_due = {s.name: 0.0 for s in sources}
        running: dict[str, Future[bool]] = {}
        with ThreadPoolExecutor(max_workers=min(len(sources), 8), thread_name_prefix="source") as pool:
            while not self.stop.is_set():
                now = time.monotonic()
                for src in sources:
                    if src.name not in running and next_due[src.name] <= now:
                        running[src.name] = pool.submit(self.cycle, src)
                for src in sources:
                    future = running.get(src.name)
                    if future is not None and future.done():
                        del running[src.name]
                        if future.exception() is not None:
                            log.error("source %s: cycle failed", src.name, exc_info=future.exception())
                        next_due[src.name] = time.monotonic() + src.interval_seconds
                self.stop.wait(0.2)
            log.info("stopping: waiting for %d running poll(s)", len(running))

    def close(self) -> None:
        try:
            self.producer.flush(timeout=30)
        finally:
            self.producer.close(timeout=10)
            self.poller.close()
            self.http.close()
            self.state.close()


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        log.error("%s", exc)
        return 2
    sources = [s for s in config.sources if not args.source or s.name in args.source]
    if not sources:
        log.error("no source named %s in the config", ", ".join(args.source))
        return 2
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request; the metrics count them instead
    settings = Settings.from_env()
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: finishing current requests and flushing", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    ensure_topics(settings, [settings.topic(t) for t in RAW_TOPIC_BY_KIND.values()])
    fetcher = Fetcher(config, settings, stop)
    endpoints = serve(SERVICE, settings.metrics_host, settings.metrics_port, health=lambda: not stop.is_set())
    metrics.UP.labels(SERVICE).set(1)
    log.info("fetcher: %d source(s), state in %s, metrics at %s", len(sources), config.state_path, endpoints.url)
    try:
        if args.once:
            ok = fetcher.run_once(sources)
            log.info("one round done (%s)", "all delivered" if ok else "some deliveries failed")
            return 0 if ok else 1
        fetcher.run_forever(sources)
        return 0
    finally:
        metrics.UP.labels(SERVICE).set(0)
        fetcher.close()
        endpoints.stop()
        log.info("fetcher stopped")

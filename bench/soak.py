"""Soak: >= 100,000 generated documents through processor + storage + alerter on a real broker, watching that
memory and the dedup state stay bounded.

Samples every few seconds: each service's resident memory (/proc/<pid>/status VmRSS), the processor's dedup state
(sitrep_dedup_state_entries, refreshed by its retention tick every 60 s) and progress (verdicts made). Writes
bench/results/soak.json and prints a table: peak RSS per service, docs/s, state entries.

    python bench/soak.py                      # 100,000 docs, retention 0 days (state evicted at every tick)
    python bench/soak.py --docs 20000 --retention-days 30
    python bench/soak.py --ahead 1000000      # one flood instead of a steady flow

Retention is SITREP_DEDUP_RETENTION_DAYS, an integer: 0 is the shortest window there is (everything older than the
tick, i.e. about a minute); with 30 the state grows with the input for the whole run.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
from kafka import KafkaAdminClient, KafkaConsumer
from kafka.errors import KafkaError
from kafka.structs import TopicPartition

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sitrep.broker.local_kafka import LocalKafka  # noqa: E402
from sitrep.replay import publish  # noqa: E402
from sitrep.settings import Settings  # noqa: E402
from tests.docgen import iter_corpus  # noqa: E402
from tests.support import free_port, metric_value  # noqa: E402

SERVICES = ("processor", "storage", "alerter")
CHUNK = 1000
WARMUP_S = 15.0
SUBSCRIPTIONS = """
subscriptions:
  - name: everything
    match_all: true
  - name: syria-air
    sub_event_types: ["Air/drone strike"]
    countries: [Syria]
"""


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def scrape(port: int) -> str:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    except httpx.HTTPError:
        return ""


def lag(bootstrap: str, groups: dict[str, list[str]]) -> int | None:
    """Messages not yet committed by the groups (None when the broker cannot tell right now)."""
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="soak-lag")
        consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    except KafkaError:
        return None
    total = 0
    try:
        for group, topics in groups.items():
            committed = {tp: m.offset for tp, m in admin.list_group_offsets({group: None}).get(group, {}).items()}
            for topic in topics:
                tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
                for tp, end in consumer.end_offsets(tps).items():
                    total += max(0, end - max(committed.get(tp, 0), 0))
    except KafkaError:
        return None
    finally:
        consumer.close()
        admin.close()
    return total


def summarise(samples: list[dict[str, Any]], published: dict[str, Any], args: argparse.Namespace,
              complete: bool) -> dict[str, Any]:
    elapsed = samples[-1]["t"] - WARMUP_S if samples else 0.0
    verdicts = samples[-1]["verdicts"] if samples else 0
    peak = {name: max((s["rss_mb"][name] or 0) for s in samples) for name in SERVICES} if samples else {}
    # memory in the second half of the run against the first: bounded state means no steady climb
    half = len(samples) // 2
    drift = {name: round(statistics.median(s["rss_mb"][name] or 0 for s in samples[half:])
                         - statistics.median(s["rss_mb"][name] or 0 for s in samples[:half]), 1)
             for name in SERVICES} if half else {}
    tables = ("lsh-sketches", "merge-blocks")
    state_peak = {table: max(s["state_entries"][table] for s in samples) for table in tables} if samples else {}
    return {
        "complete": complete, "docs": args.docs, "seed": args.seed, "retention_days": args.retention_days,
        "ahead": args.ahead, "published": published["n"], "publish_seconds": round(published["seconds"], 1),
        "verdicts": verdicts, "events": samples[-1]["events"] if samples else 0,
        "seconds": round(elapsed, 1), "docs_per_second": round(verdicts / elapsed, 1) if elapsed > 0 else None,
        "peak_rss_mb": {k: round(v, 1) for k, v in peak.items()}, "rss_drift_mb_second_half": drift,
        "state_entries_peak": state_peak, "state_entries_final": samples[-1]["state_entries"] if samples else {},
        "samples": samples,
    }


def write(path: Path, result: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--retention-days", default="0")
    ap.add_argument("--interval", type=float, default=5.0, help="seconds between samples")
    ap.add_argument("--ahead", type=int, default=3000, help="most documents published but not yet judged")
    ap.add_argument("--timeout", type=float, default=3 * 3600.0)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "soak.json")
    args = ap.parse_args()

    # a stop request still runs the clean-up below (services and broker are in their own sessions)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))
    work = Path(tempfile.mkdtemp(prefix="sitrep-soak-"))
    broker = None
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if not bootstrap:
        broker = LocalKafka(work / "kafka", heap="768m")
        bootstrap = broker.start()
    prefix = f"soak{int(time.time())}."
    (work / "subs.yaml").write_text(SUBSCRIPTIONS)
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "SITREP_TOPIC_PREFIX": prefix,
           "SITREP_HOME": str(work / "home"), "SITREP_DATABASE_URL": f"sqlite:///{work / 'sitrep.db'}",
           "SITREP_DEDUP_RETENTION_DAYS": args.retention_days, "SITREP_SUBSCRIPTIONS": str(work / "subs.yaml"),
           "SITREP_ALERTER_STATE": str(work / "alerts.db"), "SITREP_LOG_LEVEL": "WARNING"}
    ports = {name: free_port() for name in SERVICES}
    procs: dict[str, subprocess.Popen[bytes]] = {}
    for name in SERVICES:
        log = (work / f"{name}.log").open("wb")
        procs[name] = subprocess.Popen([sys.executable, "-m", "sitrep.cli", name],
                                       env={**env, "SITREP_METRICS_PORT": str(ports[name])},
                                       stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    t = lambda *names: [f"{prefix}{n}" for n in names]  # noqa: E731
    groups = {f"{prefix}sitrep-processor": t("raw.articles", "raw.tweets", "processor.lsh", "processor.verdict",
                                             "documents", "processor.merge"),
              f"{prefix}sitrep-storage": t("documents", "duplicates", "events"),
              f"{prefix}sitrep-alerter": t("events")}
    settings = Settings(bootstrap_servers=bootstrap, topic_prefix=prefix)
    published = {"n": 0, "done": False, "seconds": 0.0}

    progress = {"verdicts": 0.0}

    def feed() -> None:
        """Publish in chunks, at most --ahead documents ahead of the verdicts (a fetcher's steady flow, not one
        flood: a flood measures the backlog, not the steady state)."""
        started = time.monotonic()
        chunk: list[dict[str, Any]] = []
        for record in iter_corpus(args.docs, args.seed):
            chunk.append(record)
            if len(chunk) == CHUNK:
                while published["n"] - progress["verdicts"] > args.ahead:
                    time.sleep(0.5)
                published["n"] += publish(settings, chunk)
                chunk = []
        if chunk:
            published["n"] += publish(settings, chunk)
        published["seconds"] = time.monotonic() - started
        published["done"] = True

    samples: list[dict[str, Any]] = []
    started = time.monotonic()
    feeder = threading.Thread(target=feed, daemon=True)
    try:
        time.sleep(WARMUP_S)  # let the faust worker join its group first
        feeder.start()
        drained_since: float | None = None
        while time.monotonic() - started < args.timeout:
            time.sleep(args.interval)
            for name, proc in procs.items():
                if proc.poll() is not None:
                    raise SystemExit(f"{name} exited {proc.returncode}; see {work / (name + '.log')}")
            text = scrape(ports["processor"])
            storage_text = scrape(ports["storage"])
            sample: dict[str, Any] = {
                "t": round(time.monotonic() - started, 1),
                "rss_mb": {name: rss_mb(p.pid) for name, p in procs.items()},
                "published": published["n"],
                "verdicts": metric_value(text, "sitrep_duplicates_total"),
                "events": metric_value(text, "sitrep_events_total"),
                "stored_events": metric_value(storage_text, "sitrep_stored_total", {"kind": "event"}),
                "state_entries": {table: metric_value(text, "sitrep_dedup_state_entries", {"table": table})
                                  for table in ("dedup-sketches", "merge-blocks")},
            }
            progress["verdicts"] = sample["verdicts"] or progress["verdicts"]
            samples.append(sample)
            if len(samples) % 12 == 0:  # partial figures survive an interrupted run
                write(args.out, summarise(samples, published, args, complete=False))
            print(f"t={sample['t']:7.1f}s published={sample['published']:6d} verdicts={sample['verdicts']:8.0f} "
                  f"state={sample['state_entries']} rss={ {k: round(v or 0) for k, v in sample['rss_mb'].items()} }",
                  flush=True)
            if published["done"]:
                behind = lag(bootstrap, groups)
                if behind == 0:
                    drained_since = drained_since or time.monotonic()
                    if time.monotonic() - drained_since >= 10:
                        break
                else:
                    drained_since = None
        else:
            raise SystemExit(f"not drained after {args.timeout:.0f}s; logs in {work}")
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
        if broker is not None:
            broker.stop()

    result = summarise(samples, published, args, complete=True)
    write(args.out, result)
    peak, drift, state_peak = result["peak_rss_mb"], result["rss_drift_mb_second_half"], result["state_entries_peak"]
    elapsed, verdicts = result["seconds"], result["verdicts"]
    print(f"\n{'service':<10} {'peak RSS MB':>12} {'drift MB':>9}")
    for name in SERVICES:
        print(f"{name:<10} {peak[name]:>12.1f} {drift.get(name, 0):>9.1f}")
    print(f"\ndocs {published['n']} judged in {elapsed:.0f}s = {result['docs_per_second']} docs/s; "
          f"verdicts {verdicts:.0f}; "
          f"state entries peak {state_peak}, final {result['state_entries_final']}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

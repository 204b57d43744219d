"""End-to-end benchmark: sitrep's services as real processes on a real broker, side by side with the broker's limit.

    python bench/e2e.py                      # default: 1500 docs at 50/s, then 3000 docs at full speed (~4 min)
    python bench/e2e.py --docs 3000 --rate 50 --rate-docs 1500 --workers 2   # + the scale-out comparison

Phases (each with its own topic prefix, database and fresh services: processor, storage, alerter):
  rate       documents published at a fixed rate (--rate): the latency a steady feed sees
  full       the same kind of documents as fast as the producer goes: the sustained throughput
  scale-1/N  (--workers N > 1) full speed on --partitions partitions, one worker, then N workers: same results?
  limit      a pass-through consumer -> producer over the `full` phase's raw topics: the ceiling on this machine
  offline    the same documents through the processor's stage objects in one process (the in-memory runner that
             `sitrep dedup` / `sitrep extract` use): the stage code's own limit, docs/s and CPU ms per document;
             the ratios of the `full` phase to it are in "ratios"

Latency is measured from the raw record's send time (``bench_sent_at``, also kept by the harness) to: the verdict on
`duplicates`, the document row in storage, the event version on `events`, its row in storage (`stored_at`) and each
alert on alerts.<name> (topic times are the producing service's message timestamps). An event version is timed from
its newest source document's send (the report that made it). Broker on this machine: the local Apache Kafka
(KRaft) in a temporary folder, unless KAFKA_BOOTSTRAP_SERVERS is set.

Writes bench/results/e2e.json (with the machine's details) and prints one table.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from e2e_measure import Outcome, compare, histogram, percentiles, publish
from e2e_passthrough import limit
from e2e_procs import ResourceMeter, ServiceProc, metric_sum, wait_until
from e2e_profile import Profiler

from sitrep.alerter.subscriptions import load_subscriptions
from sitrep.broker.local_kafka import LIBS, LocalKafka
from sitrep.settings import Settings
from sitrep.topics import alert_topic

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "e2e.json"
SUBSCRIPTIONS = HERE / "e2e_subscriptions.yaml"


def corpus(n: int, seed: int, source: str) -> list[dict[str, Any]]:
    if source == "docgen":
        from tests.docgen import generate_corpus as docgen

        return docgen(n, seed)
    from corpus_gen import generate_corpus

    return generate_corpus(n, seed)


class Phase:
    def __init__(self, name: str, bootstrap: str, root: Path, partitions: int, workers: int) -> None:
        self.name, self.bootstrap, self.partitions, self.workers = name, bootstrap, partitions, workers
        self.prefix = f"e2e{uuid.uuid4().hex[:6]}-{name}."
        self.dir = root / name
        self.dir.mkdir(parents=True)
        self.db = self.dir / "sitrep.db"
        self.env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "SITREP_TOPIC_PREFIX": self.prefix,
                    "SITREP_HOME": str(self.dir / "home"), "SITREP_DATABASE_URL": f"sqlite:///{self.db}",
                    "SITREP_TOPIC_PARTITIONS": str(partitions), "SITREP_LOG_LEVEL": "WARNING"}
        self.settings = Settings.from_env(self.env)
        self.processors = [ServiceProc(f"processor{i}", ["processor"], self.env, self.dir) for i in range(workers)]
        self.storage = ServiceProc("storage", ["storage"], self.env, self.dir)
        self.alerter = ServiceProc("alerter", ["alerter", "--subscriptions", str(SUBSCRIPTIONS)], self.env, self.dir)

    @property
    def services(self) -> list[ServiceProc]:
        return [*self.processors, self.storage, self.alerter]

    def start(self) -> None:
        for s in self.services:
            s.start()
        for s in self.services:
            wait_until(s.healthy, 180, f"{s.name} healthy")

    def counters(self) -> tuple[float, ...]:
        proc = "".join(p.metrics() for p in self.processors)
        storage, alerter = self.storage.metrics(), self.alerter.metrics()
        return (metric_sum(proc, "sitrep_messages_consumed_total", topic="*raw.articles")
                + metric_sum(proc, "sitrep_messages_consumed_total", topic="*raw.tweets"),
                metric_sum(proc, "sitrep_duplicates_total"), metric_sum(proc, "sitrep_events_total"),
                metric_sum(storage, "sitrep_messages_consumed_total"),
                metric_sum(alerter, "sitrep_messages_consumed_total"), metric_sum(alerter, "sitrep_alerts_total"))

    def wait_drained(self, n_raw: int, timeout: float, quiet: float = 3.0) -> None:
        """Every raw record read, every event version consumed by storage and alerter, and no counter moving."""
        deadline = time.monotonic() + timeout
        last, since = None, time.monotonic()
        while time.monotonic() < deadline:
            c = self.counters()
            done = c[0] >= n_raw and c[4] >= c[2] and c[3] >= c[1] + c[2]
            if c != last:
                last, since = c, time.monotonic()
            elif done and time.monotonic() - since >= quiet:
                return
            time.sleep(1.0)  # a scrape costs the services CPU too
        raise TimeoutError(f"{self.name}: not drained after {timeout:.0f}s, counters {last}")

    def stop(self) -> None:
        for s in self.services:
            s.stop()


def run_phase(name: str, records: list[dict[str, Any]], rate: float | None, bootstrap: str, root: Path,
              partitions: int, workers: int, broker_pid: int | None, alert_topics: list[str],
              timeout: float, profile: Path | None = None) -> tuple[dict[str, Any], Outcome, Phase]:
    print(f"[{name}] {len(records)} documents, {f'{rate:g}/s' if rate else 'full speed'}, "
          f"{partitions} partition(s), {workers} processor worker(s)", flush=True)
    load0 = os.getloadavg()[0]
    phase = Phase(name, bootstrap, root, partitions, workers)
    phase.start()
    try:
        pids = {"processor" + ("" if workers == 1 else f" x{workers}"): [p.pid for p in phase.processors],
                "storage": [phase.storage.pid], "alerter": [phase.alerter.pid], "harness (publisher)": [os.getpid()]}
        if broker_pid:
            pids["broker (java)"] = [broker_pid]
        meter = ResourceMeter(pids).start()
        profiler = Profiler(profile / name) if profile else None
        for s in phase.services if profiler else ():
            profiler.attach(s.name, s.pid)  # type: ignore[union-attr]
        t0 = time.time()
        sent = publish(phase.settings, records, rate)
        published = time.time()
        phase.wait_drained(len(records), timeout)
        resources = meter.stop()
        if profiler:
            profiler.stop()
    finally:
        phase.stop()
    topics = [alert_topic(t, phase.prefix) for t in alert_topics]
    out = Outcome(str(phase.db), sent, bootstrap, phase.prefix, topics)
    finished = out.finished_at()
    lat = out.latencies()
    result = {
        "documents": len(records), "rate": rate, "partitions": partitions, "workers": workers,
        "publish_seconds": round(published - t0, 2), "end_to_end_seconds": round(finished - t0, 2),
        "documents_per_second": round(len(records) / (finished - t0), 1),
        "sustained_verdicts_per_second": round(r, 1) if (r := out.sustained_rate()) else None,
        "verdicts": len(out.verdict_msgs), "documents_stored": len(out.documents),
        "event_versions": len(out.versions), "events": len(out.events), "alerts": len(out.alert_msgs),
        "latency_seconds": {k: percentiles(v) for k, v in lat.items()},
        "latency_histogram": {k: histogram(v) for k, v in lat.items() if k in ("raw_to_event_stored", "raw_to_alert")},
        "resources": resources, "load_average_1m_at_start": round(load0, 2),
    }
    print(f"[{name}] {result['documents_per_second']} docs/s end to end; {result['event_versions']} event versions, "
          f"{result['alerts']} alerts", flush=True)
    return result, out, phase


def offline_limit(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The corpus through the in-memory runner in this process: what the stages cost without Kafka or faust."""
    from sitrep.processor.pipeline import LocalPipeline

    pipeline = LocalPipeline()
    wall, cpu = time.perf_counter(), time.process_time()
    out = pipeline.process(records)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"documents": len(records), "seconds": round(wall, 2), "documents_per_second": round(len(records) / wall, 1),
            "cpu_ms_per_document": round(1000 * cpu / len(records), 2), "event_versions": len(out.events)}


def ratios(full: dict[str, Any], offline: dict[str, Any]) -> dict[str, float]:
    cpu = full["resources"]["processor"]["cpu_seconds"] * 1000 / full["documents"]
    return {"throughput_to_offline": round(full["documents_per_second"] / offline["documents_per_second"], 3),
            "processor_cpu_ms_per_document": round(cpu, 2),
            "processor_cpu_to_offline_cpu": round(cpu / offline["cpu_ms_per_document"], 2)}


def machine(bootstrap_local: bool) -> dict[str, Any]:
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor()
    jars = sorted(LIBS.glob("kafka_2.13-*.jar"))
    kafka = jars[0].stem.removeprefix("kafka_2.13-") if bootstrap_local and jars else "external broker"
    import aiokafka
    import faust
    import kafka as kafka_python

    return {"date": datetime.now(UTC).isoformat(timespec="seconds"), "cpu_count": os.cpu_count(), "cpu_model": model,
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1), "python": platform.python_version(),
            "platform": platform.platform(), "kafka": kafka, "kafka_python": kafka_python.__version__,
            "aiokafka": aiokafka.__version__, "faust": faust.__version__}


def fmt(v: Any) -> str:
    return "-" if v is None else f"{v:g}" if isinstance(v, float) else str(v)


def table(results: dict[str, Any]) -> str:
    phases = results["phases"]
    names = list(phases)
    rows: list[tuple[str, list[Any]]] = [
        ("documents", [phases[n]["documents"] for n in names]),
        ("publish rate (docs/s)", [phases[n]["rate"] or "max" for n in names]),
        ("partitions / workers", [f"{phases[n]['partitions']}/{phases[n]['workers']}" for n in names]),
        ("end-to-end docs/s", [phases[n]["documents_per_second"] for n in names]),
        ("sustained verdicts/s (p10-p90)", [phases[n]["sustained_verdicts_per_second"] for n in names]),
        ("event versions / alerts", [f"{phases[n]['event_versions']}/{phases[n]['alerts']}" for n in names]),
    ]
    for key, label in (("raw_to_verdict", "raw->verdict"), ("raw_to_event_stored", "raw->event stored"),
                       ("raw_to_alert", "raw->alert")):
        for p in ("p50", "p95", "p99"):
            rows.append((f"{label} {p} (s)", [phases[n]["latency_seconds"][key][p] for n in names]))
    services = sorted({s for n in names for s in phases[n]["resources"]})
    for s in services:
        rows.append((f"{s} CPU s / peak MB",
                     [f"{r['cpu_seconds']:g} / {r['peak_rss_mb']:g}" if (r := phases[n]["resources"].get(s)) else "-"
                      for n in names]))
    width = max(len(r[0]) for r in rows) + 2
    cols = [max(len(n), *(len(fmt(r[1][i])) for r in rows)) + 2 for i, n in enumerate(names)]
    lines = ["".ljust(width) + "".join(n.rjust(c) for n, c in zip(names, cols, strict=True))]
    lines += [label.ljust(width) + "".join(fmt(v).rjust(c) for v, c in zip(vals, cols, strict=True))
              for label, vals in rows]
    lim = results.get("limit")
    if lim:
        lines.append("")
        lines.append("pass-through limit (same broker, same raw messages): " + ", ".join(
            f"{r['client']} {fmt(r['per_second'])} msgs/s" for r in lim["runs"]))
        full = phases.get("full")
        if full and lim["per_second"]:
            lines.append(f"end to end / limit: {full['documents_per_second'] / lim['per_second']:.3f}")
    off = results.get("offline")
    if off:
        lines.append(f"offline limit (in-memory runner, same documents): {off['documents_per_second']} docs/s, "
                     f"{off['cpu_ms_per_document']} CPU ms/doc; full phase / offline: "
                     + ", ".join(f"{k} {v}" for k, v in results.get("ratios", {}).items()))
    if results.get("scale_out"):
        lines.append("scale-out, 1 vs N workers: " + orjson.dumps(results["scale_out"]).decode())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=3000, help="documents in the full-speed phase")
    ap.add_argument("--rate", type=float, default=50.0, help="documents/s in the fixed-rate phase (0: skip it)")
    ap.add_argument("--rate-docs", type=int, default=1500, help="documents in the fixed-rate phase")
    ap.add_argument("--workers", type=int, default=1, help="> 1 adds the scale-out phases")
    ap.add_argument("--partitions", type=int, default=4, help="partitions in the scale-out phases")
    ap.add_argument("--corpus", choices=("gen", "docgen"), default="gen",
                    help="gen: bench/corpus_gen.py (~5 KB articles); docgen: tests/docgen.py")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--timeout", type=float, default=600, help="seconds a phase may take to drain")
    ap.add_argument("--no-limit", action="store_true", help="skip the pass-through measurement")
    ap.add_argument("--phases", default="rate,full", help="comma-separated subset of rate,full")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--profile", type=Path, default=None,
                    help="folder for py-spy profiles of every service (summarise: bench/e2e_profile.py FILE)")
    args = ap.parse_args(argv)

    records = corpus(max(args.docs, args.rate_docs), args.seed, args.corpus)
    alert_names = [s.name for s in load_subscriptions(SUBSCRIPTIONS)]
    wanted = set(args.phases.split(","))
    with tempfile.TemporaryDirectory(prefix="sitrep-e2e-") as tmp:
        root = Path(tmp)
        broker = None
        bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        if not bootstrap:
            print("starting the local Kafka broker ...", flush=True)
            broker = LocalKafka(root / "broker")
            bootstrap = broker.start()
        broker_pid = broker.pid() if broker else None
        kinds = {k: sum(r["kind"] == k for r in records) for k in ("article", "tweet")}
        results: dict[str, Any] = {
            "command": "python bench/e2e.py " + " ".join(argv or sys.argv[1:]), "machine": machine(broker is not None),
            "corpus": {"source": args.corpus, "seed": args.seed, "kinds": kinds,
                       "avg_bytes": round(sum(len(r["text"]) for r in records) / len(records))},
            "phases": {}}
        common = {"bootstrap": bootstrap, "root": root, "broker_pid": broker_pid, "alert_topics": alert_names,
                  "timeout": args.timeout, "profile": args.profile}
        try:
            if args.rate and "rate" in wanted:
                results["phases"]["rate"], _, _ = run_phase("rate", records[:args.rate_docs], args.rate,
                                                            partitions=1, workers=1, **common)
            full_phase = None
            if "full" in wanted:
                results["phases"]["full"], _, full_phase = run_phase("full", records[:args.docs], None,
                                                                     partitions=1, workers=1, **common)
            if args.workers > 1:
                r1, o1, _ = run_phase("scale-1", records[:args.docs], None, partitions=args.partitions, workers=1,
                                      **common)
                rn, on, _ = run_phase(f"scale-{args.workers}", records[:args.docs], None,
                                      partitions=args.partitions, workers=args.workers, **common)
                results["phases"]["scale-1"], results["phases"][f"scale-{args.workers}"] = r1, rn
                results["scale_out"] = compare(o1.signature(), on.signature())
            if "full" in wanted:
                print("[offline] the same documents through the in-memory runner", flush=True)
                results["offline"] = offline_limit(records[:args.docs])
                results["ratios"] = ratios(results["phases"]["full"], results["offline"])
            if full_phase and not args.no_limit:
                print("[limit] pass-through consumer -> producer", flush=True)
                s = full_phase.settings
                results["limit"] = limit(s, [s.topic("raw.articles"), s.topic("raw.tweets")], args.docs)
        finally:
            if broker:
                broker.stop()
    text = table(results)
    print("\n" + text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2) + b"\n")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Page load with 10,000 stored events: how long the server works on every request the page makes when it opens.

A real SQLite store is filled by the pipeline from seeds/ (documents, verdicts, events), then grown to --events
events by copies of the seed events at other dates and places (written through storage's writer, as
`sitrep storage` would). A real `sitrep api` server (in this process, on 127.0.0.1) answers the page's opening
requests in the order the page sends them; for each, the server-side time (the route's work: query, encode) and
the wall time over HTTP are measured. Not a test: it prints a table and writes bench/results/ui_bench.json.

    python bench/ui_bench.py [--events 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "services"))

from sitrep.storage import api as api_module  # noqa: E402
from sitrep.storage.api import ApiServer, Context, route  # noqa: E402
from sitrep.storage.backends import open_store  # noqa: E402
from sitrep.storage.sql_store import SqlStore  # noqa: E402
from sitrep.topics import Topic  # noqa: E402
from tests.browser.filling import fill_from_corpus  # noqa: E402

# what the page requests when it opens, in its order (frontend/src/main.js boot(): config, basemap, live cursor,
# events, timeline; the HTML and its two files first)
PAGE_LOAD = (
    "/",
    "/static/app.css",
    "/static/app.js",
    "/config.json",
    "/static/countries.geojson",
    "/changes?",
    "/events.geojson?limit=10000",
    "/timeline?",
)
FILTERED = (
    "/events.geojson?country=Syria&event_type=Explosions%2FRemote+violence&limit=10000",
    "/timeline?country=Syria&event_type=Explosions%2FRemote+violence",
)


def grow(store: SqlStore, target: int, seed: int = 7) -> int:
    """Copies of the stored events, each a new event at another date and a nearby point, until ``target``."""
    rng = random.Random(seed)
    base = [orjson.loads(r[0]) for r in store.execute("SELECT record FROM events").fetchall()]
    have = len(base)
    start = date(2015, 1, 1)
    n = 0
    while have < target:
        event = dict(rng.choice(base))
        loc = dict(event["location"])
        if loc.get("lat") is not None:
            loc["lat"] = max(-89.0, min(89.0, loc["lat"] + rng.uniform(-1.5, 1.5)))
            loc["lon"] = max(-179.0, min(179.0, loc["lon"] + rng.uniform(-1.5, 1.5)))
        event.update(
            event_id=f"bench-{n:06d}",
            version=1,
            location=loc,
            event_date=(start + timedelta(days=rng.randrange(0, 3650))).isoformat(),
            fatalities=rng.choice([None, 0, 1, 2, 5, 12, 40]),
        )
        store.add(Topic.EVENTS, event)
        n, have = n + 1, have + 1
        if n % 1000 == 0:
            store.flush()
    store.flush()
    return store.count("events")


def timed_route(ctx: Context, target: str) -> tuple[float, int]:
    started = time.perf_counter()
    reply = route(ctx, target)
    return time.perf_counter() - started, len(reply.body)


def measure(ctx: Context, base_url: str, targets: tuple[str, ...], runs: int) -> dict[str, Any]:
    rows: dict[str, dict[str, list[float]]] = {t: {"server_s": [], "http_s": [], "bytes": []} for t in targets}
    totals_server, totals_http = [], []
    with httpx.Client(base_url=base_url, timeout=60) as client:
        for _ in range(runs):
            run_server = run_http = 0.0
            for target in targets:
                server_s, size = timed_route(ctx, target)
                started = time.perf_counter()
                assert client.get(target).status_code == 200, target
                http_s = time.perf_counter() - started
                rows[target]["server_s"].append(server_s)
                rows[target]["http_s"].append(http_s)
                rows[target]["bytes"].append(size)
                run_server, run_http = run_server + server_s, run_http + http_s
            totals_server.append(run_server)
            totals_http.append(run_http)
    return {
        "requests": {
            t: {
                "server_s_median": statistics.median(v["server_s"]),
                "http_s_median": statistics.median(v["http_s"]),
                "bytes": int(v["bytes"][0]),
            }
            for t, v in rows.items()
        },
        "server_s_median": statistics.median(totals_server),
        "server_s_max": max(totals_server),
        "http_s_median": statistics.median(totals_http),
        "http_s_max": max(totals_http),
    }


def machine() -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ui_bench.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'ui_bench.db'}"
        writer = open_store(url)
        fill_from_corpus(writer, ROOT / "seeds")
        stored = grow(writer, args.events)
        writer.close()
        store = open_store(url, read_only=True)
        ctx = Context(store)
        server = ApiServer(store, "127.0.0.1", 0, env={}).start()
        try:
            page = measure(ctx, server.url, PAGE_LOAD, args.runs)
            filtered = measure(ctx, server.url, FILTERED, args.runs)
        finally:
            server.stop()
            store.close()
    result = {
        "events_stored": stored,
        "runs": args.runs,
        "page_load": page,
        "filtered_reload": filtered,
        "target_server_s": 1.0,
        "machine": machine(),
        "poll_seconds_default": api_module.DEFAULT_POLL_SECONDS,
    }
    print(f"{stored} events stored; page load, median of {args.runs} runs (max):")
    print(f"{'request':60} {'server s':>9} {'HTTP s':>8} {'bytes':>10}")
    for target, row in page["requests"].items():
        print(f"{target:60} {row['server_s_median']:9.3f} {row['http_s_median']:8.3f} {row['bytes']:10d}")
    print(
        f"{'TOTAL (page load)':60} {page['server_s_median']:9.3f} {page['http_s_median']:8.3f}"
        f"   max {page['server_s_max']:.3f} / {page['http_s_max']:.3f}"
    )
    print(
        f"{'filtered reload (events + timeline)':60} {filtered['server_s_median']:9.3f} "
        f"{filtered['http_s_median']:8.3f}"
    )
    verdict = "met" if page["server_s_max"] < 1.0 else "NOT met"
    print(f"target: page load under 1 s of server time — {verdict}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

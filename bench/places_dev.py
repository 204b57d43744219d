"""Place mentions against gold places, per corpus folder: how many gold places (with coordinates) some mention of
the document resolves to within 50 km (recall), and how many mentions land in a country none of the document's gold
events is in (a proxy for false place matches: "Of", "Said", a homonym abroad).

    python bench/places_dev.py FOLDER [FOLDER ...] [-v]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from sitrep.extraction.lexicon import distance_km
from sitrep.extraction.places import PlaceMention, find_place_mentions


def _near(m: PlaceMention, lat: float, lon: float) -> bool:
    return (
        any(p.lat is not None and p.lon is not None and distance_km(p.lat, p.lon, lat, lon) <= 50 for p in (m.place,))
        and m.place.lat is not None
    )


def score(folder: Path, verbose: bool) -> dict[str, float]:
    gold: dict[str, list[dict[str, object]]] = defaultdict(list)
    for line in (folder / "gold_events.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            e = json.loads(line)
            for d in e["doc_ids"]:
                gold[d].append(e)
    found = total = mentions = foreign = 0
    seconds = 0.0
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        t0 = time.perf_counter()
        ms = find_place_mentions(text)
        seconds += time.perf_counter() - t0
        events = gold.get(path.stem, [])
        countries = {e.get("country") for e in events}
        mentions += len(ms)
        for m in ms:
            if events and m.place.country not in countries:
                foreign += 1
                if verbose:
                    print(f"  foreign {path.stem}: {m.surface!r} -> {m.place.name} ({m.place.kind}, {m.place.country})")
        for e in events:
            if e.get("lat") is None:
                continue
            total += 1
            if any(_near(m, float(e["lat"]), float(e["lon"])) for m in ms):  # type: ignore[arg-type]
                found += 1
            elif verbose:
                print(f"  missed {path.stem}: {e['place']} ({e.get('country')})")
    return {
        "gold_places": total,
        "recall_50km": round(found / total, 3) if total else 0.0,
        "mentions": mentions,
        "foreign_mentions": foreign,
        "foreign_share": round(foreign / mentions, 3) if mentions else 0.0,
        "seconds": round(seconds, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("-v", action="store_true")
    args = parser.parse_args()
    for f in args.folders:
        print(f, score(f, args.v))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

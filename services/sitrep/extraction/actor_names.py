"""Actor mentions by ACLED-style name: state forces of every country, the armed groups of today's conflicts, and
ACLED's generic actors.

State forces come from the country/demonym table (data/countries.tsv) crossed with force nouns: "Sudanese army",
"Russian forces", "Malian soldiers", "Ukrainian drones", "Kenyan police" -> Military Forces of Sudan / of Russia /
of Mali / of Ukraine, Police Forces of Kenya. Named groups and their aliases are in `GROUPS` (actor_groups.py).
Generic mentions ("gunmen", "civilians", "protesters", "troops") carry no country: `generic_actor(kind, country)`
names them once the event's country is known.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ahocorasick

from sitrep.extraction.actor_groups import GENERIC, GROUPS
from sitrep.extraction.textnorm import fold, name_variants, norm_key

DATA = Path(__file__).with_name("data")

TEMPLATES = {
    "state": "Military Forces of {}",
    "police": "Police Forces of {}",
    "civilians": "Civilians ({})",
    "protesters": "Protesters ({})",
    "rioters": "Rioters ({})",
    "unidentified": "Unidentified Armed Group ({})",
    "rebels": "Rebels ({})",
}
BARE = {
    "state": "Military Forces",
    "police": "Police Forces",
    "civilians": "Civilians",
    "protesters": "Protesters",
    "rioters": "Rioters",
    "unidentified": "Unidentified Armed Group",
    "rebels": "Rebels",
}
# Nouns after a demonym or a country name that make a state actor, with the platform they name
FORCE_NOUNS: dict[str, str | None] = {
    "army": None,
    "armed forces": None,
    "military": None,
    "forces": None,
    "troops": None,
    "soldiers": None,
    "security forces": None,
    "government forces": None,
    "regime forces": None,
    "defence forces": None,
    "defense forces": None,
    "special forces": None,
    "marines": None,
    "paratroopers": None,
    "gendarmerie": None,
    "gendarmes": None,
    "national guard": None,
    "border guards": None,
    "coast guard": "naval",
    "navy": "naval",
    "naval forces": "naval",
    "warships": "naval",
    "air force": "air",
    "air forces": "air",
    "jets": "air",
    "fighter jets": "air",
    "warplanes": "air",
    "aircraft": "air",
    "planes": "air",
    "helicopters": "air",
    "helicopter": "air",
    "helicopter gunships": "air",
    "gunships": "air",
    "airstrike": "air",
    "airstrikes": "air",
    "air strike": "air",
    "air strikes": "air",
    "air raid": "air",
    "air raids": "air",
    "drone": "drone",
    "drones": "drone",
    "drone strike": "drone",
    "drone strikes": "drone",
    "artillery": "artillery",
    "tanks": "artillery",
    "shelling": "artillery",
    "missiles": None,
    "strike": None,
    "strikes": None,
    "raid": None,
    "raids": None,
    "attack": None,
    "attacks": None,
    "bombardment": None,
    "offensive": None,
    "units": None,
    "commandos": None,
    "infantry": None,
    "military forces": None,
    "occupation forces": None,
    "occupation army": None,
    "junta": None,
    "military junta": None,
    "fighters": None,
}
POLICE_NOUNS = ("police", "police forces", "police officers", "policemen", "riot police", "police force")
# ACLED names "of the United States", "of the Democratic Republic of Congo"
_THE = re.compile(
    r"^(?:United|Democratic Republic|Republic of|Central African|Philippines|Netherlands|Gambia|"
    r"Bahamas|Comoros|Maldives|Seychelles|Solomon|Marshall|Czech|Dominican|United Arab)"
)


@dataclass(frozen=True, slots=True)
class ActorMention:
    start: int
    end: int
    surface: str
    actor: str  # ACLED-style name; generic actors without their country ("Civilians")
    kind: str  # state | police | nonstate | civilians | protesters | rioters | unidentified | rebels | international
    country: str | None
    platform: str | None = None  # "air" | "drone" | "artillery" | "naval" | None


@dataclass(frozen=True, slots=True)
class _Entry:
    actor: str
    kind: str
    country: str | None
    platform: str | None
    exact: str | None  # case-sensitive alias (IS, US, PDF): the matched text without punctuation must equal it


def forces_of(country: str) -> str:
    return f"Military Forces of {'the ' if _THE.match(country) else ''}{country}"


def police_of(country: str) -> str:
    return f"Police Forces of {'the ' if _THE.match(country) else ''}{country}"


# State forces that strike from the air often enough that a bare "struck" by them may be an air strike
AIR_CAPABLE = frozenset(
    {
        "Operation Inherent Resolve",
        "Saudi-led Coalition",
        "Islamic Revolutionary Guard Corps",
        "Libyan National Army",
        *(
            forces_of(c)
            for c in (
                "Israel",
                "United States",
                "Russia",
                "Ukraine",
                "Syria",
                "Iraq",
                "Turkey",
                "United Kingdom",
                "Jordan",
                "Saudi Arabia",
                "United Arab Emirates",
                "Egypt",
                "Sudan",
                "Nigeria",
                "Myanmar",
                "Pakistan",
                "Ethiopia",
                "Mali",
                "Burkina Faso",
                "Niger",
                "Chad",
                "France",
                "Iran",
                "India",
                "Azerbaijan",
                "Colombia",
                "Kenya",
                "Libya",
                "Afghanistan",
            )
        ),
    }
)


def generic_actor(kind: str, country: str | None) -> str:
    """ACLED's generic actor of `kind` in `country`: "Civilians (Sudan)", "Unidentified Armed Group (Nigeria)",
    "Military Forces of Mali"; without a country the qualifier is dropped ("Civilians")."""
    if country is None:
        return BARE.get(kind, kind)
    if kind == "state":
        return forces_of(country)
    if kind == "police":
        return police_of(country)
    return TEMPLATES.get(kind, "{}").format(country)


def load_countries() -> list[tuple[str, list[str], list[str]]]:
    """(ACLED name, aliases, demonyms) of every country in data/countries.tsv."""
    with (DATA / "countries.tsv").open(encoding="utf-8") as fh:
        rows = csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t")
        return [
            (r["name"], [a for a in r["aliases"].split("|") if a], [d for d in r["demonyms"].split("|") if d])
            for r in rows
        ]


def _case_sensitive(alias: str) -> str | None:
    letters = re.sub(r"[^A-Za-z0-9]", "", alias)
    if len(letters) <= 5 and sum(c.isupper() for c in letters) >= 2:
        return re.sub(r"\W", "", alias)
    return None


def _state_entries() -> list[tuple[str, _Entry]]:
    out = []
    for name, aliases, demonyms in load_countries():
        forces, police = forces_of(name), police_of(name)
        for qualifier in {*demonyms, name, f"{name}'s", *aliases}:
            if len(re.sub(r"\W", "", qualifier)) < 2:
                continue
            for noun, platform in FORCE_NOUNS.items():
                out.append((f"{qualifier} {noun}", _Entry(forces, "state", name, platform, None)))
            for noun in POLICE_NOUNS:
                out.append((f"{qualifier} {noun}", _Entry(police, "police", name, None, None)))
        out.append((f"army of {name}", _Entry(forces, "state", name, None, None)))
    return out


def _group_entries() -> list[tuple[str, _Entry]]:
    out = []
    for actor, (kind, country, aliases) in GROUPS.items():
        for alias in [actor, *aliases]:
            platform = (
                "air"
                if re.search(r"\b(?:jets|warplanes|aircraft|air force|airstrikes?)\b", alias, re.I)
                else "drone"
                if re.search(r"\bdrones?\b", alias, re.I)
                else None
            )
            out.append((alias, _Entry(actor, kind, country, platform, _case_sensitive(alias))))
    for kind, (aliases, platform) in GENERIC.items():
        for alias in aliases:
            out.append((alias, _Entry(BARE[kind], kind, None, platform, None)))
    return out


class ActorIndex:
    def __init__(self) -> None:
        table: dict[str, list[_Entry]] = {}
        for alias, entry in _state_entries() + _group_entries():
            words = set(norm_key(alias).split())
            keys = name_variants(alias, 12) if words & {"al", "el", "ad", "ash", "as", "an", "ar", "at"} else set()
            for key in keys | {norm_key(alias)}:
                if key:
                    bucket = table.setdefault(key, [])
                    if entry not in bucket:
                        bucket.append(entry)
        self.automaton = ahocorasick.Automaton()
        for key, entries in table.items():
            self.automaton.add_word(" " + key, (len(key), tuple(entries)))
        self.automaton.make_automaton()
        self.kinds = {e.actor: e.kind for entries in table.values() for e in entries}

    def find(self, text: str, folded: str) -> list[ActorMention]:
        n = len(folded)
        out = []
        for end, (length, entries) in self.automaton.iter_long(" " + folded):
            if end < n and folded[end].isalnum():
                continue
            start = end - length
            surface = text[start:end]
            entry = next((e for e in entries if _fits(e, text, surface, start, end)), None)
            if entry is not None:
                out.append(ActorMention(start, end, surface, entry.actor, entry.kind, entry.country, entry.platform))
        return out


def _fits(e: _Entry, text: str, surface: str, start: int, end: int) -> bool:
    if e.exact is None:
        return True
    return re.sub(r"\W", "", surface) == e.exact and not _in_capitals(text, start, end)


def _in_capitals(text: str, start: int, end: int) -> bool:
    """An acronym inside an all-capitals heading ("ABU KAMAL IS THE NEW ...") is just a capitalised word."""
    if text[end : end + 1] == " " and text[end + 1 : end + 2].islower():
        return False
    before = text[max(0, start - 12) : start].split()
    after = text[end : end + 12].split()
    neighbours = [w for w in (before[-1:] + after[:1]) if any(c.isalpha() for c in w)]
    return bool(neighbours) and all(w.isupper() and len(w) > 1 for w in neighbours)


@cache
def actor_index() -> ActorIndex:
    return ActorIndex()


def find_actor_mentions(text: str, folded: str | None = None) -> list[ActorMention]:
    """Every actor mention of the document, in text order, non-overlapping, leftmost-longest."""
    return actor_index().find(text, fold(text) if folded is None else folded)


def actor_kind(actor: str) -> str | None:
    """The kind of a canonical actor name ("state", "nonstate", "civilians", ...), None when unknown."""
    kind = actor_index().kinds.get(actor)
    if kind is not None:
        return kind
    for k, template in TEMPLATES.items():
        prefix = template.split("{}")[0]
        if actor.startswith(prefix) or actor == BARE[k]:
            return k
    return None


def is_state_actor(actor: str | None) -> bool:
    """State or police forces (replaces taxonomy.STATE_ACTORS)."""
    return actor is not None and actor_kind(actor) in ("state", "police")


def flies(actor: str | None) -> bool:
    """An actor with aircraft or drones: a bare "struck" by it may be an air strike (replaces taxonomy.AIR_ACTORS)."""
    return actor is not None and actor in AIR_CAPABLE


class _KindSet:
    """A set-like view over actor kinds, for callers that test `actor in STATE_ACTORS`."""

    def __init__(self, test: Callable[[str | None], bool]) -> None:
        self._test = test

    def __contains__(self, actor: object) -> bool:
        return isinstance(actor, str) and self._test(actor)


STATE_ACTORS = _KindSet(is_state_actor)
AIR_ACTORS = _KindSet(flies)

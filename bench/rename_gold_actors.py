"""Rename the actors of the regression gold files to the ACLED-style names extraction now gives (a mapping only:
nothing else in the files changes). Generic actors written without their country ("Civilians") get the gold row's
own country, as ANNOTATION.md writes them ("Civilians (Syria)").

    python bench/rename_gold_actors.py seeds/gold_events.jsonl bench/heldout/gold_events.jsonl \
        bench/devset2/gold_events.jsonl
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

# old name -> new name (see services/sitrep/extraction/data/README.md, "Actor names")
RENAME = {
    "Israel": "Military Forces of Israel",
    "US-led coalition": "Operation Inherent Resolve",
    "United States": "Military Forces of the United States",
    "Iraqi Security Forces": "Military Forces of Iraq",
    "Syrian government forces": "Military Forces of Syria",
    "Russia": "Military Forces of Russia",
    "Turkey": "Military Forces of Turkey",
    "Iran": "Military Forces of Iran",
    "Norway": "Military Forces of Norway",
    "United Kingdom": "Military Forces of the United Kingdom",
    "Jordan": "Military Forces of Jordan",
    "Lebanese Armed Forces": "Military Forces of Lebanon",
    "IRGC": "Islamic Revolutionary Guard Corps",
    "HTS": "Hayat Tahrir al-Sham",
    "SDF": "Syrian Democratic Forces",
    "YPG": "People's Protection Units",
    "PKK": "Kurdistan Workers' Party",
    "Popular Mobilization Units": "Popular Mobilization Forces",
    "Syrian rebels": "Rebels (Syria)",
}
GENERIC = {"Civilians", "Protesters", "Rioters", "Unidentified Armed Group", "Rebels"}


def rename(actor: str | None, country: str | None) -> str | None:
    if actor is None:
        return None
    if actor in GENERIC and country:
        return f"{actor} ({country})"
    return RENAME.get(actor, actor)


_ACTOR = re.compile(r'("actor[12]": )"((?:[^"\\]|\\.)*)"')


def rename_line(line: str) -> str:
    """The same line with its actor values renamed, byte for byte otherwise."""
    if not line.strip():
        return line
    country = json.loads(line).get("country")

    def sub(m: re.Match[str]) -> str:
        old = json.loads(f'"{m.group(2)}"')
        return m.group(1) + json.dumps(rename(old, country), ensure_ascii=False)

    return _ACTOR.sub(sub, line)


def main(paths: list[str]) -> int:
    for name in paths:
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        path.write_text("".join(rename_line(line) for line in text.splitlines(keepends=True)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

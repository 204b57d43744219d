"""Build the labelled syndicated-copies set (issue 12) from hand-written wire stories and hand-written recipes.

Each recipe says how one outlet re-published one wire story, the ways real outlets do it (read in news pages while
writing this set): a new headline, the dateline or agency tag dropped, the story cut after a paragraph, a local
paragraph or an editor's note added, page clutter around it (navigation, newsletter prompts, "The post ... appeared
first on ...", copyright lines, photo captions, related links), hard-wrapped lines. Every text, recipe and clutter
line here was written for this set. Negatives are written out in full under negatives/: two releases of one template
on different days, and independent write-ups of the same event (same event, not a copy).

    python bench/copies/build.py      # writes bench/copies/corpus/ (manifest.jsonl, *.txt) and labels.jsonl
"""

from __future__ import annotations

import shutil
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Recipe:
    copy_id: str
    original: str
    outlet: str
    published_at: str
    headline: str | None = None  # None: the original's headline
    keep: slice = field(
        default_factory=lambda: slice(None)
    )  # body paragraphs kept (the headline is not a body paragraph)
    drop_dateline: bool = False
    before: tuple[str, ...] = ()  # clutter lines above the story
    inserted: dict[int, str] = field(default_factory=dict)  # paragraph index -> text added before it
    after: tuple[str, ...] = ()  # added paragraphs and clutter below the story
    wrap: int | None = None  # hard-wrap width


NAV = ("Skip to content", "Join our Newsletter", "Home | World | Africa | Opinion | Video")
ORIGINALS = {  # id -> (outlet, published_at)
    "w01": ("wire (AP-style)", "2025-06-14"),
    "w02": ("wire (Reuters-style)", "2025-03-07"),
    "w03": ("wire (AFP-style)", "2025-02-11"),
    "w04": ("wire (AP-style)", "2025-05-21"),
    "w05": ("wire (Reuters-style)", "2025-04-13"),
    "w06": ("wire (AP-style)", "2024-06-18"),
    "w07": ("wire (Reuters-style)", "2024-07-04"),
    "w08": ("wire (AP-style)", "2024-10-07"),
}
# written out in full: two releases of one template each (n01/n02, n03/n04), and independent write-ups of the events
# of w01 (n05) and w07 (n06): none of them is a copy of anything
NEGATIVES = {
    "n01": ("air force daily release", "2025-02-04"),
    "n02": ("air force daily release", "2025-02-05"),
    "n03": ("defence HQ weekly briefing", "2025-03-13"),
    "n04": ("defence HQ weekly briefing", "2025-03-20"),
    "n05": ("Sudanese local outlet", "2025-06-15"),
    "n06": ("maritime news site", "2024-07-05"),
}
RECIPES = [
    Recipe(
        "c01a",
        "w01",
        "regional news site",
        "2025-06-14",
        "Drone attack on El Obeid livestock market leaves 19 dead",
        keep=slice(0, 3),
        before=NAV,
        after=(
            "The post Drone attack on El Obeid livestock market leaves 19 dead appeared first on Sudan Monitor.",
            "Please enter your comment!",
            "Please enter your name here",
        ),
    ),
    Recipe(
        "c01b",
        "w01",
        "diaspora news portal",
        "2025-06-15",
        drop_dateline=True,
        wrap=72,
        after=(
            "Our correspondent in El Obeid said on Sunday that funerals were held for most of the victims and "
            "that traders had stayed away from the market, which normally draws herders from across the "
            "province.",
            "Copyright 2025 The Associated Press. All rights reserved.",
        ),
    ),
    Recipe(
        "c02a",
        "w02",
        "business daily (wire page)",
        "2025-03-07",
        keep=slice(0, 2),
        after=(
            "Read more:",
            "Burkina junta extends transition by five years",
            "Mali and Niger leave West African bloc",
        ),
    ),
    Recipe(
        "c02b",
        "w02",
        "pan-African portal",
        "2025-03-08",
        "Burkina Faso: dawn attack on Soum mosque kills 11",
        keep=slice(0, 5),
        inserted={3: "ADVERTISEMENT"},
        before=("By Reuters staff",),
    ),
    Recipe(
        "c03a",
        "w03",
        "Ukrainian English-language site",
        "2025-02-11",
        drop_dateline=True,
        inserted={1: "Photo: Firefighters at the damaged terminal in Odesa. Credit: regional administration"},
        after=("Subscribe to our daily newsletter to get the main news of the day.",),
    ),
    Recipe(
        "c03b",
        "w03",
        "shipping trade journal",
        "2025-02-12",
        "Odesa grain terminal damaged in overnight strike",
        keep=slice(0, 4),
        after=(
            "Freight brokers said insurance premiums for Black Sea calls were likely to rise again after the "
            "attack, though most terminals in the region kept loading on Tuesday.",
        ),
    ),
    Recipe(
        "c04a",
        "w04",
        "US local newspaper (wire page)",
        "2025-05-21",
        keep=slice(0, 4),
        after=(
            "Copyright 2025 The Associated Press. All rights reserved. This material may not be published, "
            "broadcast, rewritten or redistributed without permission.",
        ),
    ),
    Recipe(
        "c04b",
        "w04",
        "Pakistani daily",
        "2025-05-22",
        "Nine policemen martyred in Bannu suicide attack",
        inserted={
            2: "District officials said the checkpoint had been set up two months ago after militants "
            "attacked a nearby police station, and that the officers on duty were mostly young "
            "recruits from surrounding villages."
        },
        after=(
            "Separately, the provincial government announced compensation for the families of the officers "
            "killed and said the wounded would be treated at state expense.",
            "The writer is our correspondent in Bannu.",
        ),
    ),
    Recipe(
        "c05a",
        "w05",
        "regional aggregator",
        "2025-04-13",
        "Junta jet bombs Sagaing village school, 23 killed",
        wrap=64,
        before=("Breaking", "Share this article"),
    ),
    Recipe(
        "c05b",
        "w05",
        "exile media site",
        "2025-04-14",
        keep=slice(0, 3),
        drop_dateline=True,
        after=("Related: Junta air strikes on civilians rose sharply last year, monitors say",),
    ),
    Recipe(
        "c06a",
        "w06",
        "broadcaster website",
        "2024-06-18",
        "Kenya: tear gas fired at Nairobi finance bill protest",
        keep=slice(0, 4),
        before=NAV,
        after=("Watch: Protesters march on parliament (video, 2:14)",),
    ),
    Recipe("c06b", "w06", "international daily (wire page)", "2024-06-19", keep=slice(0, 3), wrap=80),
    Recipe(
        "c07a",
        "w07",
        "maritime security newsletter",
        "2024-07-04",
        "Houthis hit bulk carrier off Hodeidah",
        after=("(Reporting by Dubai newsroom; editing by Staff)",),
    ),
    Recipe(
        "c07b",
        "w07",
        "Gulf daily",
        "2024-07-05",
        keep=slice(0, 3),
        inserted={2: "Shipping data showed the vessel had left the Suez Canal two days earlier."},
    ),
    Recipe(
        "c08a",
        "w08",
        "Caribbean news site",
        "2024-10-07",
        "At least 20 killed as gang storms Pont-Sonde",
        keep=slice(0, 3),
        before=("Latest News", "Share"),
        after=("Follow us on social media for breaking news alerts.",),
    ),
    Recipe("c08b", "w08", "wire client site", "2024-10-08", drop_dateline=True, wrap=70),
]


def split_story(text: str) -> tuple[str, list[str]]:
    paras = [p.strip() for p in text.strip().split("\n\n")]
    return paras[0], paras[1:]


def render(recipe: Recipe, original: str) -> str:
    headline, body = split_story(original)
    kept = body[recipe.keep]
    if recipe.drop_dateline:
        first = kept[0]
        kept = [first.split(" — ", 1)[-1].split(" - ", 1)[-1], *kept[1:]]
        kept[0] = kept[0][:1].upper() + kept[0][1:]
    paras: list[str] = []
    for i, para in enumerate(kept):
        if i in recipe.inserted:
            paras.append(recipe.inserted[i])
        paras.append(para)
    paras += list(recipe.after)
    if recipe.wrap:
        paras = [textwrap.fill(p, recipe.wrap) for p in paras]
    return "\n\n".join([*recipe.before, recipe.headline or headline, *paras]) + "\n"


def main() -> None:
    out = HERE / "corpus"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    manifest: list[dict[str, object]] = []
    labels: list[dict[str, object]] = []
    for doc_id, (outlet, published) in ORIGINALS.items():
        shutil.copy(HERE / "originals" / f"{doc_id}.txt", out / f"{doc_id}.txt")
        manifest.append(
            {
                "id": doc_id,
                "file": f"{doc_id}.txt",
                "kind": "article",
                "outlet": outlet,
                "url": None,
                "published_at": published,
            }
        )
    for recipe in RECIPES:
        text = render(recipe, (HERE / "originals" / f"{recipe.original}.txt").read_text())
        (out / f"{recipe.copy_id}.txt").write_text(text)
        manifest.append(
            {
                "id": recipe.copy_id,
                "file": f"{recipe.copy_id}.txt",
                "kind": "article",
                "outlet": recipe.outlet,
                "url": None,
                "published_at": recipe.published_at,
            }
        )
        labels.append({"doc_id": recipe.copy_id, "copy_of": recipe.original})
    for path in sorted((HERE / "negatives").glob("*.txt")):
        shutil.copy(path, out / path.name)
        outlet, published = NEGATIVES[path.stem]
        manifest.append(
            {
                "id": path.stem,
                "file": path.name,
                "kind": "article",
                "outlet": outlet,
                "url": None,
                "published_at": published,
            }
        )
    (out / "manifest.jsonl").write_bytes(b"".join(orjson.dumps(m) + b"\n" for m in manifest))
    (HERE / "labels.jsonl").write_bytes(b"".join(orjson.dumps(label) + b"\n" for label in labels))
    print(f"{len(manifest)} documents, {len(labels)} copies -> {out}")


if __name__ == "__main__":
    main()

"""Frame pass: the context a sentence inherits what it leaves unstated from.

`Context` is the running discourse state while candidates are read in document order: the events made so far and the
last event of each paragraph. `carried_date` is the date an undated sentence takes from the sentences before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sitrep.extraction.consolidate import Candidate
from sitrep.extraction.dates import DateMention
from sitrep.extraction.mentions import Document

CARRY_SENTENCES = 2  # a date carries over this many sentences: further on, the text has usually moved on


@dataclass
class Context:
    made: list[Candidate] = field(default_factory=list)
    last_in_para: dict[int, Candidate] = field(default_factory=dict)

    @property
    def last(self) -> Candidate | None:
        return self.made[-1] if self.made else None

    def add(self, para: int, cands: list[Candidate]) -> None:
        for cand in cands:
            self.made.append(cand)
            self.last_in_para[para] = cand


def carried_date(doc: Document, idx: int) -> DateMention | None:
    """The first resolved date of the nearest earlier sentence (of the last few, same paragraph) that has one."""
    para = doc.spans[idx][2]
    for j in range(idx - 1, max(-1, idx - 1 - CARRY_SENTENCES), -1):
        if doc.spans[j][2] != para:
            return None
        dated = next((d for d in doc.sentence(j).dates if d.date), None)
        if dated:
            return dated
    return None

"""Fatality counts stated in a sentence: the lower bound the text gives ("at least 48" -> 48), or None.

Wounded counts never count; vague quantities use ACLED's conventions (several -> 3, dozens -> 12, hundreds -> 100).
"""

from __future__ import annotations

import re

_UNITS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "a dozen": 12, "dozen": 12}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_VAGUE = {"several": 3, "a few": 3, "few": 3, "dozens": 12, "dozens of": 12, "scores of": 20, "hundreds": 100,
          "hundreds of": 100, "a number of": 3, "many": 10}

_NUMWORD = (r"(?:\d{1,3}(?:,\d{3})+|\d+|(?:" + "|".join(_TENS) + r")(?:[- ](?:" + "|".join(
    w for w in _UNITS if w not in ("a", "an", "a dozen", "dozen")) + r"))?|" + "|".join(
    sorted((w for w in _UNITS if w not in ("a", "an")), key=len, reverse=True)) + r"|" + "|".join(
    sorted(_VAGUE, key=len, reverse=True)) + r")")
_BOUND = r"(?:at\s+least|more\s+than|over|some|around|about|nearly|almost|up\s+to|an\s+estimated|as\s+many\s+as)"
_KILLED = r"(?:killed|dead|died|KIA|slain|perished|lost\s+their\s+lives|were\s+killed|have\s+been\s+killed|" \
          r"had\s+been\s+killed|was\s+killed|were\s+slain|killing)"

_PATTERNS = [
    # "killed more than 85 ISIS fighters", "killing at least 48 people"
    re.compile(rf"\b(?:killed|killing|kills|claimed\s+the\s+lives\s+of|left)\s+(?P<b>{_BOUND}\s+)?(?P<n>{_NUMWORD})\b"
               rf"(?!\s*(?:km|kilomet|miles|metres|meters|%|vehicles|tanks|buses|strikes|times))", re.I),
    # "36 ISIS fighters, including ..., were killed", "8 Iraqi militiamen KIA", "six fighters killed"
    re.compile(rf"\b(?P<b>{_BOUND}\s+)?(?P<n>{_NUMWORD})\s+(?:(?!{_NUMWORD}\b)[A-Za-z'’\-]+\s+){{0,4}}"
               rf"(?:(?!{_NUMWORD}\b)[A-Za-z'’\-]+)?(?:,\s*including\s[^,.;]{{0,60}},)?\s*{_KILLED}\b", re.I),
    re.compile(rf"\b(?:death\s+toll|toll)\s+(?:rose\s+to|of|reached|climbed\s+to|stands\s+at|is|was)\s+"
               rf"(?P<b>{_BOUND}\s+)?(?P<n>{_NUMWORD})\b", re.I),
]
# A single named or singular victim: "neutralized the local Hezbollah operative Imad Tawil", "X died in a strike"
_SINGLE = re.compile(
    r"\b(?:killed|neutrali[sz]ed|assassinated|eliminated|shot\s+dead)\s+(?:the\s+|a\s+|an\s+|one\s+)"
    r"(?:[\w'’\-]+\s+){0,4}?(?:commander|operative|official|leader|officer|soldier|fighter|civilian|man|woman|child|"
    r"member|militant|general|spokesman|journalist)\b", re.I)
# One victim stated by a singular verb ("was killed") or a capitalised name dying ("... al-Muhandis died in ...")
_SINGULAR = re.compile(r"\b(?:was|has\s+been|had\s+been)\s+(?:killed|assassinated|shot\s+dead|slain)\b"
                       r"|\b[A-Z][\w’'\-]*\s+died\b")
# Every death phrase above contains one of these (lower-cased): sentences without any are not scanned at all.
_CUES = ("kill", "dead", "died", "kia", "slain", "perish", "lives", "toll", "neutrali", "assassinat", "eliminat")


def _value(word: str) -> int | None:
    w = re.sub(r"\s+", " ", word.lower().strip())
    if w.replace(",", "").isdigit():
        return int(w.replace(",", ""))
    if w in _UNITS:
        return _UNITS[w]
    if w in _VAGUE:
        return _VAGUE[w]
    parts = re.split(r"[- ]", w)
    if parts[0] in _TENS:
        return _TENS[parts[0]] + (_UNITS.get(parts[1], 0) if len(parts) > 1 else 0)
    return None


def find_fatalities(sentence: str) -> int | None:
    """The largest lower bound of deaths stated in the sentence, or None when it states none."""
    lower = sentence.lower()
    if not any(c in lower for c in _CUES):
        return None
    best: int | None = None
    for pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            n = _value(m.group("n"))
            if n is None or (m.group("n").isdigit() and 1900 <= n <= 2100):  # a year, not a count
                continue
            best = n if best is None else max(best, n)
    if best is None and (_SINGLE.search(sentence) or _SINGULAR.search(sentence)):
        best = 1
    return best

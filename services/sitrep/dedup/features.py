"""Per-word features of a text for copy detection by containment: which words are distinctive, which are prose.

Why: a syndicated copy keeps most of the wire story's text, but so do two releases of one template (two nightly
drone tallies, two weekly briefings): they share every templated sentence and differ in the figures, places and
dates. What a copy keeps and a template release does not is the *distinctive* words — numbers and names. And the
text an outlet adds around a copy (navigation, "read more" links, share buttons) is short lines that are not
sentences; counting them would make a truncated copy with clutter look like a different text.

- distinctive: a word that starts with a digit, or with an ASCII capital when it does not open a sentence or a line
  (so "The" after a full stop is not a name, "Kharkiv" mid-sentence is);
- capitalised: any word starting with a digit or a capital, sentence openers included — the looser set a longer
  text is searched in (a name that opens a sentence in one text and not in the other is still the same name);
- prose: a word on a line of at least `min_words` words. Navigation, share buttons, related links, bylines and
  copyright lines are shorter; hard-wrapped lines of a paragraph (60-80 characters) are long enough to stay prose.
  A short real line (a one-line quote, a wrapped paragraph's last line) only drops out of the count.

All vectorised over the UTF-8 bytes, aligned word for word with sitrep.cleaning.normalize.word_hashes (both split
the same folded bytes, whose positions are those of the text's UTF-8 bytes plus one leading space).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sitrep.cleaning.normalize import SPACE, folded_bytes

Mask = npt.NDArray[np.bool_]
_NEWLINE = 10


def _byte_set(chars: bytes) -> Mask:
    table = np.zeros(256, dtype=bool)
    table[list(chars)] = True
    return table


_BLANK = _byte_set(b" \t\r")  # not a boundary: a word after these is judged by the byte before them
_OPENS = _byte_set(b".!?:;|\n\"'([")  # the next word opens a sentence, a line or a quote


@dataclass(frozen=True)
class WordFeatures:
    distinctive: Mask
    capitalised: Mask
    prose: Mask


def word_features(text: str, min_words: int) -> WordFeatures:
    """Features of each word of the text, in the order of word_hashes(text)."""
    folded = folded_bytes(text)
    raw = np.frombuffer(b" " + text.encode("utf-8", "surrogatepass") + b" ", dtype=np.uint8)
    is_word = (folded != SPACE).view(np.int8)
    starts = np.flatnonzero(is_word[1:] - is_word[:-1] == 1) + 1
    if len(starts) == 0:
        empty = np.zeros(0, dtype=bool)
        return WordFeatures(empty, empty, empty)
    first = raw[starts]
    digit = (first >= 48) & (first <= 57)
    upper = (first >= 65) & (first <= 90)
    return WordFeatures(
        distinctive=digit | (upper & ~_opens_sentence(raw, starts)),
        capitalised=digit | upper,
        prose=_prose(raw, starts, min_words),
    )


def _opens_sentence(raw: npt.NDArray[np.uint8], starts: npt.NDArray[np.intp]) -> Mask:
    """Whether the last non-blank byte before each word start is a sentence/line/quote opener (or there is none)."""
    solid = np.flatnonzero(~_BLANK[raw])
    before = np.searchsorted(solid, starts) - 1
    prev = raw[solid[np.maximum(before, 0)]]
    opens: Mask = _OPENS[prev] | (before < 0) | (prev >= 0x80)  # non-ASCII before: a curly quote or a dash
    return opens


def _prose(raw: npt.NDArray[np.uint8], starts: npt.NDArray[np.intp], min_words: int) -> Mask:
    """Whether each word is on a line of at least min_words words."""
    line_of = np.searchsorted(np.flatnonzero(raw == _NEWLINE), starts)
    words_per_line = np.bincount(line_of)
    prose_line: Mask = words_per_line >= min_words
    return prose_line[line_of]

"""Cleaning raw documents: boilerplate, comment threads, repeats and teasers out; listing pages split into posts.

Pure functions over plain dicts; the clean text keeps an exact offset map (segments) back to the raw text.
"""

from sitrep.cleaning.document import clean_document
from sitrep.cleaning.normalize import content_hash, normalized, tokens
from sitrep.cleaning.segments import to_raw_offset, to_raw_span

__all__ = ["clean_document", "content_hash", "normalized", "to_raw_offset", "to_raw_span", "tokens"]

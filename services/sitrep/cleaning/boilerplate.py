"""Recognising page furniture line by line: comment threads, moderation notices, share/search prompts, footers.

Patterns are matched against one whole trimmed line, case-insensitively, and most only against short lines, so a
sentence of an article that merely mentions comments or sharing is never dropped.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

# "Comments Off on <title>", "2 Comments on <title>", "52 Responses to <title>", "One thought on “<title>”":
# the footer closing one post. On a listing page it separates posts; on a post page comments follow it.
POST_FOOTER = re.compile(
    r"^(?:comments\s+(?:are\s+)?off\s+on|(?:\d+|one|two|three|four|five|no)\s+(?:comments?|responses?|replies|"
    r"thoughts?|reactions?)\s+(?:on|to))\s+(?P<title>\S.{0,400})$",
    _I,
)

# A line from which the rest of the post is comments, a comment form or moderation rules.
_THREAD_START = [
    r"comments?:?",
    r"(?:no|\d+|one)\s+(?:comments?|responses?|replies):?",
    r"(?:post|leave|add|write|submit|make)\s+an?\s+(?:comment|reply|response)\b.{0,100}",
    r"comments\s+are\s+(?:closed|disabled)\.?",
    r"(?:join|start)\s+the\s+(?:discussion|conversation)\b.{0,80}",
    r"(?:show|view|load|read|see)\s+(?:all\s+|more\s+|the\s+)?comments\b.{0,40}",
    r"you\s+must\s+be\s+logged\s+in\s+to\s+(?:post\s+a\s+)?comment.{0,80}",
    r"this\s+entry\s+was\s+posted\s+(?:in|on)\b.{0,300}",
    r"(?:we|\w+)\s+moderates?\s+all\s+comments\b.{0,400}",
]
THREAD_START = re.compile(r"^(?:" + "|".join(_THREAD_START) + r")$", _I)

# "2. S.E. says:" / "Jane Doe says:" / "John on May 3, 2017 at 4:12 pm said:": a commenter's header line.
COMMENT_HEADER = re.compile(r"^(?:\d{1,4}\.\s+)?\S.{0,80}?\s+(?:says|said|writes|wrote|replied)(?:\s*\.\.\.)?:?$", _I)

# Short lines that are never content, wherever they are.
_FURNITURE = [
    r"note:\s+only\s+a\s+member\s+of\s+this\s+blog\s+may\s+post\s+a\s+comment\.?",
    r".{0,300}\bbookmark\s+the\s+permalink\.?",
    r"(?:posted|filed)\s+(?:in|under)\s+.{1,200}",
    r"(?:tags?|tagged|categories|category|labels?):\s*.{0,200}",
    r"share\s+(?:this|on|via|article|story|post)\b.{0,80}",
    r"(?:share|tweet|email|e-mail|print|facebook|twitter|whatsapp|linkedin|reddit|telegram|pinterest|copy\s+link)",
    r"click\s+to\s+(?:share|print|email|tweet)\b.{0,80}",
    r"like\s+this:?",
    r"loading\.{0,3}…?",
    r"(?:subscribe|sign\s+up|signup|get\s+our\s+newsletter)\b.{0,120}",
    r"type\s+(?:on|in)\s+the\s+field\s+below.{0,80}",
    r"(?:type\s+and\s+)?(?:hit|press)\s+enter\s+to\s+search.{0,40}",
    r"search(?:\s+for)?\s*(?::|…|\.\.\.)?",
    r"related(?:\s+(?:posts|articles|stories|content|news))?:?",
    r"(?:read|see)\s+(?:more|also)\s*:?.{0,120}",
    r"continue\s+reading.{0,120}",
    r"reply|report\s+(?:abuse|comment)|permalink|\d+\s+likes?|advertisement|skip\s+to\s+(?:main\s+)?content",
    r"(?:posted|written)\s+by\s+.{1,80}",
    r"(?:newer|older)\s+posts?|home|(?:previous|next)\s+(?:post|article|story)\b.{0,150}",
    r"(?:©|\(c\)|copyright\b).{0,160}",
    r"all\s+rights\s+reserved\.?.{0,100}",
    r"(?:editing|edited|reporting|additional\s+reporting|writing|translated|compiled)\s+by\s+.{1,80}",
]
FURNITURE = re.compile(r"^(?:" + "|".join(_FURNITURE) + r")$", _I)

# A byline alone on a line: "by Jane Doe", "By HARM and Gecko".
BYLINE = re.compile(r"^by\s+(?P<who>[^\W\d_][\w.'’&-]*(?:\s+[\w.'’&-]+){0,6})$", _I)


def footer_title(line: str) -> str | None:
    """The post title named by a post footer line, without surrounding quotes; None if not a footer."""
    m = POST_FOOTER.match(line)
    if not m:
        return None
    return m.group("title").strip().strip("“”\"'‘’«»").strip() or None


def starts_thread(line: str) -> bool:
    return bool(THREAD_START.match(line))


def is_comment_header(line: str) -> bool:
    return bool(COMMENT_HEADER.match(line))


def is_furniture(line: str) -> bool:
    return len(line) <= 400 and bool(FURNITURE.match(line))


def byline(line: str) -> str | None:
    m = BYLINE.match(line)
    return m.group("who").strip() if m else None

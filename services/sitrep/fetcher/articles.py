"""Article pages -> title, date, author, body text (trafilatura; comments excluded), with a crude fallback."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

import lxml.html
import trafilatura
from lxml.etree import ParserError

MIN_TEXT_CHARS = 40  # less than this from trafilatura is a failed extraction (a cookie banner, a menu)
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre", "section",
               "article", "header", "footer", "ul", "ol", "table", "hr"}
_DROP_TAGS = ("script", "style", "noscript", "template", "nav", "footer", "header", "aside", "form", "iframe", "svg")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n+")


@dataclass(frozen=True)
class Extracted:
    title: str | None
    published: str | None  # YYYY-MM-DD from the page's metadata
    author: str | None
    text: str
    language: str | None
    method: str  # "trafilatura" or "fallback"


def html_to_text(html: str, drop_boilerplate: bool = True) -> str:
    """Visible text with a line break per block element: the crude path when extraction fails."""
    if not html.strip():
        return ""
    try:
        root = lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return ""
    drop = _DROP_TAGS if drop_boilerplate else ("script", "style", "noscript", "template")
    for el in list(root.iter(*drop)):
        if el.getparent() is not None:  # the root itself cannot be dropped
            el.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCK_TAGS:  # a block starts and ends a line
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    text = root.text_content()
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def extract_article(html: str, url: str | None = None) -> Extracted | None:
    """None when trafilatura finds no article body worth the name (the caller falls back and counts it)."""
    try:
        doc = trafilatura.bare_extraction(html, url=url, include_comments=False, with_metadata=True,
                                          include_tables=True)
    except Exception:  # a parser crash on one hostile page is an extraction failure, not a crash
        return None
    if doc is None:
        return None
    text = (getattr(doc, "text", None) or "").strip()
    if len(text) < MIN_TEXT_CHARS:
        return None
    title = (getattr(doc, "title", None) or "").strip() or None
    if title and text.startswith(title + "\n"):  # trafilatura repeats the <h1> headline as the first line
        text = text[len(title) + 1:].lstrip()
    return Extracted(title, getattr(doc, "date", None) or None, (getattr(doc, "author", None) or "").strip() or None,
                     text, getattr(doc, "language", None) or None, "trafilatura")


def page_title(html: str) -> str | None:
    m = re.search(r"<title[^>]*>(.*?)</title>", html, re.IGNORECASE | re.DOTALL)
    if not m:
        return None
    return _SPACES.sub(" ", unescape(m.group(1))).strip() or None

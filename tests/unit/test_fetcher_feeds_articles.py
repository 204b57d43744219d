from __future__ import annotations

from sitrep import schemas
from sitrep.fetcher.articles import extract_article, html_to_text
from sitrep.fetcher.documents import article_record, content_hash
from sitrep.fetcher.feeds import parse_feed

BODY = ("Artillery struck the eastern district overnight, local officials said on Tuesday. "
        "Two civilians were wounded and a school building was damaged, according to the regional administration. ")
PAGE = f"""<html><head><title>Strike hits district | Daily</title><meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-05-14T07:00:00Z"></head><body>
<nav><a href="/">Home</a> MENU-ITEM</nav><article><h1>Strike hits district</h1><p>{BODY}</p><p>{BODY}</p></article>
<div id="comments" class="comments"><div class="comment"><p>USER-COMMENT I disagree</p></div></div>
<footer>FOOTER-TEXT</footer></body></html>"""

RSS = b"""<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Daily</title>
<item><title>One</title><link>/news/one?utm_source=rss</link><pubDate>Tue, 14 May 2024 07:00:00 +0300</pubDate>
<author>desk@daily.example (Desk)</author><description>Short &lt;b&gt;summary&lt;/b&gt;</description>
<content:encoded><![CDATA[<p>Full text of one.</p><p>Second paragraph.</p>]]></content:encoded></item>
<item><title>No link</title></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom news</title>
<entry><title>A</title><link href="https://atom.example/a"/><updated>2024-05-14T05:00:00Z</updated>
<summary>sum</summary></entry></feed>"""


def test_extraction_keeps_the_article_and_drops_comments_nav_footer() -> None:
    got = extract_article(PAGE, "https://daily.example/strike")
    assert got is not None
    assert "Artillery struck the eastern district" in got.text
    for noise in ("USER-COMMENT", "MENU-ITEM", "FOOTER-TEXT"):
        assert noise not in got.text
    assert got.title == "Strike hits district" and got.author == "Jane Doe" and got.published == "2024-05-14"
    assert not got.text.startswith("Strike hits district")


def test_extraction_failure_returns_none_and_the_fallback_still_has_text() -> None:
    assert extract_article("<html><body><nav>Home</nav></body></html>") is None
    assert html_to_text("<div>First<p>Second &amp; third</p><script>x=1</script></div>") == "First\nSecond & third"


def test_rss_entries_resolve_links_and_dates() -> None:
    feed = parse_feed(RSS, "https://daily.example/rss.xml")
    assert feed.problem is None and feed.title == "Daily"
    assert len(feed.entries) == 1  # the entry without a link cannot become a document
    entry = feed.entries[0]
    assert entry.link == "https://daily.example/news/one?utm_source=rss"
    assert entry.published_at == "2024-05-14T04:00:00Z"
    assert "Second paragraph" in (entry.content_html or "")


def test_atom_entries() -> None:
    feed = parse_feed(ATOM, "https://atom.example/feed")
    assert [(e.link, e.published_at, e.title) for e in feed.entries] == [
        ("https://atom.example/a", "2024-05-14T05:00:00Z", "A")]


def test_malformed_feeds_say_why() -> None:
    broken = parse_feed(b"<rss><channel><title>x</ti <item><<<", "https://x.example/feed")
    assert broken.entries == [] and broken.problem
    html = parse_feed(b"<html><body>not a feed</body></html>", "https://x.example/feed")
    assert html.entries == [] and html.problem


def test_article_record_prefers_the_feed_time_and_uses_the_canonical_url() -> None:
    feed = parse_feed(RSS, "https://daily.example/rss.xml")
    extracted = extract_article(PAGE, "https://daily.example/news/one")
    record = article_record(feed.entries[0].link, "Daily", "2024-05-15T00:00:00Z", extracted=extracted,
                            entry=feed.entries[0])
    assert record is not None
    schemas.check("raw.articles", record)
    assert record["url"] == "https://daily.example/news/one"
    assert record["published_at"] == "2024-05-14T04:00:00Z" and record["published_at_from"] == "feed"
    assert record["id"].startswith("art-")


def test_article_record_dates_fall_back_in_order() -> None:
    rec = article_record("https://d.example/x", "D", "2024-05-15T00:00:00Z", fallback_text="text",
                         last_modified="Tue, 14 May 2024 07:00:00 GMT")
    assert rec is not None and rec["published_at"] == "2024-05-14T07:00:00Z"
    rec = article_record("https://d.example/x", "D", "2024-05-15T00:00:00Z", fallback_text="text")
    assert rec is not None and rec["published_at_from"] == "fetched"
    assert article_record("https://d.example/x", "D", "2024-05-15T00:00:00Z", fallback_text="  ") is None


def test_content_hash_ignores_fetch_metadata() -> None:
    a = {"title": "T", "text": "body", "fetched_at": "1"}
    assert content_hash(a) == content_hash({**a, "fetched_at": "2"}) != content_hash({**a, "text": "body!"})

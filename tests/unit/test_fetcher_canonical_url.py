from __future__ import annotations

import pytest

from sitrep.fetcher.canonical_url import canonicalize, document_id, url_id


@pytest.mark.parametrize(("raw", "canonical"), [
    ("HTTPS://WWW.Example.COM:443/News/Story?b=2&a=1#comments", "https://www.example.com/News/Story?a=1&b=2"),
    ("http://example.com:80", "http://example.com/"),
    ("http://example.com:8080/x", "http://example.com:8080/x"),
    ("https://example.com/a?utm_source=tw&utm_medium=social&id=7&fbclid=abc&gclid=z", "https://example.com/a?id=7"),
    ("https://example.com/a?UTM_Campaign=x&mc_cid=1&_ga=2&page=2", "https://example.com/a?page=2"),
    ("https://example.com/a/./b/../c/", "https://example.com/a/c/"),
    ("https://example.com/%7euser/%e2%82%ac", "https://example.com/~user/%E2%82%AC"),
    ("https://example.com/search?q=a+b&empty=", "https://example.com/search?empty=&q=a%20b"),
    ("https://example.com./x", "https://example.com/x"),
    ("http://[2001:DB8::1]:80/x", "http://[2001:db8::1]/x"),
])
def test_canonicalize(raw: str, canonical: str) -> None:
    assert canonicalize(raw) == canonical


def test_the_same_article_found_twice_gets_the_same_id() -> None:
    a = url_id("article", "https://News.example.org/2024/05/strike.html?utm_source=rss#top")
    b = url_id("article", "https://news.example.org/2024/05/strike.html")
    c = url_id("article", "https://news.example.org/2024/05/other.html")
    assert a == b != c
    assert a.startswith("art-") and len(a) == len("art-") + 32


def test_ids_do_not_depend_on_the_process() -> None:
    # a fixed value: the id must survive restarts and machines (no hash randomisation, no salt)
    import hashlib

    expected = "art-" + hashlib.blake2b(b"https://example.com/a", digest_size=16).hexdigest()
    assert document_id("article", "https://example.com/a") == expected


def test_relative_urls_are_rejected() -> None:
    with pytest.raises(ValueError):
        canonicalize("/just/a/path")

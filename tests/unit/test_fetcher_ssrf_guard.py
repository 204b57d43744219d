"""The SSRF guard on its own, then inside the HTTP client (redirects) with httpx's MockTransport: no network."""

from __future__ import annotations

import httpx
import pytest

from sitrep.fetcher.config import HttpConfig
from sitrep.fetcher.http_client import FetchError, GuardedBackend, HttpFetcher
from sitrep.fetcher.ssrf_guard import BlockedURLError, check_address, check_url, parse_networks

PUBLIC = "93.184.215.14"


def resolver_for(table: dict[str, list[str]]):
    def resolve(host: str, port: int) -> list[str]:
        return table[host]
    return resolve


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "169.254.1.1",
    "100.100.100.200", "100.64.0.1", "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "192.0.2.1",
    "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::", "64:ff9b::a9fe:a9fe",
])
def test_non_public_addresses_are_refused(address: str) -> None:
    with pytest.raises(BlockedURLError):
        check_address(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    check_address(address)


def test_allow_list_opens_only_the_listed_networks() -> None:
    allow = parse_networks(["127.0.0.1/32"])
    check_address("127.0.0.1", allow)
    with pytest.raises(BlockedURLError):
        check_address("127.0.0.2", allow)
    with pytest.raises(BlockedURLError):
        check_address("169.254.169.254", allow)


def test_every_resolved_address_is_checked() -> None:
    resolver = resolver_for({"rebind.example": [PUBLIC, "10.0.0.5"], "ok.example": [PUBLIC]})
    check_url("https://ok.example/a", resolver=resolver)
    with pytest.raises(BlockedURLError, match=r"10\.0\.0\.5 is private"):
        check_url("https://rebind.example/a", resolver=resolver)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://example.com/", "ftp://example.com/x", "/relative"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(BlockedURLError) as info:
        check_url(url, resolver=resolver_for({}))
    assert info.value.reason == "scheme"


def test_odd_ip_spellings_resolve_to_what_they_mean() -> None:
    # inet_aton spellings of 127.0.0.1; the system resolver turns them into the real address, which is refused
    for url in ("http://2130706433/", "http://0x7f.1/", "http://127.1/"):
        with pytest.raises(BlockedURLError):
            check_url(url)


def test_the_connect_time_check_refuses_a_changed_dns_answer() -> None:
    backend = GuardedBackend(allow=(), resolver=resolver_for({"news.example": ["127.0.0.1"]}))
    with pytest.raises(BlockedURLError):
        backend.connect_tcp("news.example", 80, timeout=1)


# -- redirects through the client ------------------------------------------------------------------------------------
def _client(handler, allow: tuple[str, ...] = ()) -> HttpFetcher:
    config = HttpConfig(allow_private=allow, max_retries=0, per_host_interval_seconds=0)
    resolver = resolver_for({"news.example": [PUBLIC], "evil.example": ["169.254.169.254"]})
    return HttpFetcher(config, transport=httpx.MockTransport(handler), resolver=resolver)


@pytest.mark.parametrize("target", [
    "http://127.0.0.1:8080/admin", "http://169.254.169.254/latest/meta-data/", "http://evil.example/",
    "http://[::ffff:169.254.169.254]/", "file:///etc/passwd",
])
def test_a_redirect_to_a_private_address_is_refused_before_any_request(target: str) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(302, headers={"Location": target})

    client = _client(handler)
    with pytest.raises(FetchError) as info:
        client.get("https://news.example/story")
    assert info.value.kind == "blocked"
    assert seen == ["https://news.example/robots.txt", "https://news.example/story"]


def test_a_redirect_to_another_host_drops_the_credentials() -> None:
    auth: dict[str, str | None] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        auth[request.url.host] = request.headers.get("authorization")
        if request.url.host == "news.example":
            return httpx.Response(302, headers={"Location": "https://other.example/x"})
        return httpx.Response(200, text="ok")

    config = HttpConfig(max_retries=0, per_host_interval_seconds=0)
    resolver = resolver_for({"news.example": [PUBLIC], "other.example": ["8.8.8.8"]})
    client = HttpFetcher(config, transport=httpx.MockTransport(handler), resolver=resolver)
    response = client.get("https://news.example/a", headers={"Authorization": "Bearer s3cret"}, check_robots=False)
    assert response.status == 200
    assert auth == {"news.example": "Bearer s3cret", "other.example": None}


def test_a_body_over_the_cap_is_not_read_to_the_end() -> None:
    chunks_sent = 0

    def stream():
        nonlocal chunks_sent
        for _ in range(1000):
            chunks_sent += 1
            yield b"x" * 10_000

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=stream(), headers={"Content-Type": "text/html"})

    config = HttpConfig(max_body_bytes=50_000, max_retries=0, per_host_interval_seconds=0)
    client = HttpFetcher(config, transport=httpx.MockTransport(handler), resolver=resolver_for({"n.example": [PUBLIC]}))
    with pytest.raises(FetchError) as info:
        client.get("https://n.example/big", check_robots=False)
    assert info.value.kind == "too_large"
    assert chunks_sent <= 7


def test_robots_disallow_is_respected() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nDisallow: /private/\n")
        return httpx.Response(200, text="<p>ok</p>")

    client = _client(handler)
    assert client.get("https://news.example/public/a").status == 200
    with pytest.raises(FetchError) as info:
        client.get("https://news.example/private/b")
    assert info.value.kind == "robots"
    assert seen == ["/robots.txt", "/public/a"]  # robots.txt fetched once, the private page never

"""Refusing URLs that would make the fetcher reach inside the network it runs in (SSRF).

Every address a host resolves to is checked (one bad address is enough to refuse: DNS answers rotate), IPv6 forms
that embed an IPv4 address are unwrapped, and only http and https are allowed. An explicit allow-list of networks
(config ``allow_private``) lets tests and intranet deployments reach chosen private addresses.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]

ALLOWED_SCHEMES = ("http", "https")
# cloud metadata services; most are link-local or private already, listed so the intent survives refactoring
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "169.254.169.253", "100.100.100.200", "192.0.0.192", "fd00:ec2::254",
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class BlockedURLError(Exception):
    """A URL the guard refuses; ``reason`` is a short label (scheme, address, resolve)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


def parse_networks(cidrs: Iterable[str]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(c.strip(), strict=False) for c in cidrs)


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def forbidden_reason(ip: IPAddress) -> str | None:
    """Why connecting to ``ip`` is refused by default, or None when it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_v4(ip)
        if inner is not None:
            reason = forbidden_reason(inner)
            return f"{reason} (embedded in {ip})" if reason else None
    if ip in METADATA_ADDRESSES:
        return "cloud metadata"
    for attr, label in (("is_loopback", "loopback"), ("is_private", "private"), ("is_link_local", "link-local"),
                        ("is_multicast", "multicast"), ("is_reserved", "reserved"), ("is_unspecified", "unspecified")):
        if getattr(ip, attr):
            return label
    if not ip.is_global:  # shared address space (100.64/10), documentation and benchmark ranges
        return "not global"
    return None


def check_address(ip: IPAddress | str, allow: Sequence[IPNetwork] = ()) -> None:
    addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    if any(addr.version == net.version and addr in net for net in allow):
        return
    reason = forbidden_reason(addr)
    if reason:
        raise BlockedURLError("address", f"{addr} is {reason}")


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise BlockedURLError("resolve", f"cannot resolve {host!r}: {exc}") from None
    return [str(info[4][0]).split("%", 1)[0] for info in infos]  # drop an IPv6 zone id


def check_host(host: str, port: int, allow: Sequence[IPNetwork] = (),
               resolver: Resolver = system_resolver) -> list[str]:
    """Every address ``host`` resolves to, or BlockedURLError if any of them is forbidden (or none exists)."""
    try:
        addresses = [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        addresses = resolver(host, port)
    if not addresses:
        raise BlockedURLError("resolve", f"{host!r} has no address")
    for a in addresses:
        check_address(a, allow)
    return addresses


def check_url(url: str, allow: Sequence[IPNetwork] = (), resolver: Resolver = system_resolver) -> None:
    """Raise BlockedURLError unless ``url`` is http(s) and every address of its host may be reached."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedURLError("scheme", f"only http and https are fetched, not {scheme or 'a relative URL'!r}")
    if not parts.hostname:
        raise BlockedURLError("address", f"no host in {url!r}")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise BlockedURLError("address", f"bad port in {url!r}") from exc
    check_host(parts.hostname, port, allow, resolver)

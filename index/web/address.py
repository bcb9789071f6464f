"""Which URLs may be fetched: http(s) only, and (unless allowed) only public addresses.

A URL's host is resolved and every address it resolves to is checked, so a name that points
at the bot's own network (``localhost``, ``10.0.0.5``, a cloud metadata address) is refused
before anything is sent to it.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from index.errors import FetchError, HostNotFoundError, UrlRefusedError

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}

#: ``resolve(host, port)`` -> the IP addresses (as text) the host name stands for.
Resolver = Callable[[str, int], Sequence[str]]


def system_resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, through the system resolver."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_public_address(address: str) -> bool:
    """Whether ``address`` is a public unicast address (not private, loopback, link-local,
    reserved, multicast, unspecified or otherwise non-global)."""
    try:
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
            address.split("%", 1)[0]  # an IPv6 scope ("fe80::1%eth0")
        )
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    six_to_four = ip.sixtofour if isinstance(ip, ipaddress.IPv6Address) else None
    if six_to_four is not None and not is_public_address(str(six_to_four)):
        return False  # 6to4: 2002:7f00:1:: carries 127.0.0.1
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)  # fec0::/10, obsolete
        or not ip.is_global
    )


def _is_localhost_name(host: str) -> bool:
    """``localhost``, ``localhost.`` and any ``*.localhost``: loopback by definition (RFC 6761),
    refused without asking a resolver, which may not know the fully qualified form."""
    name = host.rstrip(".")
    return name == "localhost" or name.endswith(".localhost")


#: Characters of a host name repeated in a message to the user.
SHOWN_HOST_CHARS = 64


def shown_host(host: str) -> str:
    """``host`` as a user is told it: cut to ``SHOWN_HOST_CHARS`` (a name may be 253 long,
    and a malformed one longer)."""
    return host if len(host) <= SHOWN_HOST_CHARS else host[: SHOWN_HOST_CHARS - 1] + "…"


def check_url(url: str, *, allow_private: bool, resolve: Resolver = system_resolve) -> str:
    """Refuse ``url`` unless it may be fetched; returns its host name (lower case).

    Raises ``UrlRefusedError`` (with a reason a user can read) for another scheme, a missing
    host or port, or a private address; ``FetchError`` when the host name does not resolve.
    """
    return check_target(url, allow_private=allow_private, resolve=resolve)[0]


def check_target(
    url: str, *, allow_private: bool, resolve: Resolver = system_resolve
) -> tuple[str, str | None]:
    """``check_url``, and the checked address to connect to (None when private addresses are
    allowed and the host is left to the client). Connecting to this very address, not to a
    second lookup of the name, is what defeats DNS rebinding."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise UrlRefusedError(f"{url!r}: {e}", reason="it is not a valid URL") from e
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = scheme or "no scheme"
        raise UrlRefusedError(
            f"{url!r}: scheme {shown!r}",
            reason=f"only http and https links are fetched, not {shown}",
        )
    host = parts.hostname
    if not host:
        raise UrlRefusedError(f"{url!r}: no host", reason="it has no host name")
    if allow_private:
        return host, None
    if _is_localhost_name(host):
        raise UrlRefusedError(
            f"{url}: {host} is a loopback name",
            reason="it points to a private or local network address",
        )
    try:
        addresses = resolve(host, port or _DEFAULT_PORTS[scheme])
    except (OSError, UnicodeError) as e:
        raise HostNotFoundError(
            f"{url}: cannot resolve host {host!r}: {e}", host=shown_host(host)
        ) from e
    if not addresses:
        raise FetchError(f"{url}: host {host!r} has no address")
    for address in addresses:
        if not is_public_address(address):
            logger.warning("refused %s: host %s resolves to %s", url, host, address)
            raise UrlRefusedError(
                f"{url}: {host} resolves to non-public address {address}",
                reason="it points to a private or local network address",
            )
    return host, addresses[0]

"""Requests to push services, guarded against server-side request forgery.

An endpoint comes from a browser, so an attacker can choose it. The guard, in the spirit of
Mastodon's connect-time private-address check (`Request::Socket.open` / `private_address_check`):

- only the push services browsers use are accepted (DEFAULT_PUSH_HOSTS), plus the hosts an operator
  adds in PUSH_ENDPOINT_HOSTS for a self-hosted push service; an address written as a number in any
  form the resolver takes (2130706433, 0x7f000001, 127.1, 0, [::ffff:127.0.0.1] …) is never a push
  service;
- the name is resolved when the request is made, every address it resolves to must be public
  (`is_global`, and the IPv4 address inside mapped, compatible, NAT64 and 6to4 IPv6 forms too), and
  the socket is connected to exactly the address that passed: no second lookup between the check
  and the connect. TLS still uses the name (SNI, certificate check) and so does the Host header;
- redirects are never followed, and no proxy from the environment is used.

In DEBUG or TESTING, `http://127.0.0.1:PORT/…` and `http://localhost:PORT/…` (written exactly so)
are allowed to a loopback address, to try push with a local push service.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection

# The push services the browsers' PushManager hands out endpoints on (a host, or any name under it):
# Chrome, Edge (Chromium: FCM or WNS), Opera, Samsung Internet: fcm.googleapis.com; Firefox:
# updates.push.services.mozilla.com; Edge on Windows: *.notify.windows.com; Safari: web.push.apple.com.
DEFAULT_PUSH_HOSTS = ("fcm.googleapis.com", "updates.push.services.mozilla.com", "notify.windows.com", "push.apple.com")
LOCAL_NAMES = frozenset({"127.0.0.1", "localhost"})
LOCAL_HINT = (
    "To try push with a push service on this machine, run the app with FLASK_DEBUG=1 and use "
    "http://127.0.0.1:PORT/… or http://localhost:PORT/…; to allow a self-hosted push service, add "
    "its host name to PUSH_ENDPOINT_HOSTS."
)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"),)
# Not private by Python's table, but no push service lives there: local-use NAT64 (RFC 8215) and the
# deprecated 6to4 relay anycast (RFC 7526), which Mastodon's private_address_check refuses too.
_NEVER = (ipaddress.ip_network("64:ff9b:1::/48"), ipaddress.ip_network("192.88.99.0/24"))
_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible addresses


class Refused(Exception):  # noqa: N818 - not an OSError: urllib3 and requests let it through untouched
    """The guard refused this request; nothing was sent."""


def ipv4_shorthand(host):
    """The IPv4 address `host` stands for as inet_aton reads it (what getaddrinfo, and so the HTTP
    client, does with 127.1, 0x7f.1, 017700000001, 2130706433 …), or None when it is not numeric."""
    parts = host[:-1].split(".") if host.endswith(".") else host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = []
    for part in parts:
        try:
            if part[:2].lower() == "0x":
                values.append(int(part[2:] or "0", 16))
            elif len(part) > 1 and part.startswith("0"):
                values.append(int(part[1:], 8))
            else:
                values.append(int(part, 10) if part.isdigit() else None)
        except ValueError:
            return None
    if None in values or any(v > 255 for v in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        return None
    number = sum(v << (8 * (3 - i)) for i, v in enumerate(values[:-1])) + values[-1]
    return ipaddress.IPv4Address(number)


def ip_of(host):
    """The address a URL host names when it is numeric (any IPv4 form, IPv6 with or without a zone), or None."""
    host = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return ipv4_shorthand(host) if host and all(c.isalnum() or c == "." for c in host) else None


def is_public(ip):
    """True for an address on the public internet only; for an IPv6 form that carries an IPv4 address
    (mapped, NAT64, 6to4), the IPv4 address decides."""
    if ip.version == 6:
        if ip.ipv4_mapped is not None or any(ip in net for net in _NAT64):
            return is_public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip in _COMPATIBLE or ip.teredo is not None:
            return False
        if ip.sixtofour is not None and not is_public(ip.sixtofour):
            return False
    if any(ip in net for net in _NEVER if net.version == ip.version):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def resolve(host, port):
    """Every address `host` resolves to: [(family, ip text)]. Tests replace this to simulate DNS."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [(family, sockaddr[0]) for family, _, _, _, sockaddr in infos]


@dataclass(frozen=True)
class Guard:
    hosts: tuple = DEFAULT_PUSH_HOSTS  # the accepted push services, each with every name under it
    local_dev: bool = False  # DEBUG or TESTING: the loopback exception

    @classmethod
    def from_config(cls, app):
        extra = tuple(app.config.get("PUSH_ENDPOINT_HOSTS") or ())
        return cls(DEFAULT_PUSH_HOSTS + extra, bool(app.debug or app.testing))

    def accepted_hosts(self):
        return ", ".join(self.hosts)

    def check_url(self, url):
        """Raises Refused, with a reason a person can act on, unless `url` may be sent to."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            raise Refused("Not a valid URL.") from None
        if not host or parts.username is not None or parts.password is not None:
            raise Refused("Not a valid push endpoint.")
        if self.local_dev and host in LOCAL_NAMES and parts.scheme in ("http", "https"):
            return
        if parts.scheme != "https":
            raise Refused(f"A push endpoint must use https. {LOCAL_HINT}")
        name = host[:-1] if host.endswith(".") else host
        if ip_of(host) is not None or not any(name == h or name.endswith("." + h) for h in self.hosts):
            raise Refused(
                f"This push service is not accepted here: accepted are {self.accepted_hosts()} "
                f"(and any name under them). {LOCAL_HINT}"
            )

    def addresses(self, host, port):
        """The addresses to connect to, all checked; Refused when any address of the name is not public."""
        loopback_ok = self.local_dev and host.lower() in LOCAL_NAMES
        if ip_of(host) is not None and not loopback_ok:
            raise Refused(f"{host} is an address, not a push service")
        found = resolve(host, port)  # OSError (no such name): a network error, retried later
        if not found:
            raise OSError(f"{host} has no address")
        for _, ip in found:
            address = ipaddress.ip_address(ip.split("%", 1)[0])
            if not (address.is_loopback if loopback_ok else is_public(address)):
                raise Refused(f"{host} resolves to {address}, which is not a public address")
        return found


class _Guarded:
    """Connects only to an address the guard checked: resolve, check, connect to that IP; TLS and the
    Host header keep the name (urllib3 uses self.host for them, and _dns_host only here)."""

    guard = Guard()

    def _new_conn(self):
        try:
            found = self.guard.addresses(self._dns_host, self.port)
        except OSError as exc:
            raise NewConnectionError(self, f"Failed to resolve {self.host}: {exc}") from exc
        error = None
        for _, ip in found:
            try:
                return connection.create_connection(
                    (ip, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as exc:
                error = ConnectTimeoutError(self, f"Connection to {self.host} timed out")
                error.__cause__ = exc
            except OSError as exc:
                error = NewConnectionError(self, f"Failed to establish a new connection: {exc}")
        raise error


class GuardedAdapter(HTTPAdapter):
    def __init__(self, guard, **kwargs):
        self.guard = guard
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        attrs = {"guard": self.guard}
        http = type("GuardedHTTPConnection", (_Guarded, HTTPConnection), attrs)
        https = type("GuardedHTTPSConnection", (_Guarded, HTTPSConnection), attrs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http}),
            "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https}),
        }

    def proxy_manager_for(self, proxy, **kwargs):
        raise Refused("push requests never go through a proxy")


class GuardedSession(requests.Session):
    """A requests.Session that never follows a redirect and connects only through the guard."""

    def __init__(self, guard, **adapter_kwargs):
        super().__init__()
        self.trust_env = False  # no HTTPS_PROXY or .netrc from the environment
        adapter = GuardedAdapter(guard, **adapter_kwargs)
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def request(self, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)

"""WHOIS client: python-whois's NICClient, pointed at the simulated world's server when there is one.

python-whois only speaks to port 43 of the registry it picks itself. With `network.whois` set
(the simulated world) every query goes to that host:port instead, and nothing else is asked
(no IANA lookup, no referral to a registrar's server): the world answers for every domain.
Against the real internet the client behaves as python-whois does, referrals included.
"""

from __future__ import annotations

import socket

from whois.whois import NICClient

from fakegov.network import Network

DEFAULT_TIMEOUT = 10.0


class WhoisLookupError(Exception):
    """A WHOIS query that got no answer (unreachable server, timeout, empty reply)."""


class PinnedWhoisClient(NICClient):
    """A NICClient whose every connection goes to one WHOIS server, whatever registry it picked."""

    def __init__(self, server: tuple[str, int]):
        super().__init__()
        self.server = server

    def choose_server(self, domain: str) -> str:
        # The pinned server answers for every TLD: no need to ask IANA which registry to use.
        return self.server[0]

    def get_socket(self):
        return _RedirectedSocket(self.server)


class _RedirectedSocket(socket.socket):
    """A TCP socket that connects to a fixed address whatever address it is given."""

    def __init__(self, server: tuple[str, int]):
        family = socket.AF_INET6 if ":" in server[0] else socket.AF_INET
        super().__init__(family, socket.SOCK_STREAM)
        self._server = server

    def connect(self, address) -> None:
        super().connect(self._server)


def fetch_whois(domain: str, network: Network, timeout: float = DEFAULT_TIMEOUT) -> str:
    """The raw WHOIS answer for `domain` (a registrable domain; IDN in any form).

    Raises WhoisLookupError when no answer arrives: unreachable server, timeout or empty reply.
    """
    query = _query_name(domain)
    if network.whois is not None:
        client: NICClient = PinnedWhoisClient(network.whois)
        # Quick: a referral to a registrar's server would only loop back to the pinned server.
        flags = NICClient.WHOIS_QUICK
        where = f"{network.whois[0]}:{network.whois[1]}"
    else:
        client, flags, where = NICClient(), 0, "the registry's WHOIS server"
    try:
        answer = client.whois_lookup(None, query, flags, quiet=True, ignore_socket_errors=False,
                                     timeout=timeout)
    except (OSError, UnicodeError) as err:
        raise WhoisLookupError(f"WHOIS query for {query} at {where} failed: {err or type(err).__name__}") from None
    if not answer or not answer.strip():
        raise WhoisLookupError(f"WHOIS query for {query} at {where} got an empty answer")
    return answer


def _query_name(domain: str) -> str:
    name = domain.strip().rstrip(".").lower()
    if not name:
        raise WhoisLookupError("WHOIS query needs a domain name")
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        raise WhoisLookupError(f"not a valid domain name: {domain!r}") from None

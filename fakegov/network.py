"""Where the outside world is: the real internet, or a simulated world on loopback (`--world DIR`)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Network:
    """How networked code reaches the outside. All None means the real internet, used directly.

    Every networked room (crawler, WHOIS, DNS, browser) takes one of these instead of
    reading globals, so the same code runs against the real internet and the simulated world.
    """

    proxy: str | None = None                 # "http://127.0.0.1:PORT": every http and https fetch goes through it
    dns: tuple[str, int] | None = None       # resolver (host, port); None: the system's resolver
    whois: tuple[str, int] | None = None     # WHOIS server for every query; None: the registry's own server
    ca_cert: str | None = None               # PEM of the CA that signs the proxy's TLS certificates

    @property
    def simulated(self) -> bool:
        return self.proxy is not None


@contextlib.contextmanager
def open_network(world: str | Path | None):
    """Yield a Network: the real internet if `world` is None, else a world started for the duration."""
    if world is None:
        yield Network()
        return
    from fixtures.server import start_world

    with start_world(Path(world)) as running:
        yield running.network

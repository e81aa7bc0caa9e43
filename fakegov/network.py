"""Where the outside world is: the real internet, or a simulated world on loopback (`--world DIR`)."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from fakegov.errors import UserError


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
    """Yield a Network: the real internet if `world` is None, else a world served for the duration.

    The world runs in a process of its own, as the real internet is outside the crawl: sharing the
    crawl's interpreter lock with it would slow the crawl in a way the real internet never does.
    """
    if world is None:
        yield Network()
        return
    process = subprocess.Popen([sys.executable, "-m", "fixtures.server", str(Path(world).resolve())],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        answer = json.loads(process.stdout.readline() or '{"error": "the world server did not start"}')
        if "error" in answer:
            raise UserError(answer["error"])
        yield Network(proxy=answer["proxy"], dns=tuple(answer["dns"]), whois=tuple(answer["whois"]),
                      ca_cert=answer["ca_cert"])
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()

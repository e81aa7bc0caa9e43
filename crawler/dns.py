"""DNS lookups with dnspython: the records kept as evidence, and whether a name exists at all."""

from __future__ import annotations

import asyncio

import dns.asyncresolver
import dns.exception
import dns.resolver

from fakegov.network import Network

RECORD_TYPES = ("A", "AAAA", "CNAME", "NS", "MX")
TIMEOUT = 5.0


def make_resolver(network: Network) -> dns.asyncresolver.Resolver:
    """The system's resolver, or the simulated world's when `network.dns` is set."""
    if network.dns:
        resolver = dns.asyncresolver.Resolver(configure=False)
        resolver.nameservers = [network.dns[0]]
        resolver.port = network.dns[1]
    else:
        resolver = dns.asyncresolver.Resolver()
    resolver.lifetime = TIMEOUT
    resolver.timeout = TIMEOUT / 2
    return resolver


def resolver_name(resolver: dns.asyncresolver.Resolver) -> str:
    return ", ".join(f"{ns}:{resolver.port}" for ns in resolver.nameservers)


async def lookup(resolver, name: str, types=RECORD_TYPES) -> tuple[dict, str]:
    """All records of `name` by type, and the outcome: NOERROR, NXDOMAIN, TIMEOUT or SERVFAIL."""
    answers: dict[str, list[str]] = {}
    outcome = "NOERROR"
    for rtype in types:
        try:
            answer = await resolver.resolve(name, rtype, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN:
            return {}, "NXDOMAIN"
        except dns.exception.Timeout:
            outcome = "TIMEOUT"
            continue
        except (dns.resolver.NoNameservers, dns.exception.DNSException):
            outcome = "SERVFAIL"
            continue
        records = [record.to_text() for record in answer] if answer.rrset else []
        if records:
            answers[rtype] = records
    return answers, outcome


async def exists(resolver, name: str) -> bool:
    """True if the name has an address (the cheap test the permute spider runs on every candidate)."""
    for rtype in ("A", "AAAA"):
        try:
            answer = await resolver.resolve(name, rtype, raise_on_no_answer=False)
        except dns.exception.DNSException:
            return False
        if answer.rrset:
            return True
    return False


async def resolve_many(resolver, names, concurrency: int = 50):
    """Yield the names that exist, checking up to `concurrency` at a time (order not kept)."""
    semaphore = asyncio.Semaphore(concurrency)

    async def check(name):
        async with semaphore:
            return name, await exists(resolver, name)

    for task in asyncio.as_completed([check(name) for name in names]):
        name, alive = await task
        if alive:
            yield name

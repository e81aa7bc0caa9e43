"""The `fakegov parse` sub-commands: the same parsers the spiders use, for whoever maintains them."""


def register(sub) -> None:
    """Add `fakegov parse serp` and `fakegov parse whois`."""

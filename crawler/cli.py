"""The `fakegov` sub-commands of the crawler room."""


def register(sub) -> None:
    """Add this room's sub-commands to the `fakegov` parser."""

"""The `fakegov` sub-commands of the store room."""


def register(sub) -> None:
    """Add this room's sub-commands to the `fakegov` parser."""

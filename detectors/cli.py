"""The `fakegov` sub-commands of the detectors room."""


def register(sub) -> None:
    """Add this room's sub-commands to the `fakegov` parser."""

"""The one exception type that means "the user gave us something wrong": printed in one line, no traceback."""


class UserError(Exception):
    """A mistake the user can fix (bad file, bad option, unwritable folder). Message is one line."""

"""Reading a text file a user hands us (keywords, tips): UTF-8 or GB18030, or a one-line error."""

from __future__ import annotations

from pathlib import Path

from fakegov.errors import UserError


def read_user_text(path: Path, what: str) -> str:
    """The text of `path`; UserError naming `what` ("keyword file", "tip file") if it is not text."""
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise UserError(f"cannot read {what} {path}: {err.strerror}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise UserError(f"{what} {path} is not UTF-8 or GB18030 text")

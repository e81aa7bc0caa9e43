"""The evidence folder: files stored by SHA-256, written atomically, never overwritten."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


def sm3_hex(data: bytes) -> str | None:
    """SM3 (GB/T 32905), the national hash, where this machine's OpenSSL provides it."""
    try:
        return hashlib.new("sm3", data).hexdigest()
    except ValueError:
        return None


@dataclass(frozen=True)
class Stored:
    sha256: str
    sm3: str | None
    size: int
    new: bool           # False when the same bytes were already stored


class Evidence:
    """Content-addressed files under `root`: evidence/<first two hex>/<sha256>."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256[:80]!r}")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> Stored:
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if target.exists():
            return Stored(sha, sm3_hex(data), len(data), new=False)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o444)
            try:
                # link() refuses to replace an existing name: a concurrent writer of the same bytes wins
                # and nothing already stored is ever overwritten.
                os.link(tmp, target)
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
        return Stored(sha, sm3_hex(data), len(data), new=True)

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def __contains__(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def verify(self, sha256: str) -> bool:
        """True if the stored file still has the hash it is named by."""
        return hashlib.sha256(self.read(sha256)).hexdigest() == sha256

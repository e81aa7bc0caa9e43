"""Weights and thresholds of every detector, read once from data/weights.toml (never written in code)."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

WEIGHTS_FILE = Path(__file__).resolve().parent / "data" / "weights.toml"


@functools.cache
def weights(section: str) -> dict:
    """The `[section]` table of weights.toml (e.g. "domain", "page", "verdict")."""
    with open(WEIGHTS_FILE, "rb") as fh:
        return tomllib.load(fh)[section]

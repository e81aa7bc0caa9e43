"""A Reason: one signal's points and its explanation in Chinese and English, shared by all detectors."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Reason:
    code: str        # stable machine name, e.g. "gov-in-name"
    points: int      # contribution to the score (may be negative)
    zh: str          # what an analyst reads
    en: str

    def to_dict(self) -> dict:
        return asdict(self)

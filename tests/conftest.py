"""Shared test fixtures: the bundled world on free loopback ports, a fresh data folder, real samples."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORLD_DIR = ROOT / "fixtures" / "world"


def _shared_dir(name: str) -> Path | None:
    """../shared/<name> (read in place, never copied into the repository)."""
    candidates = [os.environ.get("FAKEGOV_SHARED"), ROOT.parent / "shared", Path("/work/shared")]
    for base in candidates:
        if base and (Path(base) / name).is_dir():
            return Path(base) / name
    return None


@pytest.fixture(scope="session")
def real_samples() -> Path:
    path = _shared_dir("real-samples")
    if path is None:
        pytest.skip("../shared/real-samples is absent on this machine (set FAKEGOV_SHARED to its parent)")
    return path


@pytest.fixture(scope="session")
def eval_lists() -> Path:
    path = _shared_dir("eval")
    if path is None:
        pytest.skip("../shared/eval is absent on this machine (set FAKEGOV_SHARED to its parent)")
    return path


@pytest.fixture(scope="session")
def world():
    """The bundled world, served on free loopback ports for the whole test session."""
    from fixtures.server import start_world

    with start_world(WORLD_DIR) as running:
        yield running


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"

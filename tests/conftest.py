"""Shared fixtures: where the real data lives, and a skip when a fresh clone has none."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data, or a skip with the reason when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs the real data at {path} (../shared/data beside the project)")
    return path

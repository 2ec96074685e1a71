"""Shared fixtures for the gdcore tests: the repository root and the Windsor data, read without gdcore."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def windsor() -> tuple[np.ndarray, np.ndarray]:
    """(bedrooms, price) of the 546 Windsor houses, read with pandas directly, not with gdcore's loader.

    Read-only, so no test can change what the next one sees.
    """
    frame = pd.read_csv(REPO / "data" / "windsor_housing.csv")
    x = frame["bedrooms"].to_numpy(dtype=float)  # (546,)
    y = frame["price"].to_numpy(dtype=float)  # (546,)
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y

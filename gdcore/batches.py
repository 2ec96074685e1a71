"""Mini-batches: which rows each step of an epoch looks at.

An epoch is one pass over all n rows, in batches of `size` rows (the last may be smaller), in a
fresh shuffle every epoch, or in file order. The shuffle draws from its own random stream, a
child of the seed's (SeedSequence(seed).spawn(1)[0]), so the batch size never changes the
starting point, which is drawn from the seed itself.
"""

from __future__ import annotations

import numpy as np


def shuffle_stream(seed: int) -> np.random.Generator:
    """The shuffle's own random numbers, derived from the seed."""
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])


def epoch_batches(n: int, size: int, shuffle: bool, rng: np.random.Generator) -> list:
    """The rows of each step of one epoch: a list of int arrays, or [range(n)] for one full batch.

    size 0 (or n and more) means all rows at once: the full batch, in file order, so a run with
    it is exactly plain gradient descent.
    """
    if size <= 0 or size >= n:
        return [range(n)]
    order = rng.permutation(n) if shuffle else np.arange(n)  # (n,)
    return [order[start : start + size] for start in range(0, n, size)]


def take(values: np.ndarray, rows) -> np.ndarray:
    """values[rows]; a range becomes a slice, so the full batch is the data itself, not a copy."""
    if isinstance(rows, range):
        return values[rows.start : rows.stop]
    return values[rows]

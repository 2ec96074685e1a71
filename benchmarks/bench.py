"""Timings, as ratios against a reference measured in the same run: `python benchmarks/bench.py`.

1. What one rerun's full garbage collection costs (Streamlit runs gc.collect() after every rerun,
   runner.postScriptGC) once streamlit, plotly, pandas and scikit-learn are imported, with and
   without gc.freeze(); the reference is the same collection before those imports.
2. A 500-epoch descent of the line on the 546 houses, and of the network, against one
   scikit-learn LinearRegression fit on the same data.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def best_of(fn, repeat: int = 7, number: int = 5) -> float:
    """The median over `repeat` rounds of the mean time of `number` calls, in seconds."""
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        rounds.append((time.perf_counter() - start) / number)
    return statistics.median(rounds)


def main() -> None:
    import numpy as np

    bare = best_of(gc.collect)
    import pandas  # noqa: F401
    import plotly.graph_objects  # noqa: F401
    import sklearn.linear_model
    import streamlit  # noqa: F401

    import gdcore

    loaded = best_of(gc.collect)
    gc.freeze()
    frozen = best_of(gc.collect)
    gc.unfreeze()

    data = gdcore.load_xy(gdcore.WINDSOR, "bedrooms", "price")
    X, y = gdcore.select_columns(gdcore.read_table(gdcore.WINDSOR), ["bedrooms", "bathrms", "lotsize"], "price")
    reference = best_of(lambda: sklearn.linear_model.LinearRegression().fit(data.x.reshape(-1, 1), data.y))
    line = best_of(lambda: gdcore.fit_line(gdcore.DescentConfig(epochs=500), data))
    net = best_of(lambda: gdcore.fit_network(gdcore.NetworkConfig(epochs=500), X, y), repeat=3, number=1)
    adam = best_of(lambda: gdcore.fit_line(gdcore.DescentConfig(epochs=500, optimizer="adam"), data))
    batches = best_of(lambda: gdcore.fit_line(gdcore.DescentConfig(epochs=40, batch_size=32), data), number=2)

    print(f"gc.collect() before the heavy imports:   {bare * 1e3:8.2f} ms (reference, 1.0)")
    print(f"gc.collect() after them:                 {loaded * 1e3:8.2f} ms ({loaded / bare:6.1f}x)")
    print(f"gc.collect() after them, gc.freeze()d:   {frozen * 1e3:8.2f} ms ({frozen / bare:6.1f}x)")
    print(f"LinearRegression().fit on 546 houses:    {reference * 1e3:8.2f} ms (reference, 1.0)")
    print(f"line, 500 epochs of gradient descent:    {line * 1e3:8.2f} ms ({line / reference:6.1f}x)")
    print(f"network, 500 epochs of gradient descent: {net * 1e3:8.2f} ms ({net / reference:6.1f}x)")
    print(f"line, 500 epochs of Adam:                {adam * 1e3:8.2f} ms ({adam / reference:6.1f}x)")
    print(f"line, 40 epochs in batches of 32 (720 steps): {batches * 1e3:8.2f} ms ({batches / reference:6.1f}x)")
    print(f"numpy {np.__version__}, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()

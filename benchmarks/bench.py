"""Timings, as ratios against a reference measured in the same run: `python benchmarks/bench.py`.

1. What one rerun's full garbage collection costs (Streamlit runs gc.collect() after every rerun,
   runner.postScriptGC) once streamlit, plotly, pandas and scikit-learn are imported, with and
   without gc.freeze(); the reference is the same collection before those imports.
2. A 500-epoch descent of the line on the 546 houses, and of the network, against one
   scikit-learn LinearRegression fit on the same data.
3. A million rows: 1,000 full-batch epochs of the line (whose loss comes from a few sums of the
   data, line.bowl) against one LinearRegression fit on them; the same epochs summed row by row
   (as before the bowl), timed over 20 epochs; one network epoch (11 epochs less 1, over 10)
   against one epoch of scikit-learn's MLPRegressor(hidden_layer_sizes=(2,), solver="sgd", batch_size=n).
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
    million()
    print(f"numpy {np.__version__}, Python {sys.version.split()[0]}")


def million(n: int = 1_000_000) -> None:
    """Section 3: a made-up data set of n rows, shaped like the houses (bedrooms, bathrooms, lot, price)."""
    import warnings

    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LinearRegression
    from sklearn.neural_network import MLPRegressor

    import gdcore
    from gdcore import line
    from gdcore.descent import descend

    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(1, 7, n), rng.integers(1, 5, n), rng.normal(5000, 2000, n)]).astype(float)
    y = 13_000 * X[:, 0] + 20_000 * X[:, 1] + 4 * X[:, 2] + rng.normal(0, 20_000, n)
    data = gdcore.Dataset(x=X[:, 0], y=y, x_name="bedrooms", y_name="price")
    reference = best_of(lambda: LinearRegression().fit(X[:, :1], y), repeat=3, number=1)
    config = gdcore.DescentConfig(epochs=500)
    object.__setattr__(config, "epochs", 1000)  # the page stops at 500; the engine has no limit
    bowl = best_of(lambda: gdcore.fit_line(config, data), repeat=3, number=1)
    xs, ys = line.standardize(data.x)[0], line.standardize(y)[0]

    def row_by_row(params):
        return line.loss(params, xs, ys, "mse"), line.loss_grad(params, xs, ys, "mse")

    direct = best_of(lambda: descend(row_by_row, (0.0, 0.0), 0.2, 20, line.PARAMETERS), repeat=3, number=1)
    setup = best_of(lambda: gdcore.fit_line(gdcore.DescentConfig(epochs=1), data), repeat=3, number=1)
    one, eleven = (gdcore.NetworkConfig(epochs=e) for e in (1, 11))
    network = (
        best_of(lambda: gdcore.fit_network(eleven, X, y), repeat=3, number=1)
        - best_of(lambda: gdcore.fit_network(one, X, y), repeat=3, number=1)
    ) / 10  # one epoch, without the standardizing both runs share
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    ys_net = (y - y.mean()) / y.std()
    mlp = MLPRegressor(hidden_layer_sizes=(2,), solver="sgd", batch_size=n, max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # one epoch on purpose
        sk_epoch = best_of(lambda: mlp.fit(Xs, ys_net), repeat=3, number=1)
    print(f"LinearRegression().fit on {n:,} rows:  {reference * 1e3:8.1f} ms (reference, 1.0)")
    print(f"line, 1,000 full-batch epochs (bowl):   {bowl * 1e3:8.1f} ms ({bowl / reference:6.2f}x)")
    print(f"  of which the setup (one epoch alone): {setup * 1e3:8.1f} ms ({setup / reference:6.2f}x)")
    print(f"line, 20 epochs summed row by row:      {direct * 1e3:8.1f} ms ({direct / reference:6.2f}x)")
    print(f"MLPRegressor, one epoch (reference):    {sk_epoch * 1e3:8.1f} ms (reference, 1.0)")
    print(f"network, one epoch:                     {network * 1e3:8.1f} ms ({network / sk_epoch:6.2f}x)")


if __name__ == "__main__":
    main()

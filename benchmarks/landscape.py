"""Page 8's landscape for the 546 houses against a 1,000,000-row data set, in the same run:
`python benchmarks/landscape.py`.

The landscape is what the page builds on each click: the grid of 81 x 81 losses from the data's
sums (gdcore.landscape.loss_grid, via ui.landscape.landscape_of), the contour figure with the walk,
the ball and the arrow, and its JSON (what Streamlit sends to the browser). The sums themselves are
taken once per data set (line.bowl, inside fit_line); they are timed on their own, and so is one row
of the grid summed over every row of the data, for scale.
"""

from __future__ import annotations

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


TITLES = {"slope": "slope", "intercept": "intercept", "loss": "MSE"}


def draw(fit, k: int = 20, fog: bool = False) -> str:
    """What a click on page 8 builds: the grid, the contour figure after epoch k, its JSON."""
    from ui import landscape

    land = landscape.landscape_of(fit)
    return landscape.contour(land, fit, k, landscape.next_step(land, fit, k), fog, TITLES).to_json()


def measure(name: str, data) -> float:
    """Print the landscape's timings on `data`; return the time of one landscape, in seconds."""
    import numpy as np

    import gdcore
    from gdcore import line
    from ui import landscape

    fit = gdcore.fit_line(gdcore.DescentConfig(), data)  # the page's default run: 40 epochs
    plain, fogged = best_of(lambda: draw(fit)), best_of(lambda: draw(fit, fog=True))
    sums = best_of(lambda: line.bowl(data.x, data.y), repeat=3)
    slopes = np.linspace(-1.0, 1.0, landscape.CELLS)  # one row of the grid, summed over every row of the data
    row = best_of(lambda: [line.loss((s, 0.0), fit.x, fit.y, "mse") for s in slopes], repeat=3, number=1)
    print(f"  {name:>16}: {plain * 1e3:6.1f} ms (in the fog: {fogged * 1e3:6.1f} ms)")
    print(f"  {'':>16}  the sums, once per data set: {sums * 1e3:8.2f} ms")
    print(f"  {'':>16}  the grid summed row by row instead: {row * landscape.CELLS * 1e3:9.1f} ms")
    return plain


def main(n: int = 1_000_000) -> None:
    import numpy as np

    import gdcore
    from ui import landscape

    houses = gdcore.load_xy(gdcore.WINDSOR, "bedrooms", "price")
    rng = np.random.default_rng(0)  # a made-up data set shaped like the houses
    x = rng.integers(1, 7, n).astype(float)
    million = gdcore.Dataset(x=x, y=13_000 * x + 28_000 + rng.normal(0, 25_000, n), x_name="bedrooms", y_name="price")
    print(f"The landscape: an {landscape.CELLS} x {landscape.CELLS} grid, the contour figure and its JSON")
    small, large = measure("546 houses", houses), measure(f"{n:,} rows", million)
    print(f"  {n:,} rows / 546 houses: {large / small:.2f}x (the same work: the grid never sees the rows)")
    print(f"numpy {np.__version__}, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()

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
from bench import best_of  # noqa: E402  (benchmarks/ is the script's own folder: bench.py sits beside it)

TITLES = {"slope": "slope", "intercept": "intercept", "loss": "MSE"}


def draw(fit, k: int = 20, fog: bool = False) -> str:
    """What a click on page 8 builds: the grid, the contour figure after epoch k, its JSON."""
    from ui import landscape

    land = landscape.landscape_of(fit)
    return landscape.contour(land, fit, k, landscape.next_step(land, fit, k), fog, TITLES).to_json()


def alternating(fns, repeat: int = 9, number: int = 5) -> list[float]:
    """Like best_of for several functions, timed in turns within each round, so that a busy machine slows
    them alike: the median per function, in seconds."""
    rounds = [[] for _ in fns]
    for _ in range(repeat):
        for fn, times in zip(fns, rounds):
            start = time.perf_counter()
            for _ in range(number):
                fn()
            times.append((time.perf_counter() - start) / number)
    return [statistics.median(times) for times in rounds]


def extras(name: str, data, fit) -> None:
    """The sums of the data (once per data set), and the grid summed row by row instead, for scale."""
    import numpy as np

    from gdcore import line
    from ui import landscape

    sums = best_of(lambda: line.bowl(data.x, data.y), repeat=3)
    slopes = np.linspace(-1.0, 1.0, landscape.CELLS)  # one row of the grid, summed over every row of the data
    row = best_of(lambda: [line.loss((s, 0.0), fit.x, fit.y, "mse") for s in slopes], repeat=3, number=1)
    print(
        f"  {name:>16}: the sums, once per data set: {sums * 1e3:8.2f} ms; the grid summed row by row instead: "
        f"{row * landscape.CELLS * 1e3:9.1f} ms"
    )


def main(n: int = 1_000_000) -> None:
    import numpy as np

    import gdcore
    from ui import landscape

    houses = gdcore.load_xy(gdcore.WINDSOR, "bedrooms", "price")
    rng = np.random.default_rng(0)  # a made-up data set shaped like the houses
    x = rng.integers(1, 7, n).astype(float)
    million = gdcore.Dataset(x=x, y=13_000 * x + 28_000 + rng.normal(0, 25_000, n), x_name="bedrooms", y_name="price")
    small, large = (gdcore.fit_line(gdcore.DescentConfig(), data) for data in (houses, million))  # 40 epochs
    draw(small), draw(large)  # warm up: plotly builds its trace classes on first use
    times = alternating(
        [lambda: draw(small), lambda: draw(large), lambda: draw(small, fog=True), lambda: draw(large, fog=True)]
    )
    print(f"The landscape: an {landscape.CELLS} x {landscape.CELLS} grid, the contour figure and its JSON")
    print(f"  {'546 houses':>16}: {times[0] * 1e3:6.1f} ms (reference, 1.0); in the fog {times[2] * 1e3:6.1f} ms")
    print(
        f"  {f'{n:,} rows':>16}: {times[1] * 1e3:6.1f} ms ({times[1] / times[0]:.2f}x); "
        f"in the fog {times[3] * 1e3:6.1f} ms ({times[3] / times[2]:.2f}x)"
    )
    print(f"  JSON sizes: {len(draw(small)):,} and {len(draw(large)):,} characters")
    extras("546 houses", houses, small)
    extras(f"{n:,} rows", million, large)
    print(f"numpy {np.__version__}, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()

"""Loss surfaces over two parameters (x, y) for the optimizers' race: the house data's bowl, and four
test surfaces, each made to show one thing an optimizer may be good or bad at.

Each loss works element-wise, so loss(X, Y) on two grids (k, m) gives the contour plot's heights
(k, m), and loss(x, y) on two floats gives one number. Each gradient returns (dL/dx, dL/dy).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from gdcore import line


def valley(x, y):
    """A long narrow valley: L = x^2 / 20 + y^2. Twenty times steeper across (y) than along (x)."""
    return x * x / 20 + y * y


def valley_grad(x, y):
    """(dL/dx, dL/dy) = (x / 10, 2 y)."""
    return x / 10, 2 * y


def rosenbrock(x, y):
    """Rosenbrock's banana: L = (1 - x)^2 + 100 (y - x^2)^2. A curved valley with a flat floor; bottom at (1, 1)."""
    return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)


def rosenbrock_grad(x, y):
    """(dL/dx, dL/dy) = (-2 (1 - x) - 400 x (y - x^2), 200 (y - x^2))."""
    return -2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)


def saddle(x, y):
    """A saddle: L = (x^2 - y^2) / 2. Downhill towards x = 0, and downhill for ever away from y = 0."""
    return (x * x - y * y) / 2


def saddle_grad(x, y):
    """(dL/dx, dL/dy) = (x, -y)."""
    return x, -y


def plateau(x, y):
    """A plateau with a hole: L = 1 - exp(-(x^2 + y^2)). Almost flat far out, a steep well at (0, 0)."""
    return 1 - np.exp(-(x * x + y * y))


def plateau_grad(x, y):
    """(dL/dx, dL/dy) = (2 x e, 2 y e), with e = exp(-(x^2 + y^2)): tiny where e is tiny."""
    e = np.exp(-(x * x + y * y))
    return 2 * x * e, 2 * y * e


def house(x, y, bowl: line.Bowl):
    """A line's mean squared error at slope x and intercept y, from the data's sums (gdcore.line.bowl_loss)."""
    return line.bowl_loss((x, y), bowl, "mse")


def house_grad(x, y, bowl: line.Bowl):
    """(dMSE/dslope, dMSE/dintercept), from the bowl's sums (gdcore.line.bowl_loss_grad)."""
    return tuple(line.bowl_loss_grad((x, y), bowl, "mse"))


@dataclass(frozen=True)
class Surface:
    """A loss over (x, y), what the page needs to draw it, and where a race on it starts."""

    name: str  # the key: "house", "valley", ...
    title: str  # in words, e.g. "Rosenbrock's banana"
    formula: str  # one line of LaTeX
    loss: Callable  # loss(x, y), element-wise on arrays
    grad: Callable  # grad(x, y) -> (dL/dx, dL/dy)
    x_range: tuple[float, float]  # the contour plot's extent
    y_range: tuple[float, float]
    start: tuple[float, float]  # where a race starts unless told otherwise
    minimum: tuple[float, float] | None  # the lowest point; None: there is none
    names: tuple[str, str] = ("x", "y")  # the parameters' names in the ledger
    log: bool = False  # heights span many powers of ten: colour the contour by log10

    @property
    def min_loss(self) -> float | None:
        """The loss at the minimum, or None if there is no minimum."""
        return None if self.minimum is None else float(self.loss(*self.minimum))

    def loss_and_grad(self, params) -> tuple[float, np.ndarray]:
        """What gdcore.descent.descend asks for: the loss and the gradient (2,) at params = (x, y)."""
        x, y = params
        return float(self.loss(x, y)), np.array(self.grad(x, y), dtype=float)

    def grid(self, size: int = 121) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """xs (size,), ys (size,) and the loss z (size, size) over the plot's extent; z[i, j] is at (xs[j], ys[i])."""
        xs, ys = np.linspace(*self.x_range, size), np.linspace(*self.y_range, size)
        with np.errstate(all="ignore"):
            z = self.loss(xs[None, :], ys[:, None])  # (1, size) and (size, 1) broadcast to (size, size)
        return xs, ys, np.broadcast_to(z, (size, size)).astype(float)


SURFACES = ("house", "valley", "rosenbrock", "saddle", "plateau")
TITLES = {
    "house": "the house data (standardized bedrooms → price)",
    "valley": "a long narrow valley",
    "rosenbrock": "Rosenbrock's banana",
    "saddle": "a saddle",
    "plateau": "a plateau with a hole",
}


def house_surface(bowl: line.Bowl, title: str = TITLES["house"]) -> Surface:
    """The mean squared error of the line y = slope × x + intercept, both standardized (the house data's
    bedrooms and price, or the columns `title` names)."""
    return Surface(
        name="house",
        title=title,
        formula=r"\text{MSE} = \frac{1}{n}\sum_i \big(y_i - (\text{slope}\cdot x_i + \text{intercept})\big)^2",
        loss=partial(house, bowl=bowl),
        grad=partial(house_grad, bowl=bowl),
        x_range=(-2.0, 2.5),
        y_range=(-2.0, 2.0),
        start=(-1.5, 1.5),
        minimum=line.bowl_bottom(bowl),
        names=line.PARAMETERS,
    )


def named_surface(name: str) -> Surface:
    """One of the four test surfaces, by name."""
    shared = {"name": name, "title": TITLES.get(name, name)}
    if name == "valley":
        return Surface(
            **shared,
            formula=r"L = \frac{x^2}{20} + y^2",
            loss=valley,
            grad=valley_grad,
            x_range=(-10.0, 10.0),
            y_range=(-3.0, 3.0),
            start=(-9.0, 2.0),
            minimum=(0.0, 0.0),
        )
    if name == "rosenbrock":
        return Surface(
            **shared,
            formula=r"L = (1 - x)^2 + 100\,(y - x^2)^2",
            loss=rosenbrock,
            grad=rosenbrock_grad,
            x_range=(-2.0, 2.0),
            y_range=(-1.0, 3.0),
            start=(-1.2, 1.0),
            minimum=(1.0, 1.0),
            log=True,
        )
    if name == "saddle":
        return Surface(
            **shared,
            formula=r"L = \frac{x^2 - y^2}{2}",
            loss=saddle,
            grad=saddle_grad,
            x_range=(-2.0, 2.0),
            y_range=(-2.0, 2.0),
            start=(1.8, 0.001),
            minimum=None,
        )
    if name == "plateau":
        return Surface(
            **shared,
            formula=r"L = 1 - e^{-(x^2 + y^2)}",
            loss=plateau,
            grad=plateau_grad,
            x_range=(-2.5, 2.5),
            y_range=(-2.5, 2.5),
            start=(2.0, 1.5),
            minimum=(0.0, 0.0),
        )
    raise ValueError(f"no surface named {name!r}; the surfaces are {', '.join(SURFACES)}")

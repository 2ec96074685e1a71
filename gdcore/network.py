"""The small network of the lesson: 3 inputs, 2 hidden nodes, 1 output; 8 weights and 2 biases.

    h1 = act(w1*x1 + w2*x2 + w3*x3 + b1)
    h2 = act(w4*x1 + w5*x2 + w6*x3 + b2)
    prediction = w7*h1 + w8*h2

params is always the vector (w1, ..., w8, b1, b2), shape (10,); X has shape (n, 3), y (n,).
"""

from __future__ import annotations

import numpy as np

PARAMETERS = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2")
ACTIVATIONS = ("sigmoid", "tanh", "relu")


def activate(z: np.ndarray, name: str) -> np.ndarray:
    """The activation: sigmoid 1 / (1 + e^-z), tanh, or relu max(z, 0)."""
    if name == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + e^-z), without overflow for very negative z
    if name == "tanh":
        return np.tanh(z)
    return np.maximum(z, 0.0)


def activate_slope(z: np.ndarray, name: str) -> np.ndarray:
    """The activation's derivative: s(1 - s) for sigmoid, 1 - tanh^2 for tanh, 1 where z > 0 for relu."""
    if name == "sigmoid":
        s = activate(z, name)
        return s * (1.0 - s)
    if name == "tanh":
        return 1.0 - np.tanh(z) ** 2
    return (z > 0).astype(float)


def unpack(params) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split params into W (2, 3) = [[w1, w2, w3], [w4, w5, w6]], v (2,) = [w7, w8], b (2,) = [b1, b2]."""
    p = np.asarray(params, dtype=float)
    return p[:6].reshape(2, 3), p[6:8], p[8:10]


def forward(params, X: np.ndarray, activation: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the network: z (n, 2) before the activation, h (n, 2) after it, and the prediction (n,)."""
    W, v, b = unpack(params)
    z = X @ W.T + b  # (n, 3) @ (3, 2) + (2,) -> (n, 2): z1 and z2 for every house
    h = activate(z, activation)  # (n, 2)
    return z, h, h @ v  # prediction = w7*h1 + w8*h2, (n,)


def predict(params, X: np.ndarray, activation: str) -> np.ndarray:
    return forward(params, X, activation)[2]


def loss(params, X: np.ndarray, y: np.ndarray, activation: str, kind: str = "mse") -> float:
    """Sum ("sse") or mean ("mse") of squared errors, (y - prediction)^2."""
    e = y - predict(params, X, activation)
    return float(e @ e) / (len(y) if kind == "mse" else 1)


def loss_and_grad(params, X: np.ndarray, y: np.ndarray, activation: str, kind: str = "mse") -> tuple:
    """The loss and all 10 partial derivatives (in the order of PARAMETERS), from one pass forward
    and one pass back through the network: backpropagation, the chain rule node by node.

    dL/dpred = -2 (y - pred) [/ n]      dL/dw7 = sum dL/dpred * h1         dL/dw8 = sum dL/dpred * h2
    dL/dz_j  = dL/dpred * w_(6+j) * act'(z_j)
    dL/dw (input i into node j) = sum dL/dz_j * x_i                        dL/db_j = sum dL/dz_j
    """
    W, v, b = unpack(params)
    z, h, prediction = forward(params, X, activation)
    n = len(y) if kind == "mse" else 1
    e = y - prediction  # (n,)
    d_pred = -2.0 * e / n  # (n,)
    d_v = h.T @ d_pred  # (2,): w7, w8
    d_z = d_pred[:, None] * v[None, :] * activate_slope(z, activation)  # (n, 2)
    d_W = d_z.T @ X  # (2, 3): w1..w3, w4..w6
    d_b = d_z.sum(axis=0)  # (2,): b1, b2
    return float(e @ e) / n, np.concatenate([d_W.ravel(), d_v, d_b])


def loss_grad(params, X: np.ndarray, y: np.ndarray, activation: str, kind: str = "mse") -> np.ndarray:
    """All 10 partial derivatives by the chain rule (backpropagation), in the order of PARAMETERS."""
    return loss_and_grad(params, X, y, activation, kind)[1]


def chain_rule(params, X: np.ndarray, y: np.ndarray, activation: str, kind: str, name: str) -> dict[str, np.ndarray]:
    """The factors whose product, summed over the houses, is dL/d`name`: one array (n,) per factor.

    For w1: dL/dpred * w7 * act'(z1) * x1. For w7: dL/dpred * h1. For b1: dL/dpred * w7 * act'(z1) * 1.
    """
    W, v, b = unpack(params)
    z, h, prediction = forward(params, X, activation)
    d_pred = -2.0 * (y - prediction) / (len(y) if kind == "mse" else 1)
    k = PARAMETERS.index(name)
    if k in (6, 7):  # w7, w8: straight from a hidden node to the output
        return {"dL/dprediction": d_pred, f"h{k - 5}": h[:, k - 6]}
    j = k // 3 if k < 6 else k - 8  # the hidden node this weight or bias feeds
    factors = {
        "dL/dprediction": d_pred,
        f"w{7 + j}": np.full(len(y), v[j]),
        f"act'(z{j + 1})": activate_slope(z[:, j], activation),
    }
    if k < 6:
        factors[f"x{k % 3 + 1}"] = X[:, k % 3]
    return factors


def initial_params(seed: int) -> np.ndarray:
    """Ten starting values drawn from Normal(0, 1) with numpy's generator seeded by `seed`."""
    return np.random.default_rng(seed).normal(size=len(PARAMETERS))


def numerical_gradient(f, params, eps: float = 1e-6) -> np.ndarray:
    """Central finite differences: (f(p + eps e_k) - f(p - eps e_k)) / (2 eps) for each parameter k."""
    p = np.asarray(params, dtype=float)
    grad = np.empty_like(p)
    for k in range(len(p)):
        step = np.zeros_like(p)
        step[k] = eps
        grad[k] = (f(p + step) - f(p - step)) / (2 * eps)
    return grad


def relative_error(a, b) -> np.ndarray:
    """|a - b| / max(|a|, |b|), element by element: 0 where the two are identical, inf where either is not
    finite (too large to compare)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(all="ignore"):
        error = np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))
    error = np.where(a == b, 0.0, error)
    return np.where(np.isfinite(a) & np.isfinite(b), error, np.inf)

"""Finite-difference gradient checking.

The central difference ``(f(x + h e_i) - f(x - h e_i)) / 2h`` has error ``O(h^2)``; compared
with an analytic gradient ``g`` by the relative error ``|g - g_num| / max(|g| + |g_num|, tiny)``,
a correct gradient in float64 scores around 1e-8 or better with ``h = 1e-5``.
"""
import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function ``f`` at the array ``x``.

    ``x`` is perturbed in place and restored; returns an array shaped like ``x``.

    >>> numerical_gradient(lambda v: float(np.sum(v ** 2)), np.array([1.0, -2.0])).round(6).tolist()
    [2.0, -4.0]
    """
    grad = np.zeros_like(x, dtype=float)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + h
        up = f(x)
        flat_x[i] = old - h
        down = f(x)
        flat_x[i] = old
        flat_g[i] = (up - down) / (2 * h)
    return grad


def relative_error(analytic, numeric):
    """Largest elementwise relative error between two gradients (0 when both are 0)."""
    analytic, numeric = np.asarray(analytic, float), np.asarray(numeric, float)
    scale = np.maximum(np.abs(analytic) + np.abs(numeric), 1e-12)
    return float(np.max(np.abs(analytic - numeric) / scale, initial=0.0))


def check_model_gradients(model, params, X, y, penalties=(), h=1e-5):
    """Compare :meth:`MLP.backward` (plus penalties' gradients) with finite differences.

    Args:
        model: an MLP; params: its parameters (float64, no model axis); X, y: a small batch.
        penalties: coupled penalties whose value is added to the loss.

    Returns:
        ``{name: relative error}`` for every parameter.
    """
    T = model.encode_targets(y, len(X))

    def objective(_):
        out, _cache = model.forward(params, X)
        return model.data_loss(out, T) + sum(p.value(params) for p in penalties)

    out, cache = model.forward(params, X)
    grads = model.backward(params, cache, T)
    for p in penalties:
        p.add_grad(grads, params)
    return {name: relative_error(grads[name], numerical_gradient(objective, params[name], h))
            for name in params}

"""How much a network's output moves with its input: the input-output Jacobian.

For a one-hidden-layer tanh network ``z = tanh(x W1 + b1) W2 + b2`` (pre-softmax outputs),
``∂z/∂x = W1 · diag(1 − h²) · W2`` with ``h`` the hidden activations. Gaussian noise on the
inputs penalizes, to second order in σ, the squared size of this Jacobian (Bishop 1995, for the
squared error): small weights are one way to make it small, saturated or cancelling units another.
For a linear model the Jacobian *is* W, which is why input noise is exactly L2 there.
"""
import numpy as np


def jacobian_norm(params, X):
    """Root-mean-square Frobenius norm ``sqrt(mean_i ‖∂z/∂x (x_i)‖²)`` of a one-hidden-layer tanh
    network's pre-softmax outputs over the rows of ``X``.

    ``params`` holds ``W1 (…, d, m)``, ``b1``, ``W2 (…, m, o)`` (a leading model axis allowed,
    then ``X`` is ``(n, d)`` or ``(K, n, d)``); returns a float or shape ``(K,)``.
    """
    if set(params) != {"W1", "b1", "W2", "b2"}:
        raise ValueError("jacobian_norm takes a network with one hidden layer (W1, b1, W2, b2).")
    W1, W2 = params["W1"], params["W2"]
    b1 = params["b1"] if params["b1"].ndim == 1 else params["b1"][:, None, :]
    slope = 1 - np.tanh(X @ W1 + b1) ** 2                      # (…, n, m)
    # ∂z/∂x = W1·diag(slope)·W2 per row: (…, 1, d, m) @ (…, n, m, o) -> (…, n, d, o) in BLAS
    jac = W1[..., None, :, :] @ (slope[..., :, :, None] * W2[..., None, :, :])
    value = np.sqrt(np.mean(np.sum(jac ** 2, axis=(-2, -1)), axis=-1))
    return float(value) if np.ndim(value) == 0 else value

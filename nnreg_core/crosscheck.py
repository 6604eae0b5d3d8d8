"""Cross-checks against scikit-learn: its MLP trained from our weights, step for step.

scikit-learn is imported inside the functions only, so ``import nnreg_core`` stays NumPy-only and
this module loads without scikit-learn installed.

scikit-learn's MLP (``solver="sgd"``, ``momentum=0``, ``learning_rate="constant"``) takes, on a
minibatch of m samples, the step

    W <- W - lr * (sum_i grad_i + alpha * W) / m  =  W - lr * (mean_grad + (alpha / m) * W)

(``sklearn/neural_network/_multilayer_perceptron.py``, ``_backprop`` and ``_compute_loss_grad``),
and never regularizes the intercepts. So it equals our plain SGD with ``L2(lam)`` when
``lam = alpha / m``, the conversion ``convert(alpha, "sklearn_alpha", "cs231n",
batch_size=m)`` in :mod:`nnreg_core.conventions`.
"""
import warnings

import numpy as np

SKLEARN_ACTIVATIONS = {"tanh": "tanh", "relu": "relu", "sigmoid": "logistic"}


def sklearn_sgd_params(model, params, X, y, *, alpha, lr, batch_size, epochs):
    """Train scikit-learn's MLP by plain minibatch SGD from ``params``; return its parameters.

    The estimator is set up to match :class:`nnreg_core.Run` with ``optimizer=SGD(lr)``,
    ``shuffle=False`` and ``regularizers=[L2(alpha / batch_size)]``: same architecture and
    activation, batches taken in order, no momentum, constant learning rate. It is initialised
    by one ``partial_fit`` (to build its layers), then its weights are overwritten with
    ``params`` and it is trained ``epochs`` more passes with ``partial_fit``.

    Args:
        model: an :class:`nnreg_core.model.MLP` (binary_ce, softmax_ce or mse with one output).
        params: starting parameters without a model axis; not changed.
        X: inputs, shape ``(n, d)``.
        y: labels (classification) or targets, shape ``(n,)``.
        alpha: scikit-learn's L2 strength ``alpha``.
        lr: learning rate (``learning_rate_init``).
        batch_size: minibatch size m.
        epochs: passes over the data.

    Returns:
        A dict ``W1, b1, …`` with our names and shapes, holding scikit-learn's trained weights.

    Raises:
        ValueError: params with a model axis, an activation or loss scikit-learn lacks, or
            scikit-learn not installed.
    """
    estimator = _estimator(model, alpha=alpha, lr=lr, batch_size=batch_size)
    if model.n_models(params) is not None:
        raise ValueError("give one model's parameters (no model axis); use "
                         "nnreg_core.model.select_model(params, k).")
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    fit_options = {} if model.loss == "mse" else {"classes": np.unique(y)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator.partial_fit(X, y, **fit_options)
        estimator.coefs_ = [np.array(params[f"W{i}"], dtype=float)
                            for i in range(1, model.n_layers + 1)]
        estimator.intercepts_ = [np.array(params[f"b{i}"], dtype=float)
                                 for i in range(1, model.n_layers + 1)]
        for _ in range(int(epochs)):
            estimator.partial_fit(X, y)
    trained = {}
    for i, (W, b) in enumerate(zip(estimator.coefs_, estimator.intercepts_), start=1):
        trained[f"W{i}"], trained[f"b{i}"] = W.copy(), b.copy()
    return trained


def _estimator(model, *, alpha, lr, batch_size):
    """A scikit-learn MLP matching ``model`` for plain minibatch SGD."""
    try:
        from sklearn.neural_network import MLPClassifier, MLPRegressor
    except ImportError as err:
        raise ValueError("this cross-check needs scikit-learn: pip install scikit-learn.") from err
    if model.activation not in SKLEARN_ACTIVATIONS:
        raise ValueError(f"scikit-learn has no {model.activation!r} activation.")
    if model.loss == "mse" and model.sizes[-1] != 1:
        raise ValueError("compare mse with one output only (scikit-learn averages the squared "
                         "error over outputs as well).")
    kind = MLPRegressor if model.loss == "mse" else MLPClassifier
    return kind(hidden_layer_sizes=model.sizes[1:-1],
                activation=SKLEARN_ACTIVATIONS[model.activation], solver="sgd", alpha=alpha,
                batch_size=batch_size, learning_rate="constant", learning_rate_init=lr,
                momentum=0.0, nesterovs_momentum=False, shuffle=False, random_state=0)


def max_difference(a, b):
    """Largest ``|a[name] - b[name]|`` over the names of ``a`` (a float).

    >>> max_difference({"W1": np.array([1.0, 2.0])}, {"W1": np.array([1.0, 2.5])})
    0.5
    """
    return max(float(np.max(np.abs(np.asarray(a[n]) - np.asarray(b[n])))) for n in a)

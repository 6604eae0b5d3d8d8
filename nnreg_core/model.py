"""A small multilayer perceptron: forward and backward passes and losses.

Activations are in :mod:`nnreg_core.activations`.

Parameters are a dict of named arrays ``W1, b1, …, WL, bL``. ``W{i}`` has shape
``(fan_in, fan_out)`` and ``b{i}`` shape ``(fan_out,)``, laid out as scikit-learn's ``coefs_`` so
that a layer computes ``z = a @ W + b``. With a model axis of length K they are
``(K, fan_in, fan_out)`` and ``(K, fan_out)``: K networks (say, K strengths of lambda) trained in
one batched computation. Inputs ``X`` are ``(n, d)``, shared by all K models.

Losses (data loss only; penalties live in :mod:`nnreg_core.regularizers.penalties`), each a mean over the n
samples of a batch:

- ``"mse"``: ``0.5 * mean_i sum_o (out_io - y_io)^2``, identity output (scikit-learn's
  ``squared_error`` for one output; Nielsen's quadratic cost).
- ``"binary_ce"``: ``-mean_i [y_i log p_i + (1 - y_i) log(1 - p_i)]``, sigmoid output.
- ``"softmax_ce"``: ``-mean_i log p_{i, y_i}``, softmax output over the classes.

For all three, the gradient of the loss with respect to the output pre-activation is
``(out - T) / n``, where ``T`` are the encoded targets of :meth:`MLP.encode_targets`.
"""
import numpy as np

from .activations import (ACTIVATIONS, sigmoid, activate, activate_in_place,  # noqa: F401
                          activation_grad, softmax_in_place, swap_last, times_activation_grad)

from .validate import float_dtype, generator, numeric_array, whole_number

LOSSES = ("mse", "binary_ce", "softmax_ce")
#: The widest layer :func:`check_sizes` accepts (a 10**5 × 10**5 layer is 80 GB already).
MAX_WIDTH = 100_000


class MLP:
    """A multilayer perceptron with any number of hidden layers.

    Args:
        sizes: layer widths, input first and output last, e.g. ``(2, 16, 16, 1)``.
        activation: hidden activation, one of ``"tanh"``, ``"relu"``, ``"sigmoid"``.
        loss: ``"mse"``, ``"binary_ce"`` (one output) or ``"softmax_ce"`` (one output per class).

    >>> import numpy as np
    >>> net = MLP((2, 3, 1), loss="binary_ce")
    >>> params = net.init(np.random.default_rng(0))
    >>> sorted(params), params["W1"].shape
    (['W1', 'W2', 'b1', 'b2'], (2, 3))
    """

    def __init__(self, sizes, activation="tanh", loss="mse"):
        sizes = check_sizes(sizes)
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose one of {ACTIVATIONS}.")
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose one of {LOSSES}.")
        if loss == "binary_ce" and sizes[-1] != 1:
            raise ValueError(f"binary_ce needs one output unit, got {sizes[-1]}; use softmax_ce "
                             "for several classes.")
        if loss == "softmax_ce" and sizes[-1] < 2:
            raise ValueError("softmax_ce needs one output unit per class (at least 2).")
        self.sizes, self.activation, self.loss = sizes, activation, loss
        self.n_layers = len(sizes) - 1
        self.layer_names = tuple((f"W{i}", f"b{i}") for i in range(1, self.n_layers + 1))

    def __repr__(self):
        return f"MLP(sizes={self.sizes}, activation={self.activation!r}, loss={self.loss!r})"

    # ---------------------------------------------------------------- parameters
    def init(self, rng, n_models=None, dtype=np.float64):
        """Glorot-uniform weights, zero biases.

        ``W{i} ~ U(-r, r)`` with ``r = sqrt(6 / (fan_in + fan_out))``. With ``n_models=K`` every
        array gets a leading model axis and the K models start from the same weights, so that
        they differ only by what is done to them.
        """
        rng, params, dtype = generator(rng), {}, float_dtype(dtype)
        for i, (fan_in, fan_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:]), start=1):
            r = np.sqrt(6.0 / (fan_in + fan_out))
            params[f"W{i}"] = rng.uniform(-r, r, size=(fan_in, fan_out)).astype(dtype)
            params[f"b{i}"] = np.zeros(fan_out, dtype=dtype)
        if n_models is not None:
            params = stack_models(params, n_models)
        return params

    def n_models(self, params):
        """K if ``params`` carry a model axis, else None."""
        w = params["W1"]
        return w.shape[0] if w.ndim == 3 else None

    def check_params(self, params):
        """Raise TypeError or ValueError unless ``params`` fit this architecture: a dict of
        finite real arrays with the shapes :meth:`init` makes."""
        if not isinstance(params, dict):
            raise TypeError(f"params must be a dict of arrays such as model.init(rng) returns, "
                            f"got {type(params).__name__}.")
        for name, p in params.items():
            if not isinstance(p, np.ndarray):
                raise TypeError(f"params[{name!r}] must be a NumPy array (as model.init makes), "
                                f"got {type(p).__name__}; wrap it in np.array(...).")
            numeric_array(p, f"params[{name!r}]")
        if "W1" not in params:
            raise ValueError("params lack W1; expected keys W1, b1, …, "
                             f"W{self.n_layers}, b{self.n_layers}.")
        k = self.n_models(params)
        lead = () if k is None else (k,)
        for i, (fan_in, fan_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:]), start=1):
            for name, shape in ((f"W{i}", lead + (fan_in, fan_out)), (f"b{i}", lead + (fan_out,))):
                if name not in params:
                    raise ValueError(f"params lack {name}; expected keys W1, b1, …, "
                                     f"W{self.n_layers}, b{self.n_layers}.")
                if params[name].shape != shape:
                    raise ValueError(f"{name} has shape {params[name].shape}, expected {shape} "
                                     f"for {self!r}.")
                if not np.all(np.isfinite(params[name])):
                    raise ValueError(f"params[{name!r}] contains NaN or infinite values.")

    # ---------------------------------------------------------------- data checks
    def check_inputs(self, X, name="X"):
        """Return ``X`` as a float array of shape ``(n, d)`` with ``n >= 1``, or raise a
        TypeError (not real numbers) or ValueError naming ``name``."""
        X = numeric_array(X, name, booleans=True)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"{name} must have shape (n, {self.sizes[0]}) for {self!r}, got "
                             f"{X.shape}.")
        if len(X) == 0:
            raise ValueError(f"{name} has no samples (shape {X.shape}); give at least one.")
        if not np.issubdtype(X.dtype, np.floating):
            X = X.astype(float)
        if not np.all(np.isfinite(X)):
            raise ValueError(f"{name} contains NaN or infinite values; drop or impute them "
                             "first.")
        return X

    def encode_targets(self, y, n=None, name="y"):
        """Targets as an array ``T`` of shape ``(n, n_outputs)`` matching the network's output.

        ``"mse"``: y of shape (n,) or (n, n_outputs). ``"binary_ce"``: labels 0/1, shape (n,).
        ``"softmax_ce"``: integer labels ``0 … n_classes-1``, shape (n,), one-hot encoded.
        """
        try:
            y = numeric_array(y, name, booleans=True)
        except TypeError as error:
            raise ValueError(f"{name} must be numeric: {error}") from None
        n_out = self.sizes[-1]
        if y.ndim == 0:
            raise ValueError(f"{name} must hold one target per sample, got the single value "
                             f"{y.item()!r}.")
        if n is not None and y.shape[0] != n:
            raise ValueError(f"X has {n} samples but {name} has {y.shape[0]}; they must match.")
        if not np.all(np.isfinite(y)):
            raise ValueError(f"{name} contains NaN or infinite values.")
        if self.loss == "mse":
            T = y.reshape(-1, 1) if y.ndim == 1 else y
            if T.ndim != 2 or T.shape[1] != n_out:
                raise ValueError(f"y must have shape (n,) or (n, {n_out}) for mse, got {y.shape}.")
            return T.astype(float)
        if y.ndim != 1:
            raise ValueError(f"class labels must have shape (n,), got {y.shape}.")
        labels = y.astype(int)
        if np.any(labels != y):
            raise ValueError("class labels must be whole numbers.")
        n_classes = 2 if self.loss == "binary_ce" else n_out
        bad = (labels < 0) | (labels >= n_classes)
        if np.any(bad):
            raise ValueError(f"labels must lie in 0…{n_classes - 1} for {self!r}; found "
                             f"{sorted(set(labels[bad].tolist()))[:5]}.")
        if self.loss == "binary_ce":
            return labels.reshape(-1, 1).astype(float)
        return np.eye(n_out)[labels]

    # ---------------------------------------------------------------- passes
    def forward(self, params, X, perturbations=(), rng=None):
        """Run the network.

        Args:
            params: the parameter dict (with or without a model axis).
            X: inputs, shape ``(n, d)``.
            perturbations: training-mode noise from :mod:`nnreg_core.regularizers.stochastic`; each has
                ``where`` (``"input"`` or ``"hidden"``) and a ``forward(a, rng)`` /
                ``backward(da, state)`` pair.
            rng: a ``np.random.Generator``, needed when there are perturbations.

        Returns:
            ``(out, cache)``: outputs of shape ``(n, n_outputs)`` or ``(K, n, n_outputs)``
            (probabilities for the cross-entropy losses), and what :meth:`backward` needs.
        """
        a = X
        inputs_noise = hidden_noise = ()
        if perturbations:
            inputs_noise = [p for p in perturbations if p.where == "input"]
            hidden_noise = [p for p in perturbations if p.where == "hidden"]
            k = self.n_models(params)
            if inputs_noise and k is not None:
                a = np.broadcast_to(X, (k,) + X.shape)
            for p in inputs_noise:
                a, _ = p.forward(a, rng)
        inputs, hidden, states = [], [], []
        last = self.n_layers - 1
        for i, (w_name, b_name) in enumerate(self.layer_names):
            inputs.append(a)
            z = a @ params[w_name]
            b = params[b_name]
            z += b if b.ndim == 1 else b[:, None, :]
            if i == last:
                break
            h = activate_in_place(z, self.activation)
            hidden.append(h)
            layer_states = []
            for p in hidden_noise:
                h, state = p.forward(h, rng)
                layer_states.append((p, state))
            states.append(layer_states)
            a = h
        out = self.output_in_place(z)
        return out, (inputs, hidden, states, out)

    def output(self, z):
        """Output activation implied by the loss: identity, sigmoid or softmax (last axis)."""
        if self.loss == "mse":
            return z
        if self.loss == "binary_ce":
            return sigmoid(z)
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def output_in_place(self, z):
        """:meth:`output` computed into ``z`` itself (the same operations, so the same bits)."""
        if self.loss == "mse":
            return z
        if self.loss == "binary_ce":
            return activate_in_place(z, "sigmoid")
        return softmax_in_place(z)

    def backward(self, params, cache, T):
        """Gradients of the mean data loss with respect to every parameter.

        Args:
            params: as in :meth:`forward`.
            cache: the second value returned by :meth:`forward`.
            T: encoded targets, shape ``(n, n_outputs)``.

        Returns:
            A dict with the same keys and shapes as ``params``.
        """
        return self.backward_into(params, cache, T, {})

    def backward_into(self, params, cache, T, grads):
        """:meth:`backward`, writing into the arrays already in ``grads`` (same keys and shapes
        as ``params``, e.g. views into one buffer); missing ones are created. Returns ``grads``.
        """
        inputs, hidden, states, out = cache
        dz = out - T
        dz /= T.shape[0]
        for i in range(self.n_layers, 0, -1):
            w_name, b_name = self.layer_names[i - 1]
            a = inputs[i - 1]
            a_t = a.T if a.ndim == 2 else swap_last(a)
            grads[w_name] = np.matmul(a_t, dz, out=grads.get(w_name))
            grads[b_name] = np.add.reduce(dz, axis=-2, out=grads.get(b_name))
            if i == 1:
                break
            w = params[w_name]
            da = dz @ (w.T if w.ndim == 2 else swap_last(w))
            for p, state in reversed(states[i - 2]):
                da = p.backward(da, state)
            if not isinstance(da, np.ndarray) or da.base is not None or not da.flags.writeable:
                da = np.array(da)
            dz = times_activation_grad(da, hidden[i - 2], self.activation)
        return grads

    def data_loss(self, out, T):
        """Mean data loss of outputs ``out`` (from :meth:`forward`) against targets ``T``.

        Returns a float, or an array of shape ``(K,)`` with a model axis.
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.loss == "mse":
                per_sample = 0.5 * np.sum((out - T) ** 2, axis=-1)
            else:
                tiny = np.finfo(out.dtype).tiny
                if self.loss == "binary_ce":
                    per_sample = -(T * np.log(np.maximum(out, tiny))
                                   + (1 - T) * np.log(np.maximum(1 - out, tiny)))[..., 0]
                else:
                    per_sample = -np.sum(T * np.log(np.maximum(out, tiny)), axis=-1)
        loss = per_sample.mean(axis=-1)
        return float(loss) if np.ndim(loss) == 0 else loss

    def predict(self, params, X):
        """Predictions: class labels for the classification losses, values for mse.

        Shape ``(n,)`` (``(K, n)`` with a model axis) for classes; ``(…, n, n_outputs)`` for mse.
        """
        out, _ = self.forward(params, X)
        if self.loss == "binary_ce":
            return (out[..., 0] > 0.5).astype(int)
        if self.loss == "softmax_ce":
            return out.argmax(axis=-1)
        return out

    def accuracy(self, out, T):
        """Fraction of correct labels (None for mse). Float, or shape ``(K,)``."""
        if self.loss == "mse":
            return None
        if self.loss == "binary_ce":
            correct = (out[..., 0] > 0.5) == (T[:, 0] > 0.5)
        else:
            correct = out.argmax(axis=-1) == T.argmax(axis=-1)
        acc = correct.mean(axis=-1)
        return float(acc) if np.ndim(acc) == 0 else acc


def stack_models(params, n_models):
    """Copy one model's parameters K times along a new leading model axis."""
    n_models = whole_number(n_models, "n_models")
    return {name: np.repeat(p[None], n_models, axis=0) for name, p in params.items()}


def check_sizes(sizes):
    """Layer widths as a tuple of ints, input first: at least two, each a whole number >= 1.

    >>> check_sizes([2, 8.0, 1])
    (2, 8, 1)
    """
    if (isinstance(sizes, (str, bytes, dict)) or not hasattr(sizes, "__len__")
            or not hasattr(sizes, "__getitem__")):  # a set has no order
        raise TypeError(f"sizes must be a tuple of layer widths, e.g. (2, 16, 1); got "
                        f"{sizes!r}.")
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output width, e.g. "
                         f"(2, 16, 1); got {tuple(sizes)!r}.")
    return tuple(whole_number(s, f"sizes[{i}] (layer width)", most=MAX_WIDTH)
                 for i, s in enumerate(sizes))


def params_as(params, dtype):
    """The parameters in ``dtype`` (arrays already in it are shared, not copied)."""
    return {name: p.astype(dtype, copy=False) for name, p in params.items()}


def select_model(params, k):
    """Model k's parameters (no model axis) out of a batch of K."""
    return {name: p[k].copy() for name, p in params.items()}

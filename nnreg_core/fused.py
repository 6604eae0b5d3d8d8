"""The common training step, plain SGD with coupled L2, fused into as few NumPy calls as it needs.

A small network's step is bound by the number of NumPy calls (about a microsecond each), not by
arithmetic. For the step most runs take, SGD with L2 penalties (or none) and no dropout or noise,
this module computes the same update as :func:`nnreg_core.steps.packed_update` in fewer calls,
into buffers allocated once per batch size:

- forward: ``z = a @ W`` into a buffer (``np.matmul(out=)``), the activation in place (relu
  against a buffer of zeros, which NumPy runs faster than against the scalar 0); softmax with
  one row maximum and one row sum (float32: see :func:`softmax_shifted_by_mean`). The first
  and last layers' biases ride in their matrix products: ``[1 | X] @ [b1; W1]`` and
  ``[h | 1] @ [WL; bL]`` (:func:`fused_order` lays the parameters out so that these are
  views), so their transposed products give the bias gradients too; middle layers add their
  bias and sum its gradient;
- backward: the output gradient ``(out - T) * (-lr / n)`` is computed in place of the outputs, so
  the gradients come out already scaled by ``-lr``: they *are* SGD's ``delta`` of the data loss;
- update: L2's ``delta = -lr * lam * w`` is folded into one multiplication,
  ``w *= 1 - lr * lam`` (the sum of the strengths of every L2 that covers ``w``), then the whole
  packed array takes one addition, ``flat += delta``.

The algebra is that of the plain step, ``w - lr * (g + lam * w)``; only the rounding differs, in
the last bits of float64. Constraints (max-norm) act after the update as in the plain step.

Divergence: for the cross-entropy losses the data loss is finite exactly when no output is NaN
(:func:`nnreg_core.steps.loss_is_finite`). A NaN output makes the output layer's bias gradient
NaN, so the bias itself stays NaN from that step on, and the check of the weights at the end of
the epoch sees it: no per-step test is needed. For ``"mse"`` the loss is tested at every step.
"""
import math

import numpy as np

from .model import MLP, activate_in_place, swap_last
from .optim import SGD
from .penalties import L2
from .steps import loss_is_finite


def can_fuse(model, groups, optimizer):
    """Whether a step may run fused: an :class:`~nnreg_core.model.MLP`, plain
    :class:`~nnreg_core.optim.SGD`, penalties that are all :class:`~nnreg_core.penalties.L2`, no
    decay and no training-mode noise (the parameters must also pack, see
    :func:`~nnreg_core.packed.can_pack`)."""
    return (type(model) is MLP and type(optimizer) is SGD
            and not groups["forward"] and not groups["decay"]
            and all(type(p) is L2 for p in groups["gradient"]))


def checks_each_step(model):
    """Whether the fused step must test the loss at every step: only for ``"mse"`` (see the
    module docstring); then chunks of a batched run go step by step together."""
    return model.loss == "mse"


def l2_factors(penalties, lr, dtype=np.float64):
    """``(weight_factor, bias_factor)``: ``1 - lr * lam``, with ``lam`` the summed strengths of
    the L2 penalties covering weights (and biases). None where no penalty acts; shape ``(K, 1)``
    for per-model strengths, in ``dtype`` (float32 factors keep a float32 run's scaling in
    float32: a float64 factor would make NumPy cast the whole weight block to float64 and back).

    >>> l2_factors([L2(0.5), L2(0.25, include_biases=True)], lr=0.1)
    (0.925, 0.975)
    """
    weights = biases = 0.0
    for penalty in penalties:
        weights = weights + penalty.lam
        if penalty.include_biases:
            biases = biases + penalty.lam
    return _decay_factor(weights, lr, dtype), _decay_factor(biases, lr, dtype)


def _decay_factor(lam, lr, dtype):
    """``1 - lr * lam`` for a float, or shaped ``(K, 1)`` for an array; None when lam is 0."""
    if isinstance(lam, float):
        return None if lam == 0.0 else 1.0 - lr * lam
    if not lam.any():
        return None
    return (1.0 - lr * lam).reshape(-1, 1).astype(dtype, copy=False)


def fused_order(model):
    """The packing order the fused step needs: ``b1, W1, …, WL, bL``, then the middle biases.

    The first layer's bias lies just before its weights and the last layer's just after, so
    that ``[b1; W1]`` and ``[WL; bL]`` are matrices: a column of ones beside the inputs (before)
    or the last hidden activations (after) makes one matrix product add the bias, and the
    transposed product gives the bias gradient with the weight gradient.

    >>> fused_order(MLP((4, 8, 8, 2)))
    ['b1', 'W1', 'W2', 'W3', 'b3', 'b2']
    """
    n = model.n_layers
    order = ["b1"] + [f"W{i}" for i in range(1, n + 1)]
    if n > 1:
        order += [f"b{n}"] + [f"b{i}" for i in range(2, n)]
    return order


class Buffers:
    """Arrays for batches of ``m`` samples, shaped ``lead + (m, width)``.

    ``z[i]`` holds layer i's pre-activation, then its activation (the output layer's becomes
    the output gradient). The last hidden layer's has one more column, of ones, for the output
    bias; ``h[i]`` is the view without it. ``da[i]`` and ``slope[i]`` hold a hidden layer's
    incoming gradient and activation slope (a mask for relu), as wide as ``z[i]`` so that
    element-wise work runs on whole, contiguous arrays; ``zeros[i]`` is zeros shaped like
    ``z[i]``, for relu. ``row`` holds one value per sample for the softmax, and ``ones`` and
    ``means`` columns of ``1`` and ``1 / n_outputs`` that sum and average the rows of the
    outputs in one matrix product each.
    """

    def __init__(self, model, lead, m, dtype):
        hidden, n_out = model.sizes[1:-1], model.sizes[-1]
        self.widths = list(hidden)
        self.z, self.h = [], []
        for i, width in enumerate(hidden):
            extra = 1 if i == len(hidden) - 1 else 0
            z = np.empty(lead + (m, width + extra), dtype)
            z[..., width:] = 1.0
            self.z.append(z)
            self.h.append(z[..., :width])
        self.z.append(np.empty(lead + (m, n_out), dtype))
        self.h.append(self.z[-1])
        self.da = [np.empty_like(z) for z in self.z[:-1]]
        slope_dtype = bool if model.activation == "relu" else dtype
        self.slope = [np.empty(z.shape, slope_dtype) for z in self.z[:-1]]
        self.zeros = [np.zeros_like(z) for z in self.z[:-1]]
        self.row = np.empty(lead + (m, 1), dtype)
        self.ones = np.ones((n_out, 1), dtype)
        self.means = np.full((n_out, 1), 1.0 / n_out, dtype)


class FusedSGD:
    """The fused SGD + L2 step on a :class:`~nnreg_core.packed.Packed` set of parameters.

    Args:
        model: an :class:`~nnreg_core.model.MLP`.
        packed, grads: the packed parameters (changed in place), laid out in
            :func:`fused_order`, and a gradient buffer of the same layout; parts of a model axis
            (:meth:`~nnreg_core.packed.Packed.models`) work.
        optimizer: the run's :class:`~nnreg_core.optim.SGD`, whose ``lr`` is read at every step.

    The step takes inputs with a leading column of ones, ``[1 | X]``, from :meth:`prepare`.
    ``checks_each_step`` is true only for ``"mse"``, whose loss is tested at every step (see
    the module docstring); otherwise chunks of a batched run may go through a whole epoch
    each (:meth:`nnreg_core.parallel.ChunkedSteps.epoch`).
    """

    def __init__(self, model, packed, grads, optimizer):
        if packed.order != fused_order(model):
            raise ValueError(f"the fused step needs the packing order {fused_order(model)}, "
                             f"got {packed.order}.")
        self.model, self.packed, self.grads = model, packed, grads
        self.optimizer = optimizer
        self.n_layers = n = model.n_layers
        self.products = [self._matrix(packed, i) for i in range(1, n + 1)]
        self.grad_products = [self._matrix(grads, i) for i in range(1, n + 1)]
        self.biases = [None if i in (1, n) else self._rows(packed.views[f"b{i}"])
                       for i in range(1, n + 1)]
        self.grad_b = [grads.views[f"b{i}"] for i in range(1, n + 1)]
        self.products_t = [swap_last(w) for w in self.products]
        self.relu = model.activation == "relu"
        self.checks_each_step = checks_each_step(model)
        self.single = packed.flat.dtype == np.float32
        self._buffers = {}
        self._factors = (None, None)
        self._prepared = (None, None)

    def _matrix(self, packed, i):
        """What layer i multiplies its input by: ``[b1; W1]``, ``[WL; bL]`` or ``Wi``."""
        fan_in, fan_out = self.model.sizes[i - 1], self.model.sizes[i]
        if i == 1:
            return packed.span("b1", "W1").reshape(packed.lead + (fan_in + 1, fan_out))
        if i == self.n_layers:
            return packed.span(f"W{i}", f"b{i}").reshape(packed.lead + (fan_in + 1, fan_out))
        return packed.views[f"W{i}"]

    @staticmethod
    def _rows(b):
        """A bias ``(width,)`` or ``(K, width)`` shaped to add to ``(…, m, width)``."""
        return b if b.ndim == 1 else b[:, None, :]

    def prepare(self, X):
        """``[1 | X]``, shape ``(n, d + 1)``: the inputs as the step takes them (kept for the
        last ``X`` asked for)."""
        if self._prepared[0] is not X:
            ones = np.ones((X.shape[0], 1), dtype=X.dtype)
            self._prepared = (X, np.concatenate([ones, X], axis=1))
        return self._prepared[1]

    def buffers(self, m):
        """The :class:`Buffers` for batches of ``m`` samples (made on first use), with the
        arrays each layer's forward and backward work reads and writes, gathered in order."""
        buf = self._buffers.get(m)
        if buf is None:
            buf = Buffers(self.model, self.packed.lead, m, self.packed.flat.dtype)
            last = self.n_layers - 1
            buf.forward_plan = list(zip(self.products[:last], self.biases[:last], buf.z, buf.h,
                                        buf.widths, buf.zeros))
            buf.backward_plan = [
                (swap_last(buf.z[i - 1]), self.grad_products[i],
                 None if self.biases[i] is None else self.grad_b[i], self.products_t[i],
                 buf.da[i - 1], buf.z[i - 1], buf.slope[i - 1],
                 buf.da[i - 1][..., :buf.widths[i - 1]])
                for i in range(last, 0, -1)]
            self._buffers[m] = buf
        return buf

    def __call__(self, X, T, opt_state, groups, rng=None):
        """One step on the batch ``(X, T)``: ``X`` from :meth:`prepare`, ``(m, d + 1)``;
        ``T`` encoded targets, ``(m, n_outputs)``.

        ``groups`` are the step's regularizers by kind; SGD keeps no ``opt_state`` and the step
        draws nothing from ``rng`` (both are taken for a common signature). Returns False if the
        data loss is known to be non-finite (see the module docstring), else True.
        """
        lr = self.optimizer.lr
        buf = self.buffers(X.shape[0])
        out = self.forward(X, buf)
        finite = not self.checks_each_step or loss_is_finite(self.model, out, T)
        self.backward(X, T, -lr / X.shape[0], buf)
        self.update(lr, groups)
        return finite

    def forward(self, X, buf):
        """Outputs of the network on ``X`` (from :meth:`prepare`) into ``buf.z[-1]``; hidden
        activations in ``buf.h``. The first and last products add their layer's bias."""
        a = X
        for w, b, z, h, width, zeros in buf.forward_plan:
            np.matmul(a, w, out=h)
            if b is not None:
                h += b
            self._activate(z, width, zeros)
            a = z
        out = np.matmul(a, self.products[-1], out=buf.z[-1])
        if not self._output(out, buf):  # a float32 softmax overflowed: the exact one instead
            np.matmul(a, self.products[-1], out=out)
            softmax_in_place(out, buf.row)
        return out

    def _activate(self, z, width, zeros):
        """The hidden activation on the whole buffer ``z``, whose columns from ``width`` on are
        ones (relu keeps them; the others get them back); ``zeros`` is shaped like ``z``."""
        if self.relu:
            np.maximum(z, zeros, out=z)
            return
        activate_in_place(z, self.model.activation)
        if z.shape[-1] > width:
            z[..., width:] = 1.0

    def _output(self, z, buf):
        """The output activation in place of ``z``; False if a float32 softmax overflowed
        (:func:`softmax_shifted_by_mean`), leaving ``z`` to be computed again. float64's softmax
        keeps NumPy's reductions, whose bits the float64 results were made with."""
        loss = self.model.loss
        if loss == "softmax_ce" and self.single:
            return softmax_shifted_by_mean(z, buf.row, buf.means, buf.ones)
        if loss == "softmax_ce":
            softmax_in_place(z, buf.row)
        elif loss == "binary_ce":
            activate_in_place(z, "sigmoid")
        return True

    def backward(self, X, T, scale, buf):
        """Gradients times ``-lr`` (``scale = -lr / m``) into the gradient buffer, from the
        outputs in ``buf.z[-1]`` (consumed). The first and last products' gradients carry
        their bias's gradient."""
        dz = buf.z[-1]
        dz -= T
        dz *= scale
        for a_t, grad, grad_b, w_t, da, z, slope, below in buf.backward_plan:
            np.matmul(a_t, dz, out=grad)
            if grad_b is not None:
                np.add.reduce(dz, axis=-2, out=grad_b)
            np.matmul(dz, w_t, out=da)
            self._times_slope(da, z, slope)
            dz = below
        np.matmul(X.T, dz, out=self.grad_products[0])

    def _times_slope(self, da, h, slope):
        """``da * activation'(z)``, written with the activation ``h``, into ``da``."""
        name = self.model.activation
        if name == "relu":
            np.greater(h, 0.0, out=slope)
        elif name == "tanh":
            np.multiply(h, h, out=slope)
            np.subtract(1.0, slope, out=slope)
        else:
            np.subtract(1.0, h, out=slope)
            slope *= h
        return np.multiply(da, slope, out=da)

    def update(self, lr, groups):
        """``w *= 1 - lr * lam`` where L2 acts, ``flat += delta``, then the constraints."""
        w_factor, b_factor = self.l2_factors(groups["gradient"], lr)
        if w_factor is not None:
            self.packed.groups["W"] *= w_factor
        if b_factor is not None:
            for name, block in self.packed.groups.items():
                if name != "W":
                    block *= b_factor
        self.packed.flat += self.grads.flat
        for constraint in groups["constraint"]:
            constraint.apply(self.packed.views)

    def l2_factors(self, penalties, lr):
        """:func:`l2_factors` in the parameters' dtype, computed again only when ``lr`` or a
        strength (compared by value) changed since the last step."""
        key = (lr,) + tuple((p.lam if isinstance(p.lam, float) else p.lam.tobytes(),
                             p.include_biases) for p in penalties)
        if key != self._factors[0]:
            self._factors = (key, l2_factors(penalties, lr, self.packed.flat.dtype))
        return self._factors[1]


def softmax_in_place(z, row):
    """The softmax of the rows of ``z``, ``(…, m, w)``, in place: ``exp(z - max) / sum``, with
    the row maxima and sums into ``row``, ``(…, m, 1)``."""
    np.maximum.reduce(z, axis=-1, keepdims=True, out=row)
    z -= row
    np.exp(z, out=z)
    np.add.reduce(z, axis=-1, keepdims=True, out=row)
    z /= row


def softmax_shifted_by_mean(z, row, means, ones):
    """The softmax of the rows of ``z``, ``(…, m, w)``, in place, shifted by the row means
    instead of the maxima: ``exp(z - mean) / sum``; True, or False if an exponential overflowed.

    Any shift gives the same softmax, and a mean and a sum are one matrix product each
    (``means`` and ``ones`` are ``(w, 1)`` columns of ``1 / w`` and ``1``), where a row maximum
    over a few columns is a slow reduction. The largest term is at least ``exp(0) = 1``, so the
    sum never vanishes; it overflows only when a row's maximum lies more than about 88 above its
    mean (float32), and then ``z`` is left to be computed again with the maximum
    (:func:`softmax_in_place`). A NaN in ``z`` also returns False, and stays NaN in the exact
    softmax.

    >>> z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 500.0]], dtype=np.float32)
    >>> row, cols = np.empty((2, 1), np.float32), np.ones((3, 1), np.float32)
    >>> softmax_shifted_by_mean(z[:1], row[:1], cols / 3, cols)
    True
    >>> [round(float(p), 4) for p in z[0]]
    [0.09, 0.2447, 0.6652]
    >>> with np.errstate(over="ignore"):  # training ignores it too: the overflow is handled
    ...     softmax_shifted_by_mean(z[1:], row[1:], cols / 3, cols)
    False
    """
    np.matmul(z, means, out=row)
    z -= row
    np.exp(z, out=z)
    np.matmul(z, ones, out=row)
    if not math.isfinite(np.add.reduce(row, axis=None)):
        return False
    z /= row
    return True

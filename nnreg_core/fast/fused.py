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
import numpy as np

from ..activations import activate_in_place, softmax_in_place, swap_last
from .fused_parts import (Buffers, checks_each_step, fused_order, l2_factors,
                          softmax_shifted_by_mean)
from ..steps import loss_is_finite


class FusedSGD:
    """The fused SGD + L2 step on a :class:`~nnreg_core.fast.packed.Packed` set of parameters.

    Args:
        model: an :class:`~nnreg_core.model.MLP`.
        packed, grads: the packed parameters (changed in place), laid out in
            :func:`fused_order`, and a gradient buffer of the same layout; parts of a model axis
            (:meth:`~nnreg_core.fast.packed.Packed.models`) work.
        optimizer: the run's :class:`~nnreg_core.optim.SGD`, whose ``lr`` is read at every step.

    The step takes inputs with a leading column of ones, ``[1 | X]``, from :meth:`prepare`.
    ``checks_each_step`` is true only for ``"mse"``, whose loss is tested at every step (see
    the module docstring); otherwise chunks of a batched run may go through a whole epoch
    each (:meth:`nnreg_core.fast.threads.ChunkedSteps.epoch`).
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

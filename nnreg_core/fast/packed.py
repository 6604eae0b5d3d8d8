"""Parameters packed into one array, so that a training step updates them in a few operations.

A small network's step is bound by the number of NumPy calls, not by arithmetic: adding the L2
gradient, scaling by the learning rate and adding the result to the weights cost one call per
parameter array each. Packed, all weights lie in one block of one array and all biases in the
next, and the named arrays ``W1, b1, …`` are views into it. Element-wise work then runs once over
the block, with the same arithmetic on every element, so the results are bit for bit those of
the per-array loop.

Layout of ``flat`` (shape ``(n_total,)``, or ``(K, n_total)`` with a model axis), by default::

    [ W1 raveled | W2 raveled | … | b1 | b2 | … ]
      ---------- "W" --------     --- "b" ---

``groups`` names the blocks ``{"W": …, "b": …}``: a regularizer that acts element-wise on the
parameters its :meth:`~nnreg_core.regularizers.base.Regularizer.names` selects (weights, and biases when
asked) acts on a whole block at once. Another ``order`` may be asked for (the fused step of
:mod:`nnreg_core.fast.fused` puts ``b1`` before ``W1`` and the last bias after the last weights), as
long as the weights stay together; biases that are not together are then groups of their own.
"""
import copy

import numpy as np

from ..model import MLP
from ..optim import SGD, Adam, Momentum
from ..regularizers.base import has_model_axis
from ..steps import loss_is_finite, update


ELEMENTWISE = (Momentum, Adam)
"""Optimizers whose update acts on each element alone, so that one call over the packed buffer
gives every element the bits of the by-name calls."""


class Packed:
    """One array holding every parameter, with per-name views and the weight block ``W``.

    Args:
        params: a parameter dict of one float dtype, with or without a model axis. Its arrays
            are copied in.
        like: a :class:`Packed` whose layout to copy, with its values left uninitialized (for
            gradient buffers); then ``params`` and ``order`` are ignored.
        order: the names in the order to lay them out (default: the weights, then the biases).
            The weights must stay next to each other.

    ``groups`` maps ``"W"`` to the block of all weights and ``"b"`` to the block of all biases
    when they lie next to each other, else each bias name to its own view.
    """

    def __init__(self, params=None, like=None, order=None):
        if like is not None:
            self.order, self.lead, self.shapes = like.order, like.lead, like.shapes
            self.flat = np.empty_like(like.flat)
        else:
            self._layout(params, order)
        self._index()
        if like is None:
            for name in self.order:
                self.views[name][...] = params[name]

    @classmethod
    def over(cls, flat, order, shapes):
        """The packing of ``order`` and ``shapes`` (as another packing's) whose array is
        ``flat`` itself, not a copy: ``(n_total,)`` or ``(K, n_total)``."""
        packed = cls.__new__(cls)
        packed.order, packed.shapes, packed.flat = list(order), dict(shapes), flat
        packed.lead = flat.shape[:-1]
        packed._index()
        return packed

    def rebase(self, flat):
        """Move the packing onto ``flat`` (same shape and dtype, e.g. shared memory), which
        takes the current values; the views and blocks are made anew over it."""
        if flat.shape != self.flat.shape or flat.dtype != self.flat.dtype:
            raise ValueError(f"cannot rebase a packing of shape {self.flat.shape} and dtype "
                             f"{self.flat.dtype} onto {flat.shape}, {flat.dtype}.")
        flat[...] = self.flat
        self.flat = flat
        self._index()
        return self

    def _index(self):
        """The per-name views, their offsets and the blocks, over ``self.flat``."""
        self.views, self.offsets = {}, {}
        offset = 0
        for name in self.order:
            shape = self.shapes[name]
            size = int(np.prod(shape[len(self.lead):], dtype=int))
            view = self.flat[..., offset:offset + size].reshape(shape)
            if not np.shares_memory(view, self.flat):
                raise ValueError(f"cannot pack {name} of shape {shape} as a view.")
            self.views[name] = view
            self.offsets[name] = (offset, offset + size)
            offset += size
        self.groups = {"W": self._block([n for n in self.order if n.startswith("W")])}
        biases = [n for n in self.order if not n.startswith("W")]
        try:
            self.groups["b"] = self._block(biases)
        except ValueError:
            self.groups.update((name, self.flat[..., slice(*self.offsets[name])])
                               for name in biases)

    def _layout(self, params, order):
        self.order = list(order) if order is not None else (
            [n for n in params if n.startswith("W")] + [n for n in params if n[:1] != "W"])
        if sorted(self.order) != sorted(params):
            raise ValueError(f"order {self.order} must name every parameter {sorted(params)} "
                             "once.")
        weights = [n for n in self.order if n.startswith("W")]
        first = params[weights[0]]
        self.lead = first.shape[:1] if has_model_axis(weights[0], first) else ()
        self.shapes = {n: params[n].shape for n in self.order}
        total = sum(int(np.prod(params[n].shape[len(self.lead):], dtype=int))
                    for n in self.order)
        self.flat = np.empty(self.lead + (total,), dtype=first.dtype)

    def _block(self, names):
        """The view spanning ``names``, which must lie next to each other in this order."""
        if not names:
            return self.flat[..., :0]
        start, stop = self.offsets[names[0]][0], self.offsets[names[-1]][1]
        if sum(b - a for a, b in (self.offsets[n] for n in names)) != stop - start:
            raise ValueError(f"{names} do not lie next to each other in the order {self.order}.")
        return self.flat[..., start:stop]

    def span(self, first, last):
        """The view from parameter ``first`` to parameter ``last`` inclusive, flat per model."""
        return self.flat[..., self.offsets[first][0]:self.offsets[last][1]]

    def models(self, start, stop):
        """The same packing cut to models ``start:stop`` of the model axis (views, no copies)."""
        part = copy.copy(self)
        part.flat = self.flat[start:stop]
        part.views = {name: view[start:stop] for name, view in self.views.items()}
        part.groups = {name: block[start:stop] for name, block in self.groups.items()}
        part.lead = (stop - start,)
        return part

    def holds(self, params):
        """Whether ``params`` still maps every name to this packing's own view."""
        return len(params) == len(self.views) and all(
            params.get(name) is view for name, view in self.views.items())

    def point(self, params):
        """Make ``params`` map every name to this packing's view (the dict is changed in place)."""
        for name in self.order:
            params[name] = self.views[name]
        return params


def can_pack(model, params, groups):
    """Whether a training step on ``params`` may run on a :class:`Packed` copy.

    True when the parameters are the weights ``W…`` and biases ``b…`` of one float dtype (at
    least one weight), the model computes gradients with
    :meth:`~nnreg_core.model.MLP.backward_into`, and every penalty and decay declares the
    ``"packed"`` fast path (:attr:`~nnreg_core.regularizers.base.Regularizer.fast_paths`).
    """
    names = list(params)
    if not any(n.startswith("W") for n in names) or not all(n[:1] in "Wb" for n in names):
        return False
    dtypes = {p.dtype for p in params.values()}
    if len(dtypes) != 1 or not np.issubdtype(dtypes.pop(), np.floating):
        return False
    if not isinstance(model, MLP) or type(model).backward is not MLP.backward:
        return False
    return all("packed" in reg.fast_paths for reg in groups["gradient"] + groups["decay"])


class PackedSpace:
    """Packed parameters and gradients as a space for :func:`nnreg_core.steps.update`.

    The network reads the per-name ``views``; penalties and decays act on the blocks
    (``packed.groups``: all weights at once); plain SGD adds its change to ``flat`` in one go.
    The same operations on every element in the same order as :class:`~nnreg_core.steps.ByName`,
    so the same results.
    """

    def __init__(self, packed, grads):
        self.packed, self.grads = packed, grads
        self.views, self.blocks, self.grad_blocks = packed.views, packed.groups, grads.groups

    def backward(self, model, cache, T):
        """The data-loss gradients, written into the gradient buffer."""
        model.backward_into(self.views, cache, T, self.grads.views)

    def optimize(self, optimizer, opt_state):
        """The optimizer's change for the gradients: for plain SGD, and for momentum and Adam
        when ``pack_state`` allows it, over the whole buffer at once (``{"all": delta}``);
        else by name. ``opt_state`` is updated in place either way."""
        if type(optimizer) is SGD:
            return optimizer.update_owned({"all": self.grads.flat}, opt_state)[0]
        flat = self.flat_state(opt_state) if type(optimizer) in ELEMENTWISE else None
        if flat is None:
            return optimizer.update_owned(self.grads.views, opt_state)[0]
        state, scalars = flat
        state.update((key, opt_state[key]) for key in scalars)
        delta, _ = optimizer.update_owned({"all": self.grads.flat}, state)
        opt_state.update((key, state[key]) for key in scalars)   # e.g. Adam's step count
        return delta

    _flat = None           # (opt_state, (state, scalars), holders) of the last flat_state
    pack_state = False
    """Whether :meth:`optimize` may move an optimizer's by-name state into packed buffers (the
    by-name arrays become views of them): only for a step that owns the whole state, never
    for a chunk of the model axis, which gets a sliced copy of the dict."""

    def flat_state(self, opt_state):
        """``(state, scalars)``: ``opt_state`` with every by-name dict of arrays (momentum's
        velocities, Adam's moments) as ``{"all": buffer}`` (the by-name arrays are made views
        of the buffers), and the keys of its other entries; None when not allowed or when the
        state has another form."""
        if not self.pack_state or not isinstance(opt_state, dict):
            return None
        kept = self._flat
        if kept is not None and kept[0] is opt_state and all(
                holder.holds(by_name) for holder, by_name in kept[2]):
            return kept[1]
        names = set(self.packed.order)
        parts = {None: opt_state} if set(opt_state) == names else opt_state
        state, scalars, holders = {}, [], []
        for key, value in parts.items():
            if not isinstance(value, dict):
                state[key] = value
                scalars.append(key)
                continue
            holder = self._packed_copy(value) if set(value) == names else None
            if holder is None:
                return None
            holders.append((holder, value))
            state[key] = {"all": holder.flat}
        if None in state:                         # the state is one by-name dict
            state = state[None]
        self._flat = (opt_state, (state, scalars), holders)
        return self._flat[1]

    def _packed_copy(self, by_name):
        """A packing laid out like the parameters holding ``by_name``'s values, with
        ``by_name`` pointed at its views; None if the arrays do not fit."""
        if any(np.shape(by_name[n]) != self.packed.shapes[n]
               or np.asarray(by_name[n]).dtype != self.packed.flat.dtype for n in by_name):
            return None
        holder = Packed(like=self.packed)
        for name, view in holder.views.items():
            view[...] = by_name[name]
        holder.point(by_name)
        return holder

    def add(self, delta):
        """``w += delta``, in one go when the optimizer answered for the whole buffer."""
        if "all" in delta:
            self.packed.flat += delta["all"]
        else:
            for name, d in delta.items():
                self.views[name] += d


class PackedStep:
    """:func:`nnreg_core.steps.update` bound to packed parameters, gradients and an optimizer.

    Calling it, ``step(X, T, opt_state, groups, rng)``, runs one step and returns whether the
    batch data loss is finite (:func:`~nnreg_core.steps.loss_is_finite`): the signature every
    packed step shares (see :class:`nnreg_core.fast.fused.FusedSGD`). It tests the loss at every
    step (``checks_each_step``), so the chunks of a batched run go step by step together.
    """

    checks_each_step = True

    def __init__(self, model, packed, grads, optimizer):
        self.model, self.packed, self.grads, self.optimizer = model, packed, grads, optimizer
        self.space = PackedSpace(packed, grads)

    @staticmethod
    def prepare(X):
        """The inputs as this step takes them: ``X`` itself."""
        return X

    def __call__(self, X, T, opt_state, groups, rng=None):
        out = update(self.model, self.space, opt_state, X, T, self.optimizer, groups, rng)
        return loss_is_finite(self.model, out, T)

"""Regularizers, one module for each place in a training step where they act.

- :mod:`.base`: :class:`~.base.Regularizer` (``acts``, ``fast_paths``) and strength checks;
- :mod:`.penalties`: L2, L1, elastic net, added to loss and gradient (coupled);
- :mod:`.decay`: weight decay, L1 shrink, proximal L1, on the weights in the update (decoupled);
- :mod:`.constraints`: max-norm, a projection after the update;
- :mod:`.stochastic`: dropout and Gaussian noise in the forward pass, training mode only;
- :mod:`.augment`: shifts and rotations of each training batch, before the forward pass.
"""
from .augment import Augment
from .base import Regularizer
from .constraints import MaxNorm
from .decay import DecoupledWeightDecay, L1Shrink, MultiplicativeDecay, ProximalL1
from .penalties import L1, L2, ElasticNet
from .stochastic import Dropout, GaussianNoise

__all__ = ["Regularizer", "L2", "L1", "ElasticNet", "MultiplicativeDecay", "DecoupledWeightDecay",
           "L1Shrink", "ProximalL1", "MaxNorm", "Dropout", "GaussianNoise",
           "Augment"]

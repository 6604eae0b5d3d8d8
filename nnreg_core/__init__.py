"""nnreg_core: the NumPy core behind the nnreg notebooks on neural-network regularization.

Modules, cut by where a regularizer acts in a training step:

- :mod:`~nnreg_core.data`: toy sets, digits, splitting, scaling (before training)
- :mod:`~nnreg_core.model`: the MLP, forward/backward (with a model axis for K models at once)
- :mod:`~nnreg_core.regularizers.penalties`: L2, L1, elastic net, added to loss and gradient (coupled)
- :mod:`~nnreg_core.regularizers.decay`: weight decay, L1 shrink, proximal L1, on the weights (decoupled)
- :mod:`~nnreg_core.regularizers.constraints`: max-norm, a projection after the update
- :mod:`~nnreg_core.regularizers.stochastic`: dropout and Gaussian noise in the forward pass
- :mod:`~nnreg_core.optim`: SGD, momentum, Adam (gradients only)
- :mod:`~nnreg_core.train`: the step, the run and its per-epoch reports
- :mod:`~nnreg_core.conventions`: every way of writing lambda, converted exactly
- :mod:`~nnreg_core.checks`: finite-difference gradient checks

Drawing (:mod:`nnreg_core.display.viz`) and dashboards (:mod:`nnreg_core.display.dashboard`) are imported on
demand: ``import nnreg_core`` loads NumPy only.
"""
from . import checks, conventions, data, model, optim, train
from .regularizers import constraints, decay, penalties, stochastic
from .regularizers.constraints import MaxNorm
from .conventions import convert, convert_all
from .data import Dataset, load
from .regularizers.decay import DecoupledWeightDecay, L1Shrink, MultiplicativeDecay, ProximalL1
from .model import MLP
from .optim import SGD, Adam, Momentum
from .regularizers.penalties import L1, L2, ElasticNet
from .regularizers.stochastic import Dropout, GaussianNoise
from .train import EpochReport, History, Run

__version__ = "0.1.0"

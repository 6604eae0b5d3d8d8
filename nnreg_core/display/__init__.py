"""The display layer: matplotlib drawing and ipywidgets dashboards on top of the NumPy core.

- :mod:`.viz` (with :mod:`.curves`, :mod:`.maps`, :mod:`.style`): plots that take ``ax=`` and
  return their artists;
- :mod:`.dashboard`: :class:`Dashboard`, and :mod:`.compare`: :class:`Comparison`;
- :mod:`.converter`: the lambda converter widget.

``Dashboard``, ``Comparison`` and ``Converter`` are loaded on first use, so drawing with
:mod:`.viz` alone does not import ipywidgets.
"""
import importlib

_LAZY = {"Dashboard": ".dashboard", "Comparison": ".compare", "Converter": ".converter",
         "conversion_table": ".converter"}
__all__ = sorted(_LAZY) + ["viz"]


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    if name == "viz":
        return importlib.import_module(".viz", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

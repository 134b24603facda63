"""Import Keras and TensorFlow when a function first needs them (private).

``import keras`` costs 4-6 s and ~500 MB. The course's one policy: a module of the Keras
layer imports Keras at the top, like any library -- except the few that must stay quick to
import (``data``, ``runtime``, ``pretrained``, ``doctor``, ``cli``: the list and the reasons
are ``QUICK_TO_IMPORT`` in ``tests/test_layering.py``, which enforces it), which import it
here, inside the function that needs it. Python caches modules, so calling these again is
free.

>>> import sys
>>> keras() is sys.modules["keras"]
True
"""

from __future__ import annotations

from types import ModuleType

__all__ = ["keras", "tensorflow"]


def keras() -> ModuleType:
    """The ``keras`` module, imported on first use."""
    import keras as _keras

    return _keras


def tensorflow() -> ModuleType:
    """The ``tensorflow`` module, imported on first use."""
    import tensorflow as _tf

    return _tf

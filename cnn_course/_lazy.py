"""Import Keras and TensorFlow when a function first needs them (private).

``import keras`` costs 4-6 s and ~500 MB, so modules that a student may use without
training anything (``data``, ``runtime``, ``pretrained``'s file helpers, ``models`` for a
table) import it here, inside the function that needs it, instead of at the top. Python
caches modules, so calling these again is free.

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

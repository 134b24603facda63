"""Where the course runs: versions, device, seeding and quick mode.

Nothing here imports TensorFlow at module import time, so ``quick_mode()`` and
``in_colab()`` stay cheap; ``report()``, ``seed_everything()`` and
``strategy()`` import it when called.
"""

from __future__ import annotations

import os
import platform
import sys

import numpy as np

QUICK_ENV = "CNN_COURSE_QUICK"
"""Environment variable that switches the notebooks to quick mode (the tests set it)."""


def quick_mode() -> bool:
    """Return True when the course runs in quick mode (small subsets, few epochs).

    Quick mode is on when the environment variable ``CNN_COURSE_QUICK`` is set to
    anything but ``""``, ``"0"``, ``"false"`` or ``"no"``. The test suite sets it so
    that every notebook runs on a 2-core CPU in minutes; unset, the notebooks
    reproduce the slides' full results.

    Examples
    --------
    >>> import os
    >>> old = os.environ.pop("CNN_COURSE_QUICK", None)
    >>> quick_mode()
    False
    >>> os.environ["CNN_COURSE_QUICK"] = "1"
    >>> quick_mode()
    True
    >>> os.environ["CNN_COURSE_QUICK"] = "0"
    >>> quick_mode()
    False
    >>> del os.environ["CNN_COURSE_QUICK"]
    >>> if old is not None:
    ...     os.environ["CNN_COURSE_QUICK"] = old
    """
    value = os.environ.get(QUICK_ENV, "").strip().lower()
    return value not in ("", "0", "false", "no")


def in_colab() -> bool:
    """Return True inside Google Colab (the ``google.colab`` module is loaded).

    Examples
    --------
    >>> in_colab()
    False
    """
    return "google.colab" in sys.modules


def seed_everything(seed: int = 0) -> None:
    """Seed Python, NumPy and Keras/TensorFlow so a run can be repeated.

    Uses :func:`keras.utils.set_random_seed`, which seeds Python's ``random``,
    NumPy and the backend in one call.

    Parameters
    ----------
    seed : int
        The seed; the course uses 0 unless a notebook says otherwise.
    """
    import keras

    keras.utils.set_random_seed(seed)


def devices() -> dict[str, int]:
    """Count the accelerators TensorFlow sees: ``{"CPU": n, "GPU": n, "TPU": n}``."""
    import tensorflow as tf

    return {kind: len(tf.config.list_logical_devices(kind)) for kind in ("CPU", "GPU", "TPU")}


def device_name() -> str:
    """A short name for where training will run: ``"TPU"``, ``"GPU"`` or ``"CPU"``."""
    found = devices()
    for kind in ("TPU", "GPU"):
        if found[kind]:
            return kind
    return "CPU"


def report() -> dict[str, str]:
    """Print and return the versions and the device the course runs on.

    Returns
    -------
    dict
        ``python``, ``tensorflow``, ``keras``, ``numpy``, ``device`` and ``colab``
        (``"yes"``/``"no"``) and ``quick_mode``.
    """
    import keras
    import tensorflow as tf

    info = {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "device": device_name(),
        "colab": "yes" if in_colab() else "no",
        "quick_mode": "on" if quick_mode() else "off",
    }
    width = max(len(k) for k in info)
    for key, value in info.items():
        print(f"{key:<{width}} : {value}")
    return info

"""cnn_course: the helper package of the CNN course.

Three layers, each importing only from the layers before it (tests/test_layering.py
enforces it):

1. **NumPy core** — what the slides compute by hand, in plain NumPy; no TensorFlow.
   :mod:`~cnn_course.shapes` (output sizes, padding, parameter counts, receptive fields,
   the slides' per-layer tables), :mod:`~cnn_course.ops` (convolution, padding, stride,
   pooling: the references), :mod:`~cnn_course.kernels` (named filters),
   :mod:`~cnn_course.slides` (every matrix, table and number the decks print, with their
   errata), :mod:`~cnn_course.metrics` (confusion matrix), :mod:`~cnn_course.course` (the
   course map).
2. **Keras** — data, models and training. :mod:`~cnn_course.data` (bundled, checksummed
   datasets and photos), :mod:`~cnn_course.runtime` (device, strategy, seeding, quick
   mode), :mod:`~cnn_course.doctor` (what is wrong with an installation),
   :mod:`~cnn_course.models`, :mod:`~cnn_course.layers`,
   :mod:`~cnn_course.architectures` (AlexNet, VGG16, ResNet50), :mod:`~cnn_course.train`,
   :mod:`~cnn_course.generalisation` (notebook 08's small-data runs),
   :mod:`~cnn_course.pretrained` (the bundled ImageNet MobileNetV2, ``classify``),
   :mod:`~cnn_course.transfer` (transfer learning), :mod:`~cnn_course.explain` (what a
   network learned: maximum response, Deep Dream, Grad-CAM), :mod:`~cnn_course.bench`,
   :mod:`~cnn_course.exercises` (the lab exercises' checks, the student editions,
   sandboxed grading) and :mod:`~cnn_course.cli` (the ``cnn-course`` command).
3. **Figures** — :mod:`~cnn_course.viz` (pictures drawn like the slides) and
   :mod:`~cnn_course.widgets` (their interactive versions).

Importing this package is cheap: it pulls in neither TensorFlow, Keras nor matplotlib,
and imports a module the first time it is used (``cnn_course.models`` after a plain
``import cnn_course`` works). The Keras modules import Keras at the top, except the few
that must stay quick to import (``data``, ``runtime``, ``pretrained``, ``doctor``,
``cli``), which import it inside the functions that need it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__version__ = "0.1.0"

#: The package's modules. PEP 562's module ``__getattr__`` imports one on first access --
#: what scikit-image's ``lazy_loader`` does, in the few lines this package needs.
__all__ = [
    "architectures",
    "bench",
    "cli",
    "course",
    "data",
    "doctor",
    "exercises",
    "explain",
    "generalisation",
    "kernels",
    "layers",
    "metrics",
    "models",
    "ops",
    "pretrained",
    "runtime",
    "shapes",
    "slides",
    "train",
    "transfer",
    "viz",
    "widgets",
]


def __getattr__(name: str) -> ModuleType:
    """Import the module ``cnn_course.<name>`` on first access."""
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

"""The transfer-learning experiment of notebook 09: which layers to retrain, for how much data.

Deck 002 (« A retenir ») advises, by dataset size and by how far the new domain is
from ImageNet: retrain only the new classifier head, also retrain the last layers,
fine-tune everything from the ImageNet weights, or train from a random
initialisation. :func:`transfer_experiment` trains the course's MobileNetV2
(:func:`cnn_course.imagenet.transfer_model`) in each of these *regimes* on each
training set and scores it on one test set, so the advice can be checked against
measurements instead of taken on trust.

Keras (and so TensorFlow) is imported when the experiment runs, not when this
module is imported.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cnn_course import imagenet, runtime

__all__ = ["REGIMES", "TransferRun", "transfer_experiment"]

REGIMES: dict[str, tuple[str, str | None]] = {
    "head": ("head", "imagenet"),
    "top": ("top", "imagenet"),
    "all": ("all", "imagenet"),
    "random": ("all", None),
}
"""Regime name -> ``(fine_tune, weights)`` for :func:`cnn_course.imagenet.transfer_model`:
only the new head, also the last blocks, everything from the ImageNet weights, and
everything from a random initialisation (the baseline without transfer)."""


@dataclass(frozen=True)
class TransferRun:
    """One trained model of :func:`transfer_experiment`."""

    train_set: str
    regime: str
    train_images: int
    train_accuracy: float
    """Accuracy on the training images over the last epoch (dropout on)."""
    test_accuracy: float
    seconds: float
    """Wall time of building, training and scoring the model."""


def _check_xy(x: Any, y: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 4 or y.ndim != 1 or len(x) != len(y) or len(x) == 0:
        raise ValueError(
            f"the {what} must be images of shape (N, height, width, channels) and N integer "
            f"labels, got images {x.shape} and labels {y.shape}"
        )
    return x, y


def transfer_experiment(
    train_sets: Mapping[str, tuple[Any, Any]],
    test_set: tuple[Any, Any],
    regimes: Sequence[str] = tuple(REGIMES),
    *,
    num_classes: int = 10,
    epochs: int = 5,
    batch_size: int = 32,
    resize_to: int | None = 32,
    seed: int = 0,
    progress: bool = True,
    verbose: bool = True,
) -> dict[tuple[str, str], TransferRun]:
    """Train one model per training set × regime and score each on the test set.

    Every model starts from the same seed, is compiled with Adam at
    :func:`~cnn_course.imagenet.recommended_learning_rate` for its regime (small
    when pretrained layers are trained, so the first large gradients of the new
    head do not wipe out their ImageNet features) and trains for ``epochs``.

    Parameters
    ----------
    train_sets : mapping
        Name -> ``(images, labels)``; images (N, H, W, C) as the model takes them
        (for the course's MobileNetV2: pixel values 0..255, 1 or 3 channels).
    test_set : (images, labels)
        The images no model trains on.
    regimes : sequence of str
        Names from :data:`REGIMES` (default: all four).
    num_classes : int
    epochs, batch_size : int
    resize_to : int, optional
        Side the images are resized to inside the model (MobileNetV2 needs ≥ 32).
    seed : int
        Seeds every model (:func:`cnn_course.runtime.seed_everything`).
    progress : bool
        A progress bar, one step per trained model.
    verbose : bool
        Print one line per model as it finishes.

    Returns
    -------
    dict
        ``(train set name, regime) -> TransferRun``, in training order.

    Raises
    ------
    ValueError
        For an unknown regime, an empty or ill-shaped data set, or epochs < 1.

    Examples
    --------
    >>> transfer_experiment({"tiny": (np.zeros((4, 32, 32, 3)), np.arange(4))},
    ...                     (np.zeros((2, 32, 32, 3)), np.arange(2)), regimes=["head", "best"])
    Traceback (most recent call last):
    ...
    ValueError: unknown regime 'best'; choose from 'head', 'top', 'all', 'random'
    """
    choices = ", ".join(map(repr, REGIMES))
    if not regimes:
        raise ValueError(f"give at least one regime: {choices}")
    unknown = [r for r in regimes if r not in REGIMES]
    if unknown:
        raise ValueError(f"unknown regime {unknown[0]!r}; choose from {choices}")
    if not train_sets:
        raise ValueError("give at least one training set: {name: (images, labels)}")
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    sets = {name: _check_xy(x, y, f"training set {name!r}") for name, (x, y) in train_sets.items()}
    x_test, y_test = _check_xy(*test_set, "test set")
    import keras

    results: dict[tuple[str, str], TransferRun] = {}
    total = len(sets) * len(regimes)
    with runtime.progress_bar(total, "transfer learning", enabled=progress) as bar:
        for name, (x, y) in sets.items():
            for regime in regimes:
                fine_tune, weights = REGIMES[regime]
                bar.set_postfix_str(f"{name}, {regime}")
                start = time.perf_counter()
                runtime.seed_everything(seed)
                model = imagenet.transfer_model(
                    num_classes,
                    fine_tune,
                    weights=weights,
                    input_shape=x.shape[1:],
                    resize_to=resize_to,
                )
                rate = imagenet.recommended_learning_rate(fine_tune, weights)
                model.compile(
                    optimizer=keras.optimizers.Adam(rate),
                    loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"],
                )
                history = model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0)
                _, test_accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
                run = TransferRun(
                    train_set=name,
                    regime=regime,
                    train_images=len(x),
                    train_accuracy=float(history.history["accuracy"][-1]),
                    test_accuracy=float(test_accuracy),
                    seconds=time.perf_counter() - start,
                )
                results[name, regime] = run
                bar.update(1)
                if verbose:
                    print(
                        f"{name:>6} {regime:>6}: train accuracy {run.train_accuracy:.3f}, "
                        f"test accuracy {run.test_accuracy:.3f} ({run.seconds:.0f} s)"
                    )
    return results

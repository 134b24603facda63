"""The experiment of notebook 10: every regime on every training set, scored on one test set."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from cnn_course import _checks, runtime
from cnn_course.transfer.regimes import (
    LEARNING_RATES,
    REGIMES,
    _regime_name,
    check_images,
    transfer_model,
)
from cnn_course.transfer.training import (
    _accuracy,
    _assign,
    _compile,
    _head_accuracy,
    _values,
    extract_features,
    fit_regime,
    recalibrate_batchnorm,
)

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = ["TransferRun", "transfer_experiment"]


class _FreshModel:
    """One model trained from the same starting point again and again, built only once.

    :func:`transfer_experiment` trains a model per training set and regime. Building a
    MobileNetV2 costs a second or two, and tracing its training and prediction steps far
    more (see ``training._compile``); training sets with the same image shape therefore
    share one model per regime, whose every variable -- weights, BatchNorm statistics, the
    dropout layer's random state -- is put back to what it was when it was built, before
    each training. It is the model a fresh build from the same seed would give.
    """

    def __init__(self, model: keras.Model) -> None:
        self.model = model
        self._initial = _values(model.variables)

    def restart(self, seed: int) -> keras.Model:
        """The model with its initial variables, the random generators seeded with ``seed``."""
        _assign(self.model.variables, self._initial)
        runtime.seed_everything(seed)
        return self.model


@dataclass(frozen=True)
class TransferRun:
    """One trained model of :func:`transfer_experiment`."""

    train_set: str
    regime: str
    train_images: int
    train_accuracy: float
    """Accuracy on the training images, the trained model in inference mode."""
    test_accuracy: float
    seconds: float
    """Wall time of building, training and scoring the model."""
    uncalibrated_test_accuracy: float | None = None
    """``"random"`` only: the test accuracy before :func:`recalibrate_batchnorm`."""


def transfer_experiment(
    train_sets: Mapping[str, tuple[Any, Any]],
    test_set: tuple[Any, Any],
    regimes: Sequence[str] = tuple(REGIMES),
    *,
    num_classes: int = 10,
    epochs: int = 10,
    fine_tune_epochs: int = 3,
    random_epochs: int | None = None,
    batch_size: int = 32,
    resize_to: int | None = 32,
    seed: int = 0,
    progress: bool = True,
    verbose: bool = True,
) -> dict[tuple[str, str], TransferRun]:
    """Train one model per training set × regime (:func:`fit_regime`); score each on the test set.

    Every model starts from the same seed. The head phase of the pretrained regimes trains
    on features extracted once per training set (:func:`extract_features`: the same
    backbone, the same features for ``"head"``, ``"top"`` and ``"all"``).

    Parameters
    ----------
    train_sets : mapping
        Name -> ``(images, labels)``; images (N, H, W, 1 or 3), pixel values 0..255.
    test_set : (images, labels)
        The images no model trains on.
    regimes : sequence of str
        Names from :data:`REGIMES` (default: all four).
    num_classes : int
    epochs : int
        Epochs of the head (pretrained regimes).
    fine_tune_epochs : int
        Epochs of the second phase of ``"top"`` and ``"all"``.
    random_epochs : int, optional
        Epochs of ``"random"`` (default ``epochs``).
    batch_size : int
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
        For an unknown regime, fewer than 2 classes, an empty or ill-shaped data set,
        images and labels of different lengths, labels outside 0..num_classes-1,
        training and test images of different shapes, or epochs < 1.

    Examples
    --------
    >>> transfer_experiment({"tiny": (np.zeros((4, 32, 32, 3)), np.arange(4))},
    ...                     (np.zeros((2, 32, 32, 3)), np.arange(2)), regimes=["head", "best"])
    Traceback (most recent call last):
    ...
    ValueError: unknown regime 'best'; choose from 'head', 'top', 'all', 'random'
    """
    if isinstance(regimes, str):
        regimes = [regimes]
    if not regimes:
        raise ValueError(f"give at least one regime: {', '.join(map(repr, REGIMES))}")
    regimes = [_regime_name(r) for r in regimes]
    if not train_sets:
        raise ValueError("give at least one training set: {name: (images, labels)}")
    num_classes = _checks.integer(num_classes, "num_classes (the number of classes)", minimum=2)
    epochs = _checks.positive_int(epochs, "epochs")
    fine_tune_epochs = _checks.non_negative_int(fine_tune_epochs, "fine_tune_epochs")
    random_epochs = epochs if random_epochs is None else random_epochs
    random_epochs = _checks.positive_int(random_epochs, "random_epochs")
    batch_size = _checks.positive_int(batch_size, "batch_size")
    if resize_to is not None:
        resize_to = _checks.positive_int(resize_to, "resize_to")
    seed = _checks.non_negative_int(seed, "seed")
    x_test, y_test = check_images(*test_set, "test set", num_classes)
    sets = {}
    for name, (x, y) in train_sets.items():
        x, y = check_images(x, y, f"training set {name!r}", num_classes)
        if x.shape[1:] != x_test.shape[1:]:
            raise ValueError(
                f"the training set {name!r} has images of shape {x.shape[1:]} and the test set "
                f"{x_test.shape[1:]}: a model takes one image shape (convert grayscale to RGB "
                "with np.repeat(x, 3, axis=-1), or RGB to gray, so that they match)"
            )
        if len(np.unique(y)) < 2:
            raise ValueError(
                f"the training set {name!r} has a single class ({y[0]}): a classifier needs "
                "examples of at least 2 classes"
            )
        sets[name] = (x, y)

    results: dict[tuple[str, str], TransferRun] = {}
    total = len(sets) * len(regimes)
    test_features = None
    fresh: dict[tuple[str, tuple[int, ...]], _FreshModel] = {}
    with (
        runtime.progress_bar(total, "transfer learning", enabled=progress) as bar,
        runtime.quiet_tensorflow(),  # a new model per regime retraces Keras' functions: expected
    ):
        for name, (x, y) in sets.items():
            features = None
            for regime in regimes:
                bar.set_postfix_str(f"{name}, {regime}")
                start = time.perf_counter()
                key = (regime, x.shape[1:])
                if key not in fresh:  # built once per regime and image shape, see _FreshModel
                    runtime.seed_everything(seed)
                    fine_tune, weights = REGIMES[regime]
                    fresh[key] = _FreshModel(
                        transfer_model(
                            num_classes,
                            fine_tune,
                            weights,
                            input_shape=x.shape[1:],
                            resize_to=resize_to,
                        )
                    )
                model = fresh[key].restart(seed)
                uncalibrated = None
                if regime == "random":
                    _compile(model, LEARNING_RATES["random"])
                    model.fit(x, y, batch_size=batch_size, epochs=random_epochs, verbose=0)
                    uncalibrated = _accuracy(model.predict(x_test, 256, verbose=0), y_test)
                    recalibrate_batchnorm(model, x, seed=seed)
                elif features is None:  # the same ImageNet backbone for every pretrained regime
                    if test_features is None:
                        both = extract_features(model, np.concatenate([x, x_test]))
                        features, test_features = both[: len(x)], both[len(x) :]
                    else:
                        features = extract_features(model, x)
                if regime != "random":
                    fit_regime(
                        model,
                        regime,
                        x,
                        y,
                        epochs=epochs,
                        fine_tune_epochs=fine_tune_epochs,
                        batch_size=batch_size,
                        features=features,
                    )
                if regime == "head":  # scored on the features: no pass through the backbone
                    train_accuracy = _head_accuracy(model, features, y)
                    test_accuracy = _head_accuracy(model, test_features, y_test)
                else:  # one pass over the training and test images
                    probabilities = model.predict(np.concatenate([x, x_test]), 256, verbose=0)
                    train_accuracy = _accuracy(probabilities[: len(x)], y)
                    test_accuracy = _accuracy(probabilities[len(x) :], y_test)
                run = TransferRun(
                    train_set=name,
                    regime=regime,
                    train_images=len(x),
                    train_accuracy=train_accuracy,
                    test_accuracy=test_accuracy,
                    seconds=time.perf_counter() - start,
                    uncalibrated_test_accuracy=uncalibrated,
                )
                results[name, regime] = run
                bar.update(1)
                if verbose:
                    print(
                        f"{name:>6} {regime:>6}: train accuracy {run.train_accuracy:.3f}, "
                        f"test accuracy {run.test_accuracy:.3f} ({run.seconds:.0f} s)"
                    )
    return results

"""The experiment of notebook 10: every regime on every training set, scored on one test set.

:func:`transfer_experiment` trains one model per training set and regime (its epochs chosen
on validation images when it is given some) and scores it; :func:`compare` turns the
accuracies of several seeds into a verdict that counts a difference only when it is larger
than the spread between the seeds.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from cnn_course import _checks, runtime
from cnn_course.metrics import clearly_better, summarise_seeds
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
    _fit,
    _head_accuracy,
    _values,
    extract_features,
)

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = ["Comparison", "TransferRun", "compare", "transfer_experiment"]


class _FreshModel:
    """One model trained from the same starting point again and again, built only once.

    :func:`transfer_experiment` trains a model per training set, regime and seed. Building
    a MobileNetV2 costs a second or two, and tracing its training and prediction steps far
    more (see ``training._compile``); runs with the same image shape therefore share one
    model per regime (for the whole session), whose every variable -- weights, BatchNorm
    statistics, the dropout layer's random state -- is put back to its initial value for
    the seed before each training. A pretrained regime's initial values for a seed are the
    ImageNet backbone and a new head drawn from the seed; the ``"random"`` regime's are
    those of a model built from the seed (every weight is random there).
    """

    def __init__(self, build: Any, pretrained: bool) -> None:
        self._build, self._pretrained = build, pretrained
        self.model: keras.Model = build()
        self._built = _values(self.model.variables)
        self._initial: dict[int, list[np.ndarray]] = {}

    def restart(self, seed: int) -> keras.Model:
        """The model with the initial variables of ``seed``, the random generators seeded.

        The same for a seed whatever the seeds before it: a run does not depend on the
        order of the runs.
        """
        if seed not in self._initial:
            if self._pretrained:  # the same ImageNet backbone, a new head
                _assign(self.model.variables, self._built)
                runtime.seed_everything(seed)
                dense = self.model.get_layer("predictions")
                dense.kernel.assign(dense.kernel_initializer(dense.kernel.shape))
                dense.bias.assign(dense.bias_initializer(dense.bias.shape))
                self._initial[seed] = _values(self.model.variables)
            else:
                runtime.seed_everything(seed)
                self._initial[seed] = _values(self._build().variables)
        _assign(self.model.variables, self._initial[seed])
        runtime.seed_everything(seed)
        return self.model


_FRESH: dict[tuple[Any, ...], _FreshModel] = {}
"""The models :func:`transfer_experiment` shares, by regime, image shape, classes and size."""


@dataclass(frozen=True)
class TransferRun:
    """One trained model of :func:`transfer_experiment`."""

    train_set: str
    regime: str
    train_images: int
    train_accuracy: float
    """Accuracy on the training images, the trained model in inference mode."""
    test_accuracy: float | None
    """``None`` when the experiment had no test set (settings chosen on validation)."""
    seconds: float
    """Wall time of training and scoring the model."""
    uncalibrated_test_accuracy: float | None = None
    """``"random"`` only: the test accuracy before :func:`recalibrate_batchnorm`."""
    seed: int = 0
    validation_accuracy: float | None = None
    """Accuracy on the validation images (``None`` without a validation set)."""
    head_epochs: int = 0
    """Epochs of the head kept (chosen on validation); for ``"random"``, its epochs."""
    fine_tune_epochs: int = 0
    """Epochs of fine-tuning kept (chosen on validation); 0 without a fine-tuning phase."""


@dataclass(frozen=True)
class _Inputs:
    """:func:`transfer_experiment`'s arguments, checked."""

    sets: dict[str, tuple[np.ndarray, np.ndarray]]
    scored: dict[str, tuple[np.ndarray, np.ndarray]]
    """``"validation"`` and ``"test"`` images and labels, those given."""
    regimes: list[str]
    num_classes: int
    epochs: int
    fine_tune_epochs: int
    random_epochs: int
    batch_size: int
    resize_to: int | None
    seed: int
    patience: int
    fine_tune_patience: int
    learning_rates: dict[str, float]


def _check_inputs(
    train_sets: Mapping[str, tuple[Any, Any]],
    test_set: tuple[Any, Any] | None,
    validation_set: tuple[Any, Any] | None,
    regimes: Sequence[str] | str,
    num_classes: int,
    epochs: int,
    fine_tune_epochs: int,
    random_epochs: int | None,
    batch_size: int,
    resize_to: int | None,
    seed: int,
    patience: int,
    fine_tune_patience: int,
    learning_rates: Mapping[str, float] | None,
) -> _Inputs:
    """Every argument of :func:`transfer_experiment`, checked before anything trains."""
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
    patience = _checks.positive_int(patience, "patience")
    fine_tune_patience = _checks.positive_int(fine_tune_patience, "fine_tune_patience")
    rates = dict(LEARNING_RATES)
    for name, rate in dict(learning_rates or {}).items():
        rates[_regime_name(name)] = _checks.real(rate, f"the learning rate of {name!r}", 0.0, 1.0)
    scored = {
        what: check_images(*images, f"{what} set", num_classes)
        for what, images in (("validation", validation_set), ("test", test_set))
        if images is not None
    }
    sets = {}
    for name, (x, y) in train_sets.items():
        x, y = check_images(x, y, f"training set {name!r}", num_classes)
        for what, (other, _) in scored.items():
            if x.shape[1:] != other.shape[1:]:
                raise ValueError(
                    f"the training set {name!r} has images of shape {x.shape[1:]} and the "
                    f"{what} set {other.shape[1:]}: a model takes one image shape (convert "
                    "grayscale to RGB with np.repeat(x, 3, axis=-1), or RGB to gray, so that "
                    "they match)"
                )
        if len(np.unique(y)) < 2:
            raise ValueError(
                f"the training set {name!r} has a single class ({y[0]}): a classifier needs "
                "examples of at least 2 classes"
            )
        sets[name] = (x, y)
    return _Inputs(
        sets=sets,
        scored=scored,
        regimes=regimes,
        num_classes=num_classes,
        epochs=epochs,
        fine_tune_epochs=fine_tune_epochs,
        random_epochs=random_epochs,
        batch_size=batch_size,
        resize_to=resize_to,
        seed=seed,
        patience=patience,
        fine_tune_patience=fine_tune_patience,
        learning_rates=rates,
    )


def _fresh_model(regime: str, inputs: _Inputs, image_shape: tuple[int, ...]) -> keras.Model:
    """The shared model of ``regime`` for ``image_shape``, back to its start for the seed."""
    key = (regime, image_shape, inputs.num_classes, inputs.resize_to)
    if key not in _FRESH:
        fine_tune, weights = REGIMES[regime]
        runtime.seed_everything(0)
        _FRESH[key] = _FreshModel(
            lambda: transfer_model(
                inputs.num_classes,
                fine_tune,
                weights,
                input_shape=image_shape,
                resize_to=inputs.resize_to,
            ),
            pretrained=REGIMES[regime].pretrained,
        )
    return _FRESH[key].restart(inputs.seed)


def _split(arrays: np.ndarray, sizes: Sequence[int]) -> list[np.ndarray]:
    return np.split(arrays, np.cumsum(sizes)[:-1])


def _train_and_score(
    name: str, regime: str, inputs: _Inputs, features: dict[str, np.ndarray]
) -> TransferRun:
    """Train ``regime`` on the training set ``name`` from the seed's start, then score it.

    ``features`` caches the pooled backbone features of the training (``"train"``),
    validation and test images -- the same ImageNet backbone serves every pretrained
    regime -- and (``"head"``) the head trained on them, the start of every pretrained
    regime's fine-tuning.
    """
    x, y = inputs.sets[name]
    start = time.perf_counter()
    plan = REGIMES[regime]
    model = _fresh_model(regime, inputs, x.shape[1:])
    if plan.pretrained and "train" not in features:  # one pass through the backbone
        missing = [what for what in inputs.scored if what not in features]
        parts = [x] + [inputs.scored[what][0] for what in missing]
        found = _split(extract_features(model, np.concatenate(parts)), [len(p) for p in parts])
        features.update(zip(["train", *missing], found, strict=True))
    uncalibrated: list[float] = []

    def score_uncalibrated(trained: keras.Model) -> None:
        if "test" in inputs.scored:
            x_test, y_test = inputs.scored["test"]
            uncalibrated.append(_accuracy(trained.predict(x_test, 256, verbose=0), y_test))

    head_epochs, tuned = _fit(
        model,
        regime,
        x,
        y,
        epochs=inputs.epochs if plan.pretrained else inputs.random_epochs,
        fine_tune_epochs=inputs.fine_tune_epochs,
        batch_size=inputs.batch_size,
        top_blocks=3,
        features=features.get("train") if plan.pretrained else None,
        validation=inputs.scored.get("validation"),
        validation_features=features.get("validation"),
        patience=inputs.patience,
        fine_tune_patience=inputs.fine_tune_patience,
        learning_rates=inputs.learning_rates,
        before_recalibration=score_uncalibrated,
        head_cache=features.setdefault("head", {}) if plan.pretrained else None,
    )
    accuracy: dict[str, float] = {}
    if plan.pretrained and not plan.fine_tunes:  # the head on the features, in NumPy
        accuracy["train"] = _head_accuracy(model, features["train"], y)
        for what, (_, labels) in inputs.scored.items():
            accuracy[what] = _head_accuracy(model, features[what], labels)
    else:  # one pass over the training, validation and test images
        labelled = {"train": (x, y), **inputs.scored}
        images = [images for images, _ in labelled.values()]
        probabilities = _split(
            model.predict(np.concatenate(images), 256, verbose=0), [len(i) for i in images]
        )
        for (what, (_, labels)), p in zip(labelled.items(), probabilities, strict=True):
            accuracy[what] = _accuracy(p, labels)
    return TransferRun(
        train_set=name,
        regime=regime,
        train_images=len(x),
        train_accuracy=accuracy["train"],
        test_accuracy=accuracy.get("test"),
        seconds=time.perf_counter() - start,
        uncalibrated_test_accuracy=uncalibrated[0] if uncalibrated else None,
        seed=inputs.seed,
        validation_accuracy=accuracy.get("validation"),
        head_epochs=head_epochs,
        fine_tune_epochs=tuned,
    )


def transfer_experiment(
    train_sets: Mapping[str, tuple[Any, Any]],
    test_set: tuple[Any, Any] | None,
    regimes: Sequence[str] = tuple(REGIMES),
    *,
    validation_set: tuple[Any, Any] | None = None,
    num_classes: int = 10,
    epochs: int = 10,
    fine_tune_epochs: int = 3,
    random_epochs: int | None = None,
    batch_size: int = 32,
    resize_to: int | None = 32,
    seed: int = 0,
    patience: int = 10,
    fine_tune_patience: int = 2,
    learning_rates: Mapping[str, float] | None = None,
    progress: bool = True,
    verbose: bool = True,
) -> dict[tuple[str, str], TransferRun]:
    """Train one model per training set × regime (:func:`fit_regime`); score each.

    Every model starts from the same seed. The head phase of the pretrained regimes trains
    on features extracted once per training set (:func:`extract_features`: the same
    backbone, the same features for ``"head"``, ``"top"`` and ``"all"``).

    With a ``validation_set`` the number of epochs of every phase of the pretrained regimes
    is chosen on it: ``epochs`` and ``fine_tune_epochs`` are maxima; the head trains until
    its validation loss has not improved for ``patience`` epochs and keeps its best epoch,
    so ``"head"``, ``"top"`` and ``"all"`` all start from the same head, trained as far as
    it helps; fine-tuning then stops after ``fine_tune_patience`` epochs without
    improvement and keeps its best epoch. The comparison of the regimes is then one of
    fine-tuning, not of more epochs for the head.

    Parameters
    ----------
    train_sets : mapping
        Name -> ``(images, labels)``; images (N, H, W, 1 or 3), pixel values 0..255.
    test_set : (images, labels) or None
        The images no model trains on, scored once. ``None`` while choosing settings on
        the validation set: then ``test_accuracy`` is ``None``.
    regimes : sequence of str
        Names from :data:`REGIMES` (default: all four).
    validation_set : (images, labels), optional
        Images no model trains on, used to choose the epochs (and scored).
    num_classes : int
    epochs : int
        Epochs of the head (pretrained regimes); the maximum with a validation set.
    fine_tune_epochs : int
        Epochs of the second phase of ``"top"`` and ``"all"``; the maximum with a
        validation set.
    random_epochs : int, optional
        Epochs of ``"random"`` (default ``epochs``).
    batch_size : int
    resize_to : int, optional
        Side the images are resized to inside the model (MobileNetV2 needs ≥ 32).
    seed : int
        Seeds every model (:func:`cnn_course.runtime.seed_everything`) and its new head.
    patience, fine_tune_patience : int
        Early stopping on the validation loss, head and fine-tuning phases.
    learning_rates : mapping, optional
        Regime name -> Adam learning rate, instead of :data:`LEARNING_RATES`.
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
    inputs = _check_inputs(
        train_sets,
        test_set,
        validation_set,
        regimes,
        num_classes,
        epochs,
        fine_tune_epochs,
        random_epochs,
        batch_size,
        resize_to,
        seed,
        patience,
        fine_tune_patience,
        learning_rates,
    )
    results: dict[tuple[str, str], TransferRun] = {}
    total = len(inputs.sets) * len(inputs.regimes)
    scored_features: dict[str, np.ndarray] = {}  # validation and test: the same for every set
    with (
        runtime.progress_bar(total, "transfer learning", enabled=progress) as bar,
        runtime.quiet_tensorflow(),  # a new model per regime retraces Keras' functions: expected
    ):
        for name in inputs.sets:
            features = dict(scored_features)
            for regime in inputs.regimes:
                bar.set_postfix_str(f"{name}, {regime}")
                run = _train_and_score(name, regime, inputs, features)
                scored_features.update(
                    {k: v for k, v in features.items() if k in ("validation", "test")}
                )
                results[name, regime] = run
                bar.update(1)
                if verbose:
                    shown = {"train": run.train_accuracy, "validation": run.validation_accuracy}
                    shown["test"] = run.test_accuracy
                    scores = ", ".join(f"{k} {v:.3f}" for k, v in shown.items() if v is not None)
                    print(f"{name:>6} {regime:>6} seed {run.seed}: {scores} ({run.seconds:.0f} s)")
    return results


# --------------------------------------------------------------------------- the verdicts


@dataclass(frozen=True)
class Comparison:
    """Two regimes' accuracies over the same seeds, and what they say (:func:`compare`)."""

    better: tuple[float, ...]
    """Accuracies, one per seed, of the regime expected to do better."""
    worse: tuple[float, ...]
    gain: float
    """Mean over the seeds of ``better - worse``."""
    spread: float
    """The larger of the two regimes' spreads: max - min of its accuracies over the seeds."""

    @property
    def verdict(self) -> str:
        """``"better"`` or ``"worse"`` where one regime's worst seed beats the other's best.

        :func:`cnn_course.metrics.clearly_better`, the course's one rule; else ``"no difference"``.
        """
        if clearly_better(self.better, self.worse):
            return "better"
        if clearly_better(self.worse, self.better):
            return "worse"
        return "no difference"


def compare(better: Sequence[float], worse: Sequence[float]) -> Comparison:
    """Does ``better`` beat ``worse`` beyond the spread between seeds?

    ``better[k]`` and ``worse[k]`` are the test accuracies of two regimes trained from
    seed ``k``. One regime beats the other only if its worst seed is above the other's best
    seed: a difference within the spread between seeds is no difference, another seed could
    reverse it. ``gain`` (the mean of the per-seed differences) and ``spread`` (the larger
    range) say by how much.

    Examples
    --------
    >>> c = compare([0.95, 0.96, 0.97], [0.90, 0.91, 0.93])
    >>> round(c.gain, 3), round(c.spread, 3), c.verdict
    (0.047, 0.03, 'better')
    >>> compare([0.95, 0.96, 0.97], [0.94, 0.97, 0.95]).verdict
    'no difference'
    >>> compare([0.5], [0.9]).verdict  # one seed: no spread to judge by
    Traceback (most recent call last):
    ...
    ValueError: compare needs the accuracies of at least 2 seeds for each regime, got 1 and 1
    """
    better_, worse_ = (tuple(float(a) for a in values) for values in (better, worse))
    if len(better_) < 2 or len(better_) != len(worse_):
        raise ValueError(
            "compare needs the accuracies of at least 2 seeds for each regime, got "
            f"{len(better_)} and {len(worse_)}"
        )
    gain = float(np.mean(np.subtract(better_, worse_)))
    spread = max(summarise_seeds(v).spread for v in (better_, worse_))
    return Comparison(better_, worse_, gain, spread)

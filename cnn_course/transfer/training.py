"""Training a transfer model: head first, then fine-tuning; fast feature extraction.

:func:`fit_regime` trains a regime the way practitioners do; :func:`extract_features` and
:func:`fit_head_on_features` run the frozen backbone once per image instead of once per image
and epoch (:func:`time_feature_extraction` measures the gain); :func:`recalibrate_batchnorm`
gives a network trained from random weights the BatchNorm statistics of its final weights.
"""

from __future__ import annotations

import functools
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import keras
import numpy as np
import tensorflow as tf

from cnn_course import _checks, runtime
from cnn_course.transfer.regimes import (
    LEARNING_RATES,
    REGIMES,
    _regime_name,
    check_images,
    set_regime,
    transfer_model,
)

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = [
    "FEATURE_BATCH_PIXELS",
    "FeatureExtractionTiming",
    "extract_features",
    "fit_head_on_features",
    "fit_regime",
    "recalibrate_batchnorm",
    "time_feature_extraction",
    "train_choosing_epochs",
]


def _values(variables: Sequence[Any]) -> list[np.ndarray]:
    """A copy of the variables' current values (to put back with :func:`_assign`)."""
    return [keras.ops.convert_to_numpy(v) for v in variables]


def _assign(variables: Sequence[Any], values: Sequence[np.ndarray]) -> None:
    """Put the values :func:`_values` copied back into the same variables."""
    for variable, value in zip(variables, values, strict=True):
        variable.assign(value)


@dataclass
class _Compiled:
    """What :func:`_compile` needs to give a model a fresh optimizer without compiling it again."""

    optimizer: Any
    learning_rate: float
    trainable: tuple[int, ...]
    """``id`` of every trainable variable when the training step was traced."""
    initial: list[np.ndarray]
    """The optimizer's variables before its first step (zero moments, step 0)."""


_COMPILED: weakref.WeakKeyDictionary[Any, _Compiled] = weakref.WeakKeyDictionary()
"""Per model, the last compilation by :func:`_compile` (weak: a model that goes away is dropped)."""


def _compile(model: keras.Model, learning_rate: float, steps_per_execution: int = 1) -> None:
    """Compile for Adam at ``learning_rate``, or reset the optimizer if that is already done.

    Training MobileNetV2 on a few hundred images costs less than building its training
    step: Keras traces it at the first ``fit`` after every ``compile`` (16 s for the
    ``"random"`` regime on a 2-core CPU, against 6 s for ten epochs on 200 images). When
    the same model is compiled again the same way (same rate, same trainable variables),
    putting the optimizer's variables back to their initial values (zero moments, step 0)
    is exactly a fresh Adam, and the traced step is kept. ``steps_per_execution`` as in
    ``keras.Model.compile`` (it changes the time of a fit, not its numbers).
    """
    trainable = tuple(id(v) for v in model.trainable_variables)
    done = _COMPILED.get(model)
    if (
        done is not None
        and model.optimizer is done.optimizer
        and done.learning_rate == learning_rate
        and done.trainable == trainable
        and model.steps_per_execution == steps_per_execution
    ):
        _assign(done.optimizer.variables, done.initial)
        return
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )
    model.optimizer.build(model.trainable_variables)
    _COMPILED[model] = _Compiled(
        model.optimizer, learning_rate, trainable, _values(model.optimizer.variables)
    )


def _cross_entropy(logits: Any, y: np.ndarray) -> float:
    """Mean cross-entropy of integer labels ``y`` under ``softmax(logits)``, in NumPy.

    >>> round(_cross_entropy(np.log([[0.5, 0.5], [0.9, 0.1]]), np.array([0, 0])), 4)
    0.3993
    """
    logits = np.asarray(logits, dtype=np.float64)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return float(-np.mean(log_p[np.arange(len(y)), y]))


def _head_logits(model: keras.Model, features: Any) -> np.ndarray:
    """``features @ kernel + bias`` of the model's dense head, in NumPy (dropout is off)."""
    dense = model.get_layer("predictions")
    kernel, bias = (keras.ops.convert_to_numpy(w) for w in (dense.kernel, dense.bias))
    return np.asarray(features) @ kernel + bias


@functools.cache
def _choose_epochs_callback() -> type:

    class ChooseEpochs(keras.callbacks.Callback):
        """After each epoch, the validation loss; keep the best weights, stop when stale."""

        def __init__(self, loss: Any, variables: Sequence[Any], patience: int) -> None:
            super().__init__()
            self.loss, self.variables, self.patience = loss, list(variables), patience
            self.best_loss, self.best_epoch, self.best_values = np.inf, 0, None
            self.losses: list[float] = []

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            loss = self.loss()
            self.losses.append(loss)
            if loss < self.best_loss:
                self.best_loss, self.best_epoch = loss, epoch + 1
                self.best_values = _values(self.variables)
            elif epoch + 1 - self.best_epoch >= self.patience:
                self.model.stop_training = True

        def on_train_end(self, logs: Any = None) -> None:
            if self.best_values is not None:
                _assign(self.variables, self.best_values)

    return ChooseEpochs


def _epoch_chooser(loss: Any, variables: Sequence[Any], patience: int) -> Any:
    """A Keras callback: validation loss after every epoch, best weights kept, early stop."""
    return _choose_epochs_callback()(loss, variables, patience)


FEATURE_BATCH_PIXELS = 1 << 20
"""Default batch of :func:`extract_features`, in pixels at the backbone's input: 1 024
images of 32×32, 20 of 224×224 -- a batch's activations stay within a laptop's memory."""


def extract_features(model: keras.Model, x: Any, batch_size: int | None = None) -> np.ndarray:
    """The pooled backbone features (N, 1280) of a :func:`transfer_model` for images ``x``.

    What the new head reads: the images through the frozen backbone (in inference mode)
    and the global average pooling. Computed once, they replace the backbone in every
    epoch of the head's training (:func:`fit_head_on_features`). ``batch_size``: images
    per call (default: :data:`FEATURE_BATCH_PIXELS` worth of them).
    """
    if batch_size is None:
        height, width = model.get_layer("mobilenet_v2").input.shape[1:3]
        batch_size = max(1, FEATURE_BATCH_PIXELS // (height * width))
    batch_size = _checks.positive_int(batch_size, "batch_size")
    features = keras.Model(model.input, model.get_layer("avg_pool").output)
    x = np.asarray(x, dtype=np.float32)
    # Called batch by batch rather than with predict(): a single pass needs no traced function,
    # and few large batches keep the per-call cost of running 150 layers one by one small.
    return np.concatenate(
        [
            keras.ops.convert_to_numpy(features(x[start : start + batch_size], training=False))
            for start in range(0, len(x), batch_size)
        ]
    )


def _head(model: keras.Model) -> keras.Model:
    """The model's own dropout and dense layers on pooled features (shared, not copied)."""
    features = keras.Input(shape=(model.get_layer("avg_pool").output.shape[-1],), name="features")
    x = model.get_layer("dropout")(features)
    return keras.Model(features, model.get_layer("predictions")(x), name="head")


def fit_head_on_features(
    model: keras.Model,
    features: Any,
    y: Any,
    epochs: int,
    batch_size: int = 32,
    seed: int = 0,
    *,
    validation: tuple[Any, Any] | None = None,
    patience: int = 10,
    learning_rate: float | None = None,
) -> Any:
    """Train the head of a :func:`transfer_model` on pre-computed :func:`extract_features`.

    The head's layers are the model's own, so the full model is trained too: it
    classifies images as if it had been fitted on them with the backbone frozen.
    The features stream from one endless shuffled ``tf.data`` pipeline with autotuning
    off: with a head this small, the few tenths of a second Keras otherwise spends
    setting up and tearing down an input pipeline at every epoch would be most of the
    time.

    Without ``validation`` the head trains for ``epochs`` epochs. With ``validation =
    (features, labels)`` of images the head does not train on, ``epochs`` is a maximum:
    after every epoch the validation loss is computed, training stops once it has not
    improved for ``patience`` epochs, and the head gets back its weights of the epoch with
    the lowest validation loss -- a head trained until it stops improving, judged on
    validation images (:func:`train_choosing_epochs`). ``learning_rate``: Adam's (default
    ``LEARNING_RATES["head"]``).

    Returns
    -------
    keras.callbacks.History
        Its attribute ``epochs_chosen`` is the number of epochs whose weights the head
        keeps (``epochs`` without validation); with validation, ``history["val_loss"]``
        holds the validation loss after every epoch.
    """
    epochs = _checks.positive_int(epochs, "epochs")
    batch_size = _checks.positive_int(batch_size, "batch_size")
    patience = _checks.positive_int(patience, "patience")
    learning_rate = LEARNING_RATES["head"] if learning_rate is None else float(learning_rate)
    features, y = np.asarray(features, dtype=np.float32), np.asarray(y)
    options = tf.data.Options()
    options.autotune.enabled = False
    dataset = (
        tf.data.Dataset.from_tensor_slices((features, y))
        .shuffle(len(y), seed=seed, reshuffle_each_iteration=True)
        .repeat()
        .batch(batch_size)
        .with_options(options)
    )
    head = _head(model)
    steps = -(-len(y) // batch_size)  # ceil: every feature vector once per epoch
    # A step of this head is a few microseconds of arithmetic and a millisecond of Keras around
    # it: a whole epoch per call into TensorFlow.
    _compile(head, learning_rate, steps_per_execution=steps)
    callbacks = []
    if validation is not None:
        val_features, val_y = np.asarray(validation[0], np.float32), np.asarray(validation[1])
        dense = model.get_layer("predictions")
        chooser = _epoch_chooser(
            lambda: _cross_entropy(_head_logits(model, val_features), val_y),
            dense.trainable_variables,
            patience,
        )
        callbacks.append(chooser)
    history = head.fit(
        dataset,
        epochs=epochs,
        steps_per_epoch=steps,
        shuffle=False,
        verbose=0,
        callbacks=callbacks,
    )
    history.epochs_chosen = callbacks[0].best_epoch if callbacks else epochs
    if callbacks:
        history.history["val_loss"] = callbacks[0].losses
    return history


def recalibrate_batchnorm(
    model: keras.Model, x: Any, batch_size: int = 128, seed: int = 0
) -> keras.Model:
    """Re-estimate every BatchNorm layer's moving mean and variance with the final weights.

    During training a BatchNorm layer normalises with the statistics of each batch and
    keeps a *moving average* of them for inference. After a short training from random
    weights those averages trail far behind the weights, which moved a lot at every step:
    inference then normalises with the wrong numbers, and a network that fits its training
    batches can predict one class for everything. Running the training images through the
    trained network once in training mode, with each layer's momentum set so that the
    moving statistics become the plain average over those batches ("precise BatchNorm",
    Wu & Johnson 2021), gives inference the statistics of the final network. No weight is
    learned.
    """
    batch_size = _checks.positive_int(batch_size, "batch_size")
    x = np.asarray(x)
    order = np.random.default_rng(seed).permutation(len(x))  # batches that mix the classes
    norms = [
        layer for layer in _all_layers(model) if isinstance(layer, keras.layers.BatchNormalization)
    ]
    momentum = [layer.momentum for layer in norms]
    try:
        for k, start in enumerate(range(0, len(x), batch_size)):
            for layer in norms:  # moving = average of the k + 1 batches seen so far
                layer.momentum = k / (k + 1)
            model(x[order[start : start + batch_size]].astype(np.float32), training=True)
    finally:
        for layer, value in zip(norms, momentum, strict=True):
            layer.momentum = value
    return model


def _all_layers(layer: Any) -> list[Any]:
    found = [layer]
    for inner in getattr(layer, "layers", ()):
        found += _all_layers(inner)
    return found


def fit_regime(
    model: keras.Model,
    regime: str,
    x: Any,
    y: Any,
    *,
    epochs: int = 10,
    fine_tune_epochs: int = 3,
    batch_size: int = 32,
    top_blocks: int = 3,
    features: Any = None,
    validation: tuple[Any, Any] | None = None,
    validation_features: Any = None,
    patience: int = 10,
    fine_tune_patience: int = 2,
    learning_rates: Any = None,
) -> keras.Model:
    """Train a :func:`transfer_model` the way practitioners do for its regime.

    ``"head"``, ``"top"``, ``"all"``: first the new head alone, backbone frozen, at
    learning rate ``LEARNING_RATES["head"]`` for ``epochs``; then (``"top"``, ``"all"``)
    the last blocks or every convolution as well, at :data:`LEARNING_RATES` of the regime
    for ``fine_tune_epochs``: the head's first, large gradients never reach the pretrained
    layers, which are only adjusted. BatchNorm stays in inference mode throughout.
    ``"random"``: everything for ``epochs`` at ``LEARNING_RATES["random"]``, then
    :func:`recalibrate_batchnorm`.

    With ``validation = (images, labels)`` (images the model does not train on), the
    epochs of the pretrained regimes are chosen on them: ``epochs`` and
    ``fine_tune_epochs`` become maxima, each phase stops once the validation loss has not
    improved for ``patience`` (head) or ``fine_tune_patience`` (fine-tuning) epochs, and
    keeps its weights of the best epoch (:func:`train_choosing_epochs`). Every pretrained
    regime thus starts its fine-tuning from the same head, trained until it stops
    improving.

    Parameters
    ----------
    model : keras.Model
        From :func:`transfer_model` (built for the same regime).
    regime : str
        A :data:`REGIMES` name.
    x, y : array_like
        Training images (N, H, W, C) as the model takes them, and integer labels.
    epochs, fine_tune_epochs, batch_size, top_blocks : int
    features : array_like, optional
        ``extract_features(model, x)``: the head phase then trains on them (fast feature
        extraction) instead of running the frozen backbone at every epoch.
    validation : (images, labels), optional
    validation_features : array_like, optional
        ``extract_features(model, validation images)``, if already computed.
    patience, fine_tune_patience : int
    learning_rates : mapping, optional
        Regime name -> Adam learning rate, overriding :data:`LEARNING_RATES` (``"head"``:
        the head phase of every pretrained regime).

    Returns
    -------
    keras.Model
        The same model, trained.
    """
    _fit(
        model,
        regime,
        x,
        y,
        epochs=epochs,
        fine_tune_epochs=fine_tune_epochs,
        batch_size=batch_size,
        top_blocks=top_blocks,
        features=features,
        validation=validation,
        validation_features=validation_features,
        patience=patience,
        fine_tune_patience=fine_tune_patience,
        learning_rates=learning_rates,
    )
    return model


def _fit(
    model: keras.Model,
    regime: str,
    x: Any,
    y: Any,
    *,
    epochs: int,
    fine_tune_epochs: int,
    batch_size: int,
    top_blocks: int,
    features: Any,
    validation: tuple[Any, Any] | None,
    validation_features: Any,
    patience: int,
    fine_tune_patience: int,
    learning_rates: Any,
    before_recalibration: Any = None,
    head_cache: dict[str, Any] | None = None,
) -> tuple[int, int]:
    """:func:`fit_regime`'s training; returns the epochs kept (head, fine-tuning).

    ``before_recalibration(model)``: called on a ``"random"`` model between its training
    and :func:`recalibrate_batchnorm` (to score it with the moving averages of training).
    ``head_cache``: a dict shared by the pretrained regimes of one training set and seed;
    the first one trains the head and stores its weights there, the others start from
    them (the same head, trained once).
    """
    regime = _regime_name(regime)
    epochs = _checks.positive_int(epochs, "epochs")
    fine_tune_epochs = _checks.non_negative_int(fine_tune_epochs, "fine_tune_epochs")
    batch_size = _checks.positive_int(batch_size, "batch_size")
    num_classes = model.output.shape[-1]
    x, y = check_images(x, y, "training set", num_classes)
    if validation is not None:
        validation = check_images(*validation, "validation set", num_classes)
    rates = {**LEARNING_RATES, **dict(learning_rates or {})}
    plan = REGIMES[regime]
    if not plan.pretrained:  # everything from random weights, then BatchNorm's statistics
        _compile(model, rates[regime])
        model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0)
        if before_recalibration is not None:
            before_recalibration(model)
        recalibrate_batchnorm(model, x)
        return epochs, 0
    set_regime(model, "head")
    val_features = None
    if validation is not None and features is not None:
        val_features = (
            extract_features(model, validation[0])
            if validation_features is None
            else validation_features
        )
    dense = model.get_layer("predictions")
    if head_cache is not None and "weights" in head_cache:
        _assign(dense.variables, head_cache["weights"])
        head_epochs = head_cache["epochs"]
    elif features is None:
        _compile(model, rates["head"])
        head_epochs = train_choosing_epochs(
            model, x, y, epochs, batch_size, validation, patience, model.trainable_variables
        )
    else:
        history = fit_head_on_features(
            model,
            features,
            y,
            epochs,
            batch_size,
            validation=None if val_features is None else (val_features, validation[1]),
            patience=patience,
            learning_rate=rates["head"],
        )
        head_epochs = history.epochs_chosen
    if head_cache is not None and "weights" not in head_cache:
        head_cache.update(weights=_values(dense.variables), epochs=head_epochs)
    tuned = 0
    if plan.fine_tunes and fine_tune_epochs:
        set_regime(model, regime, top_blocks)
        _compile(model, rates[regime])
        tuned = train_choosing_epochs(
            model,
            x,
            y,
            fine_tune_epochs,
            batch_size,
            validation,
            fine_tune_patience,
            model.trainable_variables,
        )
    return head_epochs, tuned


def train_choosing_epochs(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    epochs: int,
    batch_size: int,
    validation: tuple[np.ndarray, np.ndarray] | None,
    patience: int,
    variables: Sequence[Any],
) -> int:
    """``model.fit`` for at most ``epochs``, the number of epochs chosen on ``validation``.

    Early stopping: after every epoch the model's loss on the validation images; once it
    has not improved for ``patience`` epochs training stops, and ``variables`` (the
    trained ones) get back their values of the epoch with the lowest validation loss.
    Without ``validation``: exactly ``epochs`` epochs. The model must be compiled.
    Returns the number of epochs kept.
    """
    if validation is None:
        model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0)
        return epochs
    x_val, y_val = validation
    chooser = _epoch_chooser(
        lambda: _cross_entropy(np.log(model.predict(x_val, 256, verbose=0) + 1e-12), y_val),
        variables,
        patience,
    )
    model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0, callbacks=[chooser])
    return chooser.best_epoch


def _accuracy(probabilities: Any, y: np.ndarray) -> float:
    return float(np.mean(np.argmax(np.asarray(probabilities), axis=-1) == y))


def _head_accuracy(model: keras.Model, features: np.ndarray, y: np.ndarray) -> float:
    """Accuracy of the model's head on pooled features, in NumPy (dropout is off at inference).

    The most probable class is the largest logit ``features @ kernel + bias``: the softmax
    does not change the order. (NumPy: a Keras ``predict`` would trace a new function.)
    """
    return _accuracy(_head_logits(model, features), y)


@dataclass(frozen=True)
class FeatureExtractionTiming:
    """The frozen-backbone regime trained two ways on the same data.

    Made by :func:`time_feature_extraction`.
    """

    plain_seconds: float
    """Fitting the whole model on the images (the backbone runs at every epoch) and scoring it."""
    fast_seconds: float
    """Extracting the features once, fitting the head on them and scoring it."""
    plain_accuracy: float
    fast_accuracy: float

    @property
    def ratio(self) -> float:
        """``fast_seconds / plain_seconds``."""
        return self.fast_seconds / self.plain_seconds


def time_feature_extraction(
    train_set: tuple[Any, Any],
    test_set: tuple[Any, Any],
    num_classes: int,
    *,
    epochs: int = 10,
    batch_size: int = 32,
    resize_to: int | None = 32,
    seed: int = 0,
) -> FeatureExtractionTiming:
    """Train the ``"head"`` regime twice, plainly and by fast feature extraction; time both.

    Both models start from the same seed (so the same head weights), train for
    ``epochs`` on the same images and are scored on the same test images. The timed
    part is the training and the scoring, not the building of the models.
    """
    x, y = check_images(*train_set, "training set", num_classes)
    x_test, y_test = check_images(*test_set, "test set", num_classes)
    epochs = _checks.positive_int(epochs, "epochs")
    results = {}
    for fast in (False, True):
        runtime.seed_everything(seed)
        model = transfer_model(num_classes, "head", input_shape=x.shape[1:], resize_to=resize_to)
        start = time.perf_counter()
        if fast:  # the backbone runs once over the training and test images, in one call
            features = extract_features(model, np.concatenate([x, x_test]))
            fit_head_on_features(model, features[: len(x)], y, epochs, batch_size)
            accuracy = _head_accuracy(model, features[len(x) :], y_test)
        else:
            _compile(model, LEARNING_RATES["head"])
            model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0)
            accuracy = _accuracy(model.predict(x_test, batch_size=256, verbose=0), y_test)
        results[fast] = (time.perf_counter() - start, accuracy)
    return FeatureExtractionTiming(
        plain_seconds=results[False][0],
        fast_seconds=results[True][0],
        plain_accuracy=results[False][1],
        fast_accuracy=results[True][1],
    )

"""Tests of cnn_course.generalisation: the data, the variants against real Keras layers, the rule
of early stopping against Keras' own callback, one short real fit, and the errors."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cnn_course import generalisation as g
from cnn_course import models, runtime, slides, train
from cnn_course.data import load_fashion_mnist, load_mnist


@pytest.fixture(scope="module")
def small():
    return g.small_mnist(300, 200, seed=0)


def test_small_mnist_is_balanced_disjoint_and_repeatable(small):
    assert small.x_train.shape == (300, 28, 28) and small.x_val.shape == (200, 28, 28)
    assert small.x_test.shape == (10_000, 28, 28)
    assert np.bincount(small.y_train, minlength=10).min() >= 24  # every digit ~30 times
    (x, y), _ = load_mnist()
    # every image is a real training image with its label, and no image is in both sets
    flat = x.reshape(len(x), -1)
    lookup = {row.tobytes(): i for i, row in enumerate(flat)}
    train_index = [lookup[img.tobytes()] for img in small.x_train.reshape(300, -1)]
    val_index = [lookup[img.tobytes()] for img in small.x_val.reshape(200, -1)]
    assert np.array_equal(y[train_index], small.y_train) and np.array_equal(
        y[val_index], small.y_val
    )
    assert not set(train_index) & set(val_index)
    again = g.small_mnist(300, 200, seed=0)
    other = g.small_mnist(300, 200, seed=1)
    assert np.array_equal(again.x_train, small.x_train)
    assert not np.array_equal(other.x_train, small.x_train)


def test_small_mnist_takes_fashion_mnist():
    arrays = load_fashion_mnist()
    data = g.small_mnist(100, 50, arrays=arrays)
    (x, y), (x_test, _) = arrays
    lookup = {image.tobytes(): label for image, label in zip(x, y, strict=True)}
    assert [lookup[image.tobytes()] for image in data.x_val] == data.y_val.tolist()
    assert np.array_equal(data.x_test, x_test)


def test_the_variants_are_the_slide_network_changed_by_one_layer():
    slide = models.mnist_convnet()
    baseline = g.regularised_convnet("baseline")
    assert baseline.count_params() == slide.count_params() == slides.MNIST_CONVNET_PARAMS
    kinds = {
        v: [type(layer).__name__ for layer in g.regularised_convnet(v).layers] for v in g.VARIANTS
    }
    assert "Dropout" not in kinds["baseline"] and kinds["dropout"].count("Dropout") == 1
    assert g.regularised_convnet("dropout").get_layer("dropout").rate == g.DROPOUT_RATE == 0.5
    assert kinds["augmentation"][0] == "Sequential"  # the augmentation block comes first
    assert kinds["batch_norm"].count("BatchNormalization") == 2
    assert kinds["early_stopping"] == kinds["baseline"] == kinds["adamw"]
    decay = g.regularised_convnet("l2")
    penalised = [layer.name for layer in decay.layers if getattr(layer, "kernel_regularizer", None)]
    assert penalised == ["conv1", "conv2", "predictions"]
    assert not any(getattr(layer, "kernel_regularizer", None) for layer in baseline.layers)
    # BatchNormalization: 2 learned (γ, β) and 2 measured (mean, variance) numbers per channel;
    # the convolutions lose their bias (β replaces it)
    norm = g.regularised_convnet("batch_norm")
    assert norm.count_params() - baseline.count_params() == 4 * (32 + 64) - (32 + 64)
    assert sum(w.numpy().size for w in norm.non_trainable_weights) == 2 * (32 + 64)


def test_the_l2_penalty_is_the_sum_of_squares_times_the_factor():
    model = g.regularised_convnet("l2")
    model(np.zeros((1, 28, 28, 1), np.float32))
    kernels = [model.get_layer(n).kernel.numpy() for n in ("conv1", "conv2", "predictions")]
    expected = g.L2_FACTOR * sum(float((k.astype(np.float64) ** 2).sum()) for k in kernels)
    assert float(sum(model.losses)) == pytest.approx(expected, rel=1e-4)
    other = g.regularised_convnet("l2", value=1e-2)
    other(np.zeros((1, 28, 28, 1), np.float32))
    assert other.get_layer("conv1").kernel_regularizer.l2 == pytest.approx(1e-2)


def test_adamw_decays_the_weights_outside_the_gradient():
    """With a zero gradient Adam leaves a weight alone; AdamW still shrinks it by lr · decay."""
    for decay, factor in ((None, 1.0), (2.0, 1 - 1e-3 * 2.0)):
        weight = keras.Variable(np.full(3, 4.0, np.float32))
        g.optimizer(decay).apply_gradients([(keras.ops.zeros(3), weight)])
        assert np.allclose(weight.numpy(), 4.0 * factor, rtol=1e-6), decay
    assert g.optimizer(g.ADAMW_WEIGHT_DECAY).weight_decay == g.ADAMW_WEIGHT_DECAY


def test_every_candidate_setting_builds_and_the_defaults_are_candidates():
    assert set(g.CANDIDATES) == set(g.VARIANTS) - {"baseline", "early_stopping"}
    chosen = {
        "dropout": g.DROPOUT_RATE,
        "augmentation": tuple(g.AUGMENTATION.values()),
        "l2": g.L2_FACTOR,
        "adamw": g.ADAMW_WEIGHT_DECAY,
        "batch_norm": g.BATCH_NORM_MOMENTUM,
    }
    for variant, values in g.CANDIDATES.items():
        assert chosen[variant] in values, variant
    assert g.regularised_convnet("batch_norm", value=0.99).get_layer("conv1_bn").momentum == 0.99
    rotation = g.regularised_convnet("augmentation", value=(0.06, 0.15, 0.15)).layers[0].layers[0]
    assert rotation.factor == (-0.06, 0.06)
    assert g.describe(g.regularised_convnet("dropout")) == g.describe(
        g.regularised_convnet("dropout", value=g.DROPOUT_RATE)
    )


def test_describe_tells_a_written_out_network_from_a_different_one():
    layers = keras.layers

    def written(rate: float, momentum: float) -> keras.Model:
        return keras.Sequential(
            [
                keras.Input((28, 28, 1)),
                layers.Conv2D(32, 3, use_bias=False),
                layers.BatchNormalization(momentum=momentum),
                layers.Activation("relu"),
                layers.MaxPooling2D(2),
                layers.Conv2D(64, 3, use_bias=False),
                layers.BatchNormalization(momentum=momentum),
                layers.Activation("relu"),
                layers.MaxPooling2D(2),
                layers.Flatten(),
                layers.Dense(10, activation="softmax"),
            ]
        )

    helper = g.describe(g.regularised_convnet("batch_norm"))
    assert g.describe(written(0.5, g.BATCH_NORM_MOMENTUM)) == helper
    assert g.describe(written(0.5, 0.99)) != helper
    assert g.describe(g.regularised_convnet("baseline")) != helper


def test_verdict_ranks_only_where_the_seeds_do_not_overlap_and_choose_uses_it():
    low = [0.95, 0.955, 0.945]  # mean 0.95, spread 0.01
    assert g.spread(low) == pytest.approx(0.01)
    assert g.verdict([0.97, 0.971, 0.969], low) == 1  # 0.02 apart
    assert g.verdict(low, [0.97, 0.971, 0.969]) == -1
    assert g.verdict([0.954, 0.959, 0.957], low) == 0  # its worst seed is below low's best
    assert g.verdict([0.958, 0.959, 0.957], low) == 1  # worst 0.957 above low's best 0.955
    assert g.verdict([0.99, 0.99, 0.95], low) == 0  # far ahead on average, one seed overlaps
    assert g.verdict([0.99], [0.5]) == 0  # one seed: no spread, no ranking
    # the first-listed candidate is kept unless one is ranked above it on validation
    assert g.choose({"a": low, "b": [0.954, 0.959, 0.957]}) == "a"
    assert g.choose({"a": low, "b": [0.97, 0.971, 0.969]}) == "b"
    assert g.choose({"a": [0.97, 0.971, 0.969], "b": low}) == "a"
    with pytest.raises(TypeError, match="one per seed"):
        g.verdict("0.9", [0.9, 0.8])
    with pytest.raises(TypeError, match="non-empty dict"):
        g.choose({})


def test_augmentation_moves_digits_only_while_training(small):
    pipeline = g.augmentation(seed=0)
    images = (small.x_test[:32, ..., None] / 255).astype(np.float32)
    assert np.array_equal(pipeline(images, training=False).numpy(), images)
    moved = pipeline(images, training=True).numpy()
    assert moved.shape == images.shape
    assert (np.abs(moved - images).reshape(32, -1).max(1) > 0.05).all()
    # small transforms: the ink stays about the same, the black border stays black
    ink = moved.sum(axis=(1, 2, 3)) / images.sum(axis=(1, 2, 3))
    assert np.all((ink > 0.7) & (ink < 1.4))
    assert "RandomFlip" not in [type(layer).__name__ for layer in pipeline.layers]


@pytest.mark.parametrize(
    "losses",
    [
        [0.5, 0.3, 0.25, 0.26, 0.27, 0.24, 0.3, 0.31, 0.33, 0.4],
        [0.5, 0.4, 0.3, 0.2],
        [0.3, 0.3, 0.3, 0.3, 0.3],  # equal is no improvement
        list(np.random.default_rng(0).random(20)),
    ],
)
@pytest.mark.parametrize("patience", [1, 2, 3])
def test_stopping_epoch_follows_keras_early_stopping(losses, patience):
    callback = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.stop_training = False  # what fit() sets before the first epoch
    callback.set_model(model)
    callback.on_train_begin()
    trained = 0
    for epoch, loss in enumerate(losses):
        trained = epoch + 1
        callback.on_epoch_end(epoch, {"val_loss": loss})
        if callback.model.stop_training:
            break
    best = int(np.argmin(losses[:trained])) + 1  # argmin: the first of equal minima
    assert g.stopping_epoch(losses, patience) == (trained, best)


def test_one_short_fit_fills_a_table_row(small):
    run = g.Setting(train_size=300, validation_size=200, epochs=3, batch_size=32, patience=1)
    runtime.seed_everything(0)
    result = g.fit_variant(g.regularised_convnet("baseline"), small, run_setting=run)
    assert result.variant == "baseline" and result.epochs == result.best_epoch == 3
    assert (
        len(result.history["val_loss"]) == 3
        and result.history["loss"][-1] < result.history["loss"][0]
    )
    assert 0.5 < result.train_accuracy <= 1 and 0.5 < result.test_accuracy <= 1
    assert result.gap == pytest.approx(result.train_accuracy - result.val_accuracy)
    model = g.regularised_convnet("early_stopping")
    row = g.fit_variant(model, small, early_stopping=True, run_setting=run)
    losses = row.history["val_loss"]
    assert (row.epochs, row.best_epoch) == g.stopping_epoch(losses, run.patience)
    assert row.best_epoch == int(np.argmin(losses)) + 1
    # the kept weights are the best epoch's: the model's validation loss is the lowest one
    val_loss, _ = model.evaluate(train.validation_dataset(small.x_val, small.y_val), verbose=0)
    assert val_loss == pytest.approx(min(losses), rel=1e-4)
    assert g.compare(small, ["adamw"], run_setting=run)[0].variant == "adamw"
    # without curves: the validation digits scored once, after training; the same model
    each, once = (g.run_variant("dropout", small, run_setting=run, curves=c) for c in (True, False))
    assert "val_loss" in each.history and "val_loss" not in once.history
    assert once.val_accuracy == pytest.approx(each.val_accuracy, abs=0.005)
    assert once.test_accuracy == pytest.approx(each.test_accuracy, abs=0.005)
    table = g.format_results([result, row]).splitlines()
    assert table[0].split() == [
        "variant",
        "train",
        "acc",
        "val",
        "acc",
        "test",
        "acc",
        "gap",
        "epochs",
    ]
    assert table[1].startswith("baseline") and table[2].startswith("early_stopping")
    seeds = g.format_seeds({0: [result, row], 1: [row, result]}).splitlines()
    assert seeds[0].split()[:5] == ["variant", "val", "acc:", "mean", "spread"]
    values = [result.val_accuracy, row.val_accuracy]
    assert seeds[1].split()[:3] == [
        "baseline",
        f"{np.mean(values):.4f}",
        f"{abs(values[0] - values[1]):.4f}",
    ]
    with pytest.raises(ValueError, match="same variants"):
        g.format_seeds({0: [result], 1: [row]})


def test_quick_mode_has_its_own_setting():
    assert runtime.quick_mode() and g.setting() == g.QUICK_SETTING
    assert g.QUICK_SETTING.train_size < g.SETTING.train_size


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: g.small_mnist(0, 100),
            ValueError,
            "training-set size must be a whole number >= 1",
        ),
        (lambda: g.small_mnist(100.0, 100), TypeError, "training-set size must be a whole number"),
        (lambda: g.small_mnist(59_990, 100), ValueError, "59990 \\+ 100 is too many"),
        (lambda: g.small_mnist(100, 100, arrays=load_mnist()[0]), TypeError, "arrays must be"),
        (lambda: g.regularised_convnet("mixup"), ValueError, "the variant must be one of"),
        (lambda: g.regularised_convnet(1), TypeError, "the variant must be one of"),
        (lambda: g.regularised_convnet("baseline", value=0.5), ValueError, "no setting"),
        (lambda: g.regularised_convnet("dropout", value=1.0), ValueError, r"in \[0, 1\)"),
        (lambda: g.regularised_convnet("augmentation", value=0.1), TypeError, "rotation, transl"),
        (lambda: g.optimizer(0.0), ValueError, "the weight decay must lie in"),
        (
            lambda: g.augmentation(rotation=0.7),
            ValueError,
            r"rotation factor must lie in \[0, 0.5\]",
        ),
        (lambda: g.augmentation(zoom=True), TypeError, "zoom factor must be a number"),
        (lambda: g.fit_variant(g.regularised_convnet(), ([], [])), TypeError, "small_mnist"),
        (lambda: g.compare("not data"), TypeError, "what generalisation.small_mnist"),
        (lambda: g.Setting(100, 100, epochs=0), ValueError, "number of epochs must be"),
        (
            lambda: g.stopping_epoch([0.3, "x"], 2),
            TypeError,
            "each validation loss must be a number",
        ),
        (lambda: g.stopping_epoch(0.3, 2), TypeError, "a list of numbers, one per epoch"),
        (lambda: g.stopping_epoch([0.3], 0), ValueError, "patience must be a whole number >= 1"),
        (lambda: g.format_results("baseline"), TypeError, "a list of Result rows"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_compare_refuses_bad_variant_lists(small):
    with pytest.raises(TypeError, match="a list of variant names"):
        g.compare(small, "dropout")
    with pytest.raises(ValueError, match="each variant must be one of"):
        g.compare(small, ["baseline", "drop_out"])
    with pytest.raises(ValueError, match="no variants"):
        g.compare(small, [])
    with pytest.raises(TypeError, match="expected a Keras model"):
        g.fit_variant("baseline", small)
    with pytest.raises(TypeError, match="early_stopping must be True or False"):
        g.fit_variant(g.regularised_convnet(), small, early_stopping=1)
    with pytest.raises(ValueError, match="needs curves=True"):
        g.fit_variant(g.regularised_convnet(), small, early_stopping=True, curves=False)

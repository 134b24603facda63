"""Tests of cnn_course.transfer: the regimes, transfer_model and the experiment of notebook 10.

Models are slow to build, so each one is built once per module (fixtures) and the
training steps run eagerly with ``train_on_batch`` (no graph tracing, no tf.data).
"""

from __future__ import annotations

import numpy as np
import pytest

from cnn_course import pretrained, transfer
from cnn_course.data import load_fashion_mnist, subset
from cnn_course.transfer import experiment, training

keras = pytest.importorskip("keras")


# --------------------------------------------------------------------------------------
# One vocabulary: the regimes
# --------------------------------------------------------------------------------------
def test_regimes_are_the_transfer_model_regimes():
    assert list(transfer.REGIMES) == ["head", "top", "all", "random"]
    assert transfer.FINE_TUNE == ("head", "top", "all")
    for name, (fine_tune, weights) in transfer.REGIMES.items():
        assert transfer.regime_of(fine_tune, weights) == name
    assert transfer.REGIMES["random"] == ("all", None)  # the baseline without transfer
    assert transfer.regime_of() == "head" and transfer.regime_of(weights=None) == "random"
    assert set(transfer.LEARNING_RATES) == set(transfer.REGIMES)


def test_the_deck_table_names_regimes():
    # deck 002, « A retenir »: the 2×2 table, each cell mapped to a regime
    table = transfer.TRANSFER_LEARNING_TABLE
    assert set(table) == {(s, d) for s in ("small", "large") for d in ("imagenet", "different")}
    assert table["small", "imagenet"] == ("Les dernières couches", "top")  # plural: not the head
    assert table["large", "imagenet"] == ("Utiliser comme initialisation", "all")
    assert table["large", "different"] == ("Initialisation aléatoire", "random")
    assert {regime for _, regime in table.values()} <= set(transfer.REGIMES)


def test_the_deck_words_map_to_regimes():
    # deck 002, section IV, as extracted: the words of its three slides and their regimes
    assert transfer.DECK_ADVICE == {
        "Transfer learning avec peu de données": ("ne conservez que la dernière couche", "head"),
        "Transfer learning avec plus de données": (
            "ne conservez que les dernières couches",
            "top",
        ),
        "Transfer learning avec beaucoup de données": ("(a figure: the whole network)", "all"),
    }
    advice = transfer.DECK_ADVICE
    assert advice["Transfer learning avec peu de données"][1] == "head"
    assert advice["Transfer learning avec plus de données"][1] == "top"
    # the literal reading is a remark of the course's errata
    from cnn_course import slides

    remark = next(r for r in slides.REMARKS if r.key == "keep-only-the-last-layer")
    assert remark.printed == advice["Transfer learning avec peu de données"][0]


def test_recommended_learning_rate_is_small_when_pretrained_layers_train():
    rates = {
        name: transfer.recommended_learning_rate(*pair) for name, pair in transfer.REGIMES.items()
    }
    assert rates["all"] <= rates["top"] < rates["head"] == rates["random"]


# --------------------------------------------------------------------------------------
# transfer_model
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def transfer_models():
    models = {
        regime: transfer.transfer_model(3, regime, input_shape=(32, 32, 3))
        for regime in transfer.FINE_TUNE
    }
    models["random"] = transfer.transfer_model(3, weights=None, input_shape=(28, 28, 1))
    return models


def _weights(model, layer_name):
    return [np.array(w) for w in model.get_layer("mobilenet_v2").get_layer(layer_name).weights]


def _train_one_step(model, regime, weights="imagenet"):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(4, *model.input.shape[1:]), dtype=np.uint8)
    y = np.array([0, 1, 2, 0])
    lr = transfer.recommended_learning_rate(regime, weights) * 10  # visible in one step
    model.compile(keras.optimizers.Adam(lr), "sparse_categorical_crossentropy", run_eagerly=True)
    loss = model.train_on_batch(x, y)
    assert np.isfinite(loss)


def _bn_counts(model):
    norms = [
        layer
        for layer in model.get_layer("mobilenet_v2").layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    channels = sum(layer.moving_mean.shape[0] for layer in norms)
    return 2 * channels  # (gamma, beta) or (moving mean, moving variance)


def test_trainable_counts_grow(transfer_models):
    counts = {k: transfer.trainable_param_count(m) for k, m in transfer_models.items()}
    assert counts["head"] == pretrained.LAST_CHANNELS * 3 + 3  # only the new dense layer
    assert counts["head"] < counts["top"] < counts["all"] < counts["random"]
    bn = _bn_counts(transfer_models["all"])
    # "all": every weight but BatchNorm's (gamma, beta frozen; moving statistics never train)
    assert counts["all"] == transfer_models["all"].count_params() - 2 * bn
    # "random": BatchNorm's gamma and beta train too
    assert counts["random"] == transfer_models["random"].count_params() - _bn_counts(
        transfer_models["random"]
    )


def test_head_keeps_the_backbone_and_its_batchnorm(transfer_models):
    model = transfer_models["head"]
    before = {name: _weights(model, name) for name in ("Conv1", "bn_Conv1", "Conv_1_bn")}
    dense = np.array(model.get_layer("predictions").kernel)
    _train_one_step(model, "head")
    for name, values in before.items():  # BatchNorm moving statistics included
        for old, new in zip(values, _weights(model, name), strict=True):
            np.testing.assert_array_equal(old, new)
    assert not np.allclose(dense, np.array(model.get_layer("predictions").kernel))


def test_top_trains_only_the_last_blocks(transfer_models):
    model = transfer_models["top"]
    early, late, bn = "block_2_project", "block_16_project", "block_16_project_BN"
    before = {name: _weights(model, name) for name in (early, late, bn)}
    _train_one_step(model, "top")
    np.testing.assert_array_equal(before[early][0], _weights(model, early)[0])
    for old, new in zip(before[bn], _weights(model, bn), strict=True):  # frozen, inference mode
        np.testing.assert_array_equal(old, new)
    assert not np.allclose(before[late][0], _weights(model, late)[0])


def test_all_trains_every_convolution_but_keeps_batchnorm_in_inference_mode(transfer_models):
    model = transfer_models["all"]
    before = {name: _weights(model, name) for name in ("Conv1", "bn_Conv1")}
    _train_one_step(model, "all")
    assert not np.allclose(before["Conv1"][0], _weights(model, "Conv1")[0])
    for old, new in zip(before["bn_Conv1"], _weights(model, "bn_Conv1"), strict=True):
        np.testing.assert_array_equal(old, new)  # gamma, beta and the moving statistics


def test_set_regime_switches_what_trains(transfer_models):
    model = transfer_models["all"]
    try:
        transfer.set_regime(model, "head")
        assert transfer.trainable_param_count(model) == pretrained.LAST_CHANNELS * 3 + 3
        transfer.set_regime(model, "top", top_blocks=1)
        backbone = model.get_layer("mobilenet_v2")
        names = {layer.name for layer in backbone.layers if layer.trainable_weights}
        assert names == {"block_16_expand", "block_16_depthwise", "block_16_project", "Conv_1"}
    finally:
        transfer.set_regime(model, "all")
    with pytest.raises(ValueError, match="unknown regime 'middle'"):
        transfer.set_regime(model, "middle")
    with pytest.raises(ValueError, match="made by transfer_model"):
        transfer.set_regime(keras.Sequential([keras.layers.Dense(2)]), "head")


def test_random_init_on_grayscale_28x28(transfer_models):
    model = transfer_models["random"]
    assert model.name == "transfer_random"
    assert model.get_layer("resize").output.shape == (None, 32, 32, 1)
    assert model.get_layer("gray_to_rgb").output.shape == (None, 32, 32, 3)
    _train_one_step(model, "all", weights=None)
    probs = np.asarray(model(np.zeros((2, 28, 28, 1), np.float32)))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_transfer_model_bad_arguments():
    with pytest.raises(ValueError, match="fine_tune must be one of 'head', 'top', 'all'"):
        transfer.transfer_model(3, "middle")
    with pytest.raises(ValueError, match="nothing worth freezing"):
        transfer.transfer_model(3, "head", weights=None)
    with pytest.raises(ValueError, match='weights must be "imagenet" or None'):
        transfer.transfer_model(3, weights="cifar")
    with pytest.raises(ValueError, match="3 channels"):
        transfer.transfer_model(3, input_shape=(32, 32, 4))
    with pytest.raises(ValueError, match=r"num_classes \(the number of classes\) must be .* >= 2"):
        transfer.transfer_model(1)
    with pytest.raises(ValueError, match=r"grayscale images \(height, width\) need a channel"):
        transfer.transfer_model(3, input_shape=(28, 28))
    with pytest.raises(ValueError, match="at least 32×32 pixels"):
        transfer.transfer_model(3, input_shape=(16, 16, 3), resize_to=16)
    with pytest.raises(ValueError, match="top_blocks must be a whole number from 1 to 17"):
        transfer.transfer_model(3, "top", top_blocks=18)
    with pytest.raises(ValueError, match=r"dropout rate must lie in \[0, 1\)"):
        transfer.transfer_model(3, dropout=1.0)
    with pytest.raises(ValueError, match="at least 32×32 pixels"):
        transfer.transfer_model(3, resize_to=16)


# --------------------------------------------------------------------------------------
# The experiment
# --------------------------------------------------------------------------------------
def test_a_tiny_experiment_trains_and_scores_every_set_and_regime(capsys):
    (x_train, y_train), (x_test, y_test) = load_fashion_mnist()
    x, y = subset(x_train, y_train, 20, seed=0)
    xt, yt = subset(x_test, y_test, 30, seed=1)
    sets = {"small": (x[:10, ..., None], y[:10]), "larger": (x[..., None], y)}
    # the cheapest regime only (the others differ in transfer_model's arguments, tested above)
    results = transfer.transfer_experiment(sets, (xt[..., None], yt), ["head"], epochs=1)
    assert list(results) == [("small", "head"), ("larger", "head")]
    for (name, regime), run in results.items():
        assert (run.train_set, run.regime, run.train_images) == (name, regime, len(sets[name][0]))
        assert 0.0 <= run.train_accuracy <= 1.0 and run.seconds > 0
        # 30 test images: the accuracy is a whole number of them
        assert run.test_accuracy * 30 == pytest.approx(round(run.test_accuracy * 30), abs=1e-4)
    out, err = capsys.readouterr()
    assert " small   head seed 0: train " in out and "larger   head seed 0: train " in out
    assert "transfer learning" in err and "2/2" in err


def test_validation_chooses_the_epochs_and_the_test_set_is_optional(fashion_small):
    """With validation images the head trains until they stop improving; no test: no score."""
    (x, y), validation = fashion_small
    sets = {"small": (x[:20], y[:20])}
    options = {"progress": False, "verbose": False, "validation_set": validation}
    runs = transfer.transfer_experiment(sets, None, ["head"], epochs=40, patience=3, **options)
    run = runs["small", "head"]
    assert run.test_accuracy is None and run.validation_accuracy is not None
    assert 1 <= run.head_epochs <= 40 and run.fine_tune_epochs == 0
    # the same head, scored on a test set: the validation accuracy does not change
    again = transfer.transfer_experiment(
        sets, validation, ["head"], epochs=40, patience=3, **options
    )
    assert again["small", "head"].validation_accuracy == run.validation_accuracy
    assert again["small", "head"].test_accuracy == run.validation_accuracy  # the same images


def test_every_pretrained_regime_fine_tunes_the_same_head(fashion_small):
    """Equal head training: without fine-tuning epochs "top" is exactly the "head" model."""
    (x, y), validation = fashion_small
    sets = {"small": (x, y)}
    options = {"progress": False, "verbose": False, "validation_set": validation, "patience": 3}
    runs = transfer.transfer_experiment(
        sets, validation, ["head", "top"], epochs=30, fine_tune_epochs=0, **options
    )
    head, top = runs["small", "head"], runs["small", "top"]
    assert top.head_epochs == head.head_epochs and top.fine_tune_epochs == 0
    # scored two ways (the head on the features in NumPy, the whole model with Keras)
    assert top.test_accuracy == pytest.approx(head.test_accuracy, abs=1 / len(validation[1]))
    assert top.train_accuracy == pytest.approx(head.train_accuracy, abs=1 / len(y))


def test_a_model_shared_by_training_sets_trains_as_a_fresh_one(fashion_small):
    """The experiment reuses one model per regime and image shape; the results must not show it."""
    (x, y), test = fashion_small
    sets = {"first": (x[:20], y[:20]), "second": (x[20:], y[20:])}
    options = {"epochs": 1, "fine_tune_epochs": 1, "progress": False, "verbose": False}
    both = transfer.transfer_experiment(sets, test, ["top"], seed=1, **options)
    experiment._FRESH.clear()  # a model built for this run alone
    alone = transfer.transfer_experiment(
        {"second": sets["second"]}, test, ["top"], seed=1, **options
    )
    shared, fresh = both["second", "top"], alone["second", "top"]
    assert (shared.train_accuracy, shared.test_accuracy) == (
        fresh.train_accuracy,
        fresh.test_accuracy,
    )


def test_compiling_again_the_same_way_keeps_the_traced_step_and_resets_adam(fashion_small):
    (x, y), _ = fashion_small
    model = transfer.transfer_model(10, "head", input_shape=(28, 28, 1), resize_to=32)
    training._compile(model, 1e-3)
    model.fit(x, y, batch_size=20, epochs=1, verbose=0)
    step, optimizer = model.train_function, model.optimizer
    assert int(optimizer.iterations.numpy()) == 2
    assert any(np.abs(np.asarray(v)).sum() > 0 for v in optimizer.variables[2:])  # moments moved
    training._compile(model, 1e-3)  # the same way: a fresh Adam, the same traced step
    assert model.train_function is step and model.optimizer is optimizer
    assert int(optimizer.iterations.numpy()) == 0
    assert np.isclose(float(np.asarray(optimizer.learning_rate)), 1e-3)
    assert all(not np.asarray(v).any() for v in optimizer.variables[2:])  # zero moments
    training._compile(model, 1e-4)  # another rate: compiled anew
    assert model.optimizer is not optimizer and model.train_function is None
    transfer.set_regime(model, "top")
    training._compile(model, 1e-4)  # other trainable layers: compiled anew
    assert model.train_function is None


GOOD_SETS = {
    "train_sets": {"ok": (np.zeros((4, 28, 28, 1)), np.arange(4))},
    "test_set": (np.zeros((2, 28, 28, 1)), np.arange(2)),
}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"regimes": []}, "give at least one regime"),
        ({"regimes": ["head", "everything"]}, "unknown regime 'everything'"),
        ({"epochs": 0}, "epochs must be a whole number >= 1"),
        ({"train_sets": {}}, "at least one training set"),
        ({"train_sets": {"flat": (np.zeros((4, 784)), np.arange(4))}}, "training set 'flat'"),
        ({"test_set": (np.zeros((3, 28, 28, 1)), np.arange(2))}, "one integer label per image"),
        ({"train_sets": {"one": (np.zeros((4, 28, 28, 1)), np.zeros(4, int))}}, "at least 2"),
        ({"num_classes": 1}, r"num_classes \(the number of classes\) must be a whole number >= 2"),
        ({"train_sets": {"gray": (np.zeros((4, 28, 28)), np.arange(4))}}, r"x\[\.\.\., None\]"),
        (
            {"train_sets": {"rgb": (np.zeros((4, 28, 28, 3)), np.arange(4))}},
            r"convert grayscale to RGB with np.repeat",
        ),
        ({"train_sets": {"4ch": (np.zeros((4, 28, 28, 4)), np.arange(4))}}, "1 \\(grayscale\\)"),
        ({"test_set": (np.zeros((2, 28, 28, 1)), np.array([0, 12]))}, "must lie in 0..9"),
        ({"resize_to": 16}, "at least 32×32 pixels"),
        (
            {"validation_set": (np.zeros((2, 28, 28, 3)), np.arange(2))},
            r"and the validation set \(28, 28, 3\)",
        ),
        ({"learning_rates": {"best": 1e-3}}, "unknown regime 'best'"),
        ({"patience": 0}, "patience must be a whole number >= 1"),
    ],
)
def test_bad_input_is_explained_before_anything_trains(kwargs, message):
    with pytest.raises(ValueError, match=message):
        transfer.transfer_experiment(**{**GOOD_SETS, **kwargs})


# --------------------------------------------------------------------------------------
# Training: head first, fast feature extraction, BatchNorm recalibration
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fashion_small():
    (x_train, y_train), (x_test, y_test) = load_fashion_mnist()
    x, y = subset(x_train, y_train, 40, seed=0)
    xt, yt = subset(x_test, y_test, 40, seed=1)
    return (x[..., None], y), (xt[..., None], yt)


def test_extracted_features_are_what_the_head_reads(fashion_small):
    (x, _), _ = fashion_small
    model = transfer.transfer_model(10, "head", input_shape=(28, 28, 1), resize_to=32)
    features = transfer.extract_features(model, x[:5])
    assert features.shape == (5, pretrained.LAST_CHANNELS)
    # independently: the backbone's feature map on the resized RGB images, averaged
    rgb = np.repeat(
        keras.ops.convert_to_numpy(keras.ops.image.resize(x[:5] * 1.0, (32, 32))), 3, -1
    )
    maps = np.asarray(model.get_layer("mobilenet_v2")(rgb, training=False))
    np.testing.assert_allclose(features, maps.mean(axis=(1, 2)), rtol=1e-4, atol=1e-4)


def test_head_on_features_keeps_the_epoch_with_the_lowest_validation_loss(fashion_small):
    (x, y), (xv, yv) = fashion_small
    model = transfer.transfer_model(10, "head", input_shape=(28, 28, 1), resize_to=32)
    features = transfer.extract_features(model, np.concatenate([x, xv]))
    train, val = features[: len(x)], features[len(x) :]
    history = transfer.fit_head_on_features(
        model, train, y, epochs=60, validation=(val, yv), patience=4, learning_rate=1e-2
    )
    losses = history.history["val_loss"]
    assert history.epochs_chosen == int(np.argmin(losses)) + 1
    assert len(losses) <= min(60, history.epochs_chosen + 4)  # stopped 4 epochs after the best
    kept = training._cross_entropy(training._head_logits(model, val), yv)
    assert kept == pytest.approx(min(losses), rel=1e-6)  # the best epoch's weights, put back


def test_compare_ranks_only_where_the_seeds_do_not_overlap():
    clear = transfer.compare([0.80, 0.82, 0.81], [0.70, 0.72, 0.69])
    assert clear.verdict == "better" and clear.gain == pytest.approx(0.32 / 3)
    assert clear.spread == pytest.approx(0.03)
    assert transfer.compare([0.70, 0.72, 0.69], [0.80, 0.82, 0.81]).verdict == "worse"
    # one seed reverses it: no difference, however large the mean gain
    assert transfer.compare([0.95, 0.70, 0.96], [0.80, 0.81, 0.79]).verdict == "no difference"
    # the worst seed above the other's best decides, as in metrics.clearly_better
    wide = transfer.compare([0.80, 0.95], [0.70, 0.79])
    assert wide.gain < wide.spread and wide.verdict == "better"
    with pytest.raises(ValueError, match="at least 2 seeds"):
        transfer.compare([0.9, 0.8], [0.7])


def test_head_on_features_trains_the_models_own_head(fashion_small):
    (x, y), _ = fashion_small
    model = transfer.transfer_model(10, "head", input_shape=(28, 28, 1), resize_to=32)
    dense = np.array(model.get_layer("predictions").kernel)
    conv = np.array(model.get_layer("mobilenet_v2").get_layer("Conv1").kernel)
    features = transfer.extract_features(model, x)
    transfer.fit_head_on_features(model, features, y, epochs=2)
    assert not np.allclose(dense, np.array(model.get_layer("predictions").kernel))
    np.testing.assert_array_equal(conv, model.get_layer("mobilenet_v2").get_layer("Conv1").kernel)
    # the full model now classifies the images with that head
    probs = np.asarray(model.predict(x, verbose=0))
    head = np.asarray(model.get_layer("predictions")(features))
    np.testing.assert_allclose(probs, head, rtol=1e-4, atol=1e-5)


def test_fit_regime_trains_the_head_before_fine_tuning(fashion_small):
    (x, y), _ = fashion_small
    model = transfer.transfer_model(10, "top", input_shape=(28, 28, 1), resize_to=32)
    late = model.get_layer("mobilenet_v2").get_layer("block_16_project")
    early = model.get_layer("mobilenet_v2").get_layer("block_2_project")
    late_before, early_before = np.array(late.kernel), np.array(early.kernel)
    transfer.fit_regime(model, "top", x, y, epochs=1, fine_tune_epochs=0)  # head phase only
    np.testing.assert_array_equal(late_before, late.kernel)
    assert transfer.trainable_param_count(model) == 1280 * 10 + 10
    transfer.fit_regime(model, "top", x, y, epochs=1, fine_tune_epochs=1)
    assert not np.allclose(late_before, late.kernel)
    np.testing.assert_array_equal(early_before, early.kernel)
    assert model.optimizer.learning_rate.numpy() == pytest.approx(transfer.LEARNING_RATES["top"])


def test_recalibrated_batchnorm_holds_the_training_images_statistics(fashion_small):
    (x, _), _ = fashion_small
    model = transfer.transfer_model(10, weights=None, input_shape=(28, 28, 1), resize_to=32)
    bn = model.get_layer("mobilenet_v2").get_layer("bn_Conv1")
    transfer.recalibrate_batchnorm(model, x, batch_size=len(x))  # one batch: exact statistics
    assert bn.momentum == pytest.approx(0.9)  # restored
    # Conv1 output of the same images, computed without the recalibrated layer
    backbone = model.get_layer("mobilenet_v2")
    inner = keras.Model(backbone.input, backbone.get_layer("Conv1").output)
    rgb = np.repeat(keras.ops.convert_to_numpy(keras.ops.image.resize(x * 1.0, (32, 32))), 3, -1)
    maps = np.asarray(inner(rgb))
    np.testing.assert_allclose(bn.moving_mean, maps.mean(axis=(0, 1, 2)), rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(bn.moving_variance, maps.var(axis=(0, 1, 2)), rtol=1e-2, atol=1e-3)


def test_fit_regime_random_trains_everything_then_recalibrates(fashion_small, monkeypatch):
    (x, y), _ = fashion_small
    model = transfer.transfer_model(10, weights=None, input_shape=(28, 28, 1), resize_to=32)
    conv = np.array(model.get_layer("mobilenet_v2").get_layer("Conv1").kernel)
    seen = []
    original = transfer.recalibrate_batchnorm
    monkeypatch.setattr(
        training,  # where fit_regime looks it up
        "recalibrate_batchnorm",
        lambda m, xs, **kw: seen.append(len(xs)) or original(m, xs),
    )
    transfer.fit_regime(model, "random", x, y, epochs=1)
    assert seen == [len(x)]  # the training images, after training
    assert not np.allclose(conv, model.get_layer("mobilenet_v2").get_layer("Conv1").kernel)
    assert model.optimizer.learning_rate.numpy() == pytest.approx(transfer.LEARNING_RATES["random"])


def test_feature_extraction_timing_is_two_trainings_of_the_same_head(fashion_small):
    train, test = fashion_small
    timing = transfer.time_feature_extraction(train, test, 10, epochs=2)
    assert timing.plain_seconds > 0 and timing.fast_seconds > 0
    assert timing.ratio == pytest.approx(timing.fast_seconds / timing.plain_seconds)
    for accuracy in (timing.plain_accuracy, timing.fast_accuracy):
        assert accuracy * 40 == pytest.approx(round(accuracy * 40), abs=1e-6)


# --------------------------------------------------------------------------------------
# Integers are whole numbers: True, False and 3.0 are refused
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [True, False, 3.0])
@pytest.mark.parametrize(
    "call",
    [
        lambda v: transfer.transfer_model(v),
        lambda v: transfer.transfer_model(3, "top", top_blocks=v),
        lambda v: transfer.transfer_model(3, resize_to=v),
        lambda v: transfer.transfer_model(3, input_shape=(v, 32, 3)),
        lambda v: transfer.transfer_model(3, input_shape=(32, 32, v)),
        lambda v: transfer.transfer_experiment(**GOOD_SETS, num_classes=v),
        lambda v: transfer.transfer_experiment(**GOOD_SETS, epochs=v),
        lambda v: transfer.transfer_experiment(**GOOD_SETS, batch_size=v),
        lambda v: transfer.transfer_experiment(**GOOD_SETS, resize_to=v),
        lambda v: transfer.transfer_experiment(**GOOD_SETS, seed=v),
    ],
    ids=[
        "model-num_classes",
        "model-top_blocks",
        "model-resize_to",
        "model-height",
        "model-channels",
        "experiment-num_classes",
        "experiment-epochs",
        "experiment-batch_size",
        "experiment-resize_to",
        "experiment-seed",
    ],
)
def test_integer_parameters_refuse_bools_and_floats(call, value):
    with pytest.raises(TypeError, match="must be a whole number"):
        call(value)

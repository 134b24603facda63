"""Tests of cnn_course.train on real MNIST, in quick mode (conftest sets CNN_COURSE_QUICK=1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import keras
import numpy as np
import pytest

from cnn_course import models, train
from cnn_course.data import load_mnist
from cnn_course.runtime import quick_mode, seed_everything

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


def test_quick_mode_is_on_under_pytest():
    assert quick_mode()
    assert train.recipe_for("fcn_gap") == train.QUICK_RECIPE


def test_quick_recipe_learns_mnist(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    seed_everything(0)
    model = models.mnist_convnet()
    history = train.fit_course_recipe(model, x_train, y_train, verbose=0)
    recipe = train.QUICK_RECIPE
    assert history.epoch == list(range(recipe.epochs))
    assert history.params["steps"] == -(-recipe.train_size // recipe.batch_size)
    assert history.history["loss"][-1] < history.history["loss"][0]
    # Chance is 0.1; 4 000 training images for 3 epochs give ~0.95.
    accuracy = train.evaluate(model, x_test[:2000], y_test[:2000])
    assert accuracy >= 0.9
    # evaluate() agrees with Keras' own metric on the same preprocessing.
    _, keras_accuracy = model.evaluate(
        train.scale_images(x_test[:2000]), y_test[:2000], verbose=0, batch_size=500
    )
    assert accuracy == pytest.approx(keras_accuracy, abs=1e-6)


def test_validation_data_is_reported(mnist):
    (x_train, y_train), _ = mnist
    seed_everything(0)
    history = train.fit_course_recipe(
        models.fcn_gap(),
        x_train[:256],
        y_train[:256],
        recipe=train.Recipe(epochs=1, batch_size=128),  # an explicit recipe beats quick mode
        validation_data=(x_train[-300:], y_train[-300:]),
        verbose=0,
    )
    assert set(history.history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.epoch == [0] and history.params["steps"] == 2


def _train_twice(x, y):
    weights = []
    for _ in range(2):
        seed_everything(0)
        model = models.mnist_convnet()
        train.fit_course_recipe(model, x, y, epochs=1, verbose=0, seed=3)
        weights.append(model.get_weights())
    return weights


def test_seeded_runs_give_identical_weights(mnist):
    (x_train, y_train), _ = mnist
    first, second = _train_twice(x_train[:1000], y_train[:1000])
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    seed_everything(0)
    untrained = models.mnist_convnet().get_weights()
    assert not np.array_equal(untrained[0], first[0])  # it did train


def test_learning_rate_schedule_warms_up_then_decays():
    recipe = train.Recipe(epochs=2, batch_size=10, peak_learning_rate=0.01, warmup_fraction=0.25)
    schedule = train.learning_rate_schedule(recipe, total_steps=40)
    rates = np.array([float(schedule(step)) for step in range(41)])
    assert rates[0] == pytest.approx(0.01 / 25)
    assert rates.argmax() == 10 and rates.max() == pytest.approx(0.01)
    assert np.all(np.diff(rates[:11]) > 0) and np.all(np.diff(rates[10:]) < 0)
    assert rates[-1] == pytest.approx(0.0, abs=1e-9)


def test_learning_rates_match_the_schedule_step_by_step():
    recipe = train.Recipe(epochs=2, batch_size=10, peak_learning_rate=0.01, warmup_fraction=0.25)
    schedule = train.learning_rate_schedule(recipe, total_steps=40)
    rates = train.learning_rates(schedule, 40)
    assert rates.shape == (40,) and rates.dtype == np.float64
    assert np.allclose(rates, [float(schedule(step)) for step in range(40)])
    # what Adam really uses: its learning rate after each optimizer step
    optimizer = keras.optimizers.Adam(learning_rate=schedule)
    variable = keras.Variable(np.zeros(3, np.float32))
    seen = []
    for _ in range(12):
        seen.append(float(optimizer.learning_rate))
        optimizer.apply([keras.ops.ones(3)], [variable])
    assert np.allclose(seen, rates[:12])
    assert train.learning_rates(1e-3, 4).tolist() == [1e-3] * 4


@pytest.mark.parametrize(
    ("schedule", "steps", "error", "message"),
    [
        ("cosine", 10, TypeError, "a Keras learning-rate schedule or a number, got str"),
        (True, 10, TypeError, "a Keras learning-rate schedule or a number, got bool"),
        (0.0, 10, ValueError, r"the learning rate must lie in \(0, ∞\)"),
        (1e-3, 0, ValueError, "the number of steps must be a whole number >= 1"),
        (1e-3, 2.5, TypeError, "the number of steps must be a whole number"),
    ],
)
def test_learning_rates_refuse_bad_input(schedule, steps, error, message):
    with pytest.raises(error, match=message):
        train.learning_rates(schedule, steps)


def test_training_dataset_is_the_recipes_pipeline(mnist):
    (x_train, y_train), _ = mnist
    x, y = x_train[:100], y_train[:100]
    batches = list(train.training_dataset(x, y, batch_size=32, seed=3).take(8))
    assert [int(labels.shape[0]) for _, labels in batches] == [32] * 8  # endless: no short batch
    images = np.concatenate([b[0].numpy() for b in batches[:3]] + [batches[3][0][:4].numpy()])
    labels = np.concatenate([b[1].numpy() for b in batches[:4]])[:100]
    # the first epoch (100 images) is a shuffle of the 100 images, scaled to [0, 1]
    order = [
        int(np.flatnonzero((x == img[..., 0] * 255).reshape(100, -1).all(1))[0])
        for img in np.round(images * 255) / 255
    ]
    assert sorted(order) == list(range(100)) and order != list(range(100))
    assert np.array_equal(labels, y[order])
    assert images.dtype == np.float32 and images.shape[1:] == (28, 28, 1)
    assert np.array_equal(images[..., 0], x[order] / np.float32(255))
    # the same seed, the same order; another seed, another order
    again = next(iter(train.training_dataset(x, y, batch_size=32, seed=3)))[1].numpy()
    other = next(iter(train.training_dataset(x, y, batch_size=32, seed=4)))[1].numpy()
    assert np.array_equal(again, batches[0][1].numpy()) and not np.array_equal(other, again)


def test_validation_dataset_keeps_the_order(mnist):
    _, (x_test, y_test) = mnist
    batches = list(train.validation_dataset(x_test[:250], y_test[:250], batch_size=100))
    assert [int(labels.shape[0]) for _, labels in batches] == [100, 100, 50]
    assert np.array_equal(np.concatenate([b[1] for b in batches]), y_test[:250])
    assert np.allclose(batches[2][0].numpy(), train.scale_images(x_test[200:250]))


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda x, y: train.training_dataset(x / 255, y, 32),
            TypeError,
            "training images must be uint8",
        ),
        (lambda x, y: train.training_dataset(x, y[:-1], 32), ValueError, "but 9 labels"),
        (lambda x, y: train.training_dataset(x, y, 0), ValueError, "batch size must be a whole"),
        (lambda x, y: train.training_dataset(x, y, 32, seed=-1), ValueError, "the seed must be"),
        (lambda x, y: train.training_dataset(x, y, True), TypeError, "batch size must be a whole"),
        (lambda x, y: train.validation_dataset(x, y + 5), ValueError, "validation labels must be"),
        (lambda x, y: train.validation_dataset(x, y, 2.0), TypeError, "batch size must be a whole"),
    ],
)
def test_pipelines_refuse_bad_input(make, error, message):
    x, y = np.zeros((10, 28, 28), np.uint8), np.arange(10)
    with pytest.raises(error, match=message):
        make(x, y)


@pytest.mark.parametrize(
    ("x", "y", "error", "message"),
    [
        (np.zeros((4, 28, 28), np.float32), [0, 1, 2, 3], TypeError, "must be uint8 pixels"),
        (
            np.zeros((4, 32, 32), np.uint8),
            [0, 1, 2, 3],
            ValueError,
            r"shape \(number of images, 28, 28\)",
        ),
        (np.zeros((4, 28, 28), np.uint8), [0, 1, 2], ValueError, "4 training images but 3 labels"),
        (np.zeros((4, 28, 28), np.uint8), [0, 1, 2, 10], ValueError, "digits from 0 to 9"),
        (np.zeros((4, 28, 28), np.uint8), [0, -1, 2, 3], ValueError, "digits from 0 to 9"),
        (np.zeros((4, 28, 28), np.uint8), [0.0, 1.0, 2.0, 3.0], TypeError, "must be integers"),
        (np.zeros((4, 28, 28), np.uint8), np.eye(10, dtype=int)[:4], ValueError, "not one-hot"),
        (np.zeros((0, 28, 28), np.uint8), np.zeros(0, int), ValueError, "no training images"),
    ],
)
def test_bad_training_data_raises(x, y, error, message):
    with pytest.raises(error, match=message):
        train.fit_course_recipe(models.mnist_convnet(), x, y, verbose=0)


def test_bad_model_and_options_raise():
    x, y = np.zeros((4, 28, 28), np.uint8), np.arange(4)
    with pytest.raises(ValueError, match=r"takes inputs of shape \(32, 32, 3\)"):
        train.fit_course_recipe(models.lenet5(), x, y, verbose=0)
    with pytest.raises(TypeError, match="expected a Keras model"):
        train.fit_course_recipe("mnist_convnet", x, y, verbose=0)
    with pytest.raises(TypeError, match="expected a Keras model"):
        train.fit_reference_recipe(None, x, y, verbose=0)
    with pytest.raises(ValueError, match="number of epochs must be a whole number >= 1, got 0"):
        train.fit_course_recipe(models.mnist_convnet(), x, y, epochs=0, verbose=0)
    with pytest.raises(TypeError, match="the recipe must be a train.Recipe, got dict"):
        train.fit_course_recipe(models.mnist_convnet(), x, y, recipe={"epochs": 1}, verbose=0)
    with pytest.raises(ValueError, match="validation labels must be digits"):
        train.fit_course_recipe(models.mnist_convnet(), x, y, validation_data=(x, y + 7), verbose=0)
    with pytest.raises(TypeError, match="test images must be uint8"):
        train.evaluate(models.mnist_convnet(), x / 255, y)
    with pytest.raises(ValueError, match=r"warm-up fraction must lie in \[0, 1\)"):
        train.Recipe(epochs=1, batch_size=1, warmup_fraction=1.0)


def test_recipes_are_read_only():
    with pytest.raises(TypeError):
        train.RECIPES["mnist_convnet"] = train.QUICK_RECIPE
    with pytest.raises(TypeError):
        train.REFERENCE["epochs"] = 1


@pytest.mark.parametrize("steps", [1, 2, 7, 10, 16, 17, 63, 469, 938, 997])
@pytest.mark.parametrize("at_most", [1, 5, 16, 2000])
def test_steps_per_call_is_the_largest_divisor_allowed(steps, at_most):
    per_call = train.steps_per_call(steps, at_most)
    assert 1 <= per_call <= at_most and steps % per_call == 0
    assert not any(steps % k == 0 for k in range(per_call + 1, at_most + 1))


def test_steps_per_call_refuses_zero():
    for args in [(0, 16), (938, 0), (-5, 16)]:
        with pytest.raises(ValueError, match=">= 1"):
            train.steps_per_call(*args)
    with pytest.raises(ValueError, match="number of replicas"):
        train.steps_per_call(938, 16, replicas=0)
    assert [train.steps_per_call(938, 16, replicas=r) for r in (1, 2, 8)] == [14, 1, 1]
    with pytest.raises(ValueError, match="steps per execution"):
        train.Recipe(epochs=1, batch_size=1, steps_per_execution=0)


def test_several_steps_per_call_run_exactly_the_steps_of_an_epoch(mnist):
    """Keras does not cut a call short at the end of an epoch; the recipe's divisor avoids that."""
    (x_train, y_train), _ = mnist
    seed_everything(0)
    model = models.mnist_convnet()
    recipe = train.Recipe(epochs=2, batch_size=64, steps_per_execution=16)
    history = train.fit_course_recipe(model, x_train[:640], y_train[:640], recipe=recipe, verbose=0)
    assert history.params["steps"] == 10  # 640 / 64: 16 per call would have run 16 per epoch
    assert model.steps_per_execution == 10
    assert int(model.optimizer.iterations.numpy()) == 2 * 10


NOT_WHOLE_NUMBERS = [True, False, 3.0]
_X, _Y = np.zeros((4, 28, 28), np.uint8), np.arange(4)

INTEGER_PARAMETERS = {
    "Recipe epochs": lambda v: train.Recipe(epochs=v, batch_size=1),
    "Recipe batch_size": lambda v: train.Recipe(epochs=1, batch_size=v),
    "Recipe train_size": lambda v: train.Recipe(epochs=1, batch_size=1, train_size=v),
    "Recipe steps_per_execution": lambda v: train.Recipe(
        epochs=1, batch_size=1, steps_per_execution=v
    ),
    "steps_per_call steps_per_epoch": lambda v: train.steps_per_call(v, 16),
    "steps_per_call at_most": lambda v: train.steps_per_call(938, v),
    "steps_per_call replicas": lambda v: train.steps_per_call(938, 16, replicas=v),
    "learning_rate_schedule total_steps": lambda v: train.learning_rate_schedule(
        train.QUICK_RECIPE, v
    ),
    "fit_course_recipe epochs": lambda v: train.fit_course_recipe(
        models.mnist_convnet(), _X, _Y, epochs=v, verbose=0
    ),
    "fit_course_recipe batch_size": lambda v: train.fit_course_recipe(
        models.mnist_convnet(), _X, _Y, batch_size=v, verbose=0
    ),
    "fit_course_recipe seed": lambda v: train.fit_course_recipe(
        models.mnist_convnet(), _X, _Y, seed=v, verbose=0
    ),
    "fit_reference_recipe epochs": lambda v: train.fit_reference_recipe(
        models.mnist_convnet(), _X, _Y, epochs=v, verbose=0
    ),
    "fit_reference_recipe seed": lambda v: train.fit_reference_recipe(
        models.mnist_convnet(), _X, _Y, seed=v, verbose=0
    ),
    "bench.run_benchmark seed": lambda v: _bench().run_benchmark(quick=True, seed=v),
    "bench.run_benchmark verbose": lambda v: _bench().run_benchmark(quick=True, verbose=v),
}


def _bench():
    from cnn_course import bench

    return bench


@pytest.mark.parametrize("value", NOT_WHOLE_NUMBERS, ids=repr)
@pytest.mark.parametrize("parameter", sorted(INTEGER_PARAMETERS))
def test_integer_parameters_refuse_bools_and_floats(parameter, value):
    with pytest.raises(TypeError, match=rf"must be a whole number, got {value!r} \(a"):
        INTEGER_PARAMETERS[parameter](value)


KILLED_RUN = textwrap.dedent(
    """
    import os, signal, sys
    import keras
    from cnn_course import models, train
    from cnn_course.data import load_mnist
    from cnn_course.runtime import seed_everything

    class KillAtEpoch(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:  # epochs 0 and 1 are done and backed up
                os.kill(os.getpid(), signal.SIGKILL)

    (x, y), _ = load_mnist()
    seed_everything(0)
    model = models.mnist_convnet()
    train.fit_course_recipe(model, x[:640], y[:640], epochs=4, verbose=0,
                        checkpoint_dir=sys.argv[1], callbacks=[KillAtEpoch()])
    print("not killed")
    """
)


class _RecordResume(keras.callbacks.Callback):
    """Records the epochs run and the optimizer's step count when training (re)starts."""

    def __init__(self):
        super().__init__()
        self.epochs: list[int] = []
        self.start_iterations: int | None = None

    def on_epoch_begin(self, epoch, logs=None):
        if self.start_iterations is None:
            self.start_iterations = int(self.model.optimizer.iterations.numpy())
        self.epochs.append(epoch)


def test_killed_training_resumes_from_the_last_epoch(mnist, tmp_path):
    checkpoint_dir = tmp_path / "backup"
    env = {**os.environ, "CNN_COURSE_QUICK": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_RUN, str(checkpoint_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert "not killed" not in killed.stdout
    metadata = json.loads((checkpoint_dir / "training_metadata.json").read_text())
    assert metadata["epoch"] == 2

    (x_train, y_train), _ = mnist
    seed_everything(0)
    model = models.mnist_convnet()
    probe = _RecordResume()
    history = train.fit_course_recipe(
        model,
        x_train[:640],
        y_train[:640],
        epochs=4,
        verbose=0,
        checkpoint_dir=checkpoint_dir,
        callbacks=[probe],
    )
    steps = history.params["steps"]
    assert history.epoch == [2, 3] == probe.epochs  # continued, did not restart at 0
    assert probe.start_iterations == 2 * steps  # the optimizer state was restored too
    assert int(model.optimizer.iterations.numpy()) == 4 * steps
    assert not (checkpoint_dir / "training_metadata.json").exists()  # cleaned up at the end


def test_bench_quick_prints_json_then_ratio_last(capsys):
    from cnn_course import bench

    assert bench.main(["--quick"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    figures = json.loads(lines[-2])
    assert lines[-1] == f"ratio course/reference: {figures['ratio']:.2f}"
    assert figures["model"] == "mnist_convnet" and figures["quick"] is True
    assert figures["reference"]["epochs"] == 1
    assert figures["course"]["epochs"] == train.QUICK_RECIPE.epochs
    for recipe in ("course", "reference"):
        assert figures[recipe]["wall_s"] > 0 and 0 <= figures[recipe]["validation_accuracy"] <= 1
    assert figures["ratio"] == pytest.approx(
        figures["course"]["wall_s"] / figures["reference"]["wall_s"], rel=1e-3
    )
    assert quick_mode()  # the benchmark restored the environment


def test_bench_with_several_seeds_prints_them_side_by_side(capsys):
    from cnn_course import bench

    assert bench.main(["--quick", "--seed", "0", "1"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    runs = json.loads(lines[-2])
    assert [run["seed"] for run in runs] == [0, 1]
    ratios = sorted(run["ratio"] for run in runs)
    assert lines[-1] == "ratios course/reference: " + ", ".join(f"{r:.3f}" for r in ratios)
    table = lines[lines.index(bench.seeds_table(runs).splitlines()[0]) :][:3]
    assert table == bench.seeds_table(runs).splitlines()
    assert [row.split()[0] for row in table[1:]] == ["0", "1"]


def test_choose_recipe_takes_the_cheapest_whose_seeds_overlap_the_best():
    def trials(name, images, accuracies):
        return [train.Trial(name, s, a, images, 1.0) for s, a in enumerate(accuracies)]

    close = trials("2 ep", 96_000, [0.989, 0.991, 0.990]) + trials(
        "3 ep", 144_000, [0.990, 0.992, 0.9905]
    )
    assert train.choose_recipe(close) == "2 ep"  # 3 ep: higher mean, ranges overlap
    beaten = close + trials("4 ep", 192_000, [0.993, 0.994, 0.9935])
    assert train.choose_recipe(beaten) == "4 ep"
    # among equally good candidates of the same cost, the higher mean
    assert train.choose_recipe(trials("a", 1, [0.5, 0.7]) + trials("b", 1, [0.6, 0.8])) == "b"
    with pytest.raises(ValueError):
        train.choose_recipe([])
    table = train.format_trials(beaten)
    assert table.splitlines()[0].split()[:3] == ["recipe", "images", "seed"]
    assert "0.9935" in table and "192,000" in table


def test_recipe_trials_score_on_the_validation_images(mnist):
    (x, y), _ = mnist
    candidates = {
        "1 ep": train.Recipe(epochs=1, batch_size=64),
        "lr 0": train.Recipe(epochs=1, batch_size=64, peak_learning_rate=1e-9),
    }
    trials = train.recipe_trials(
        models.mnist_convnet, candidates, (x[:640], y[:640]), (x[-500:], y[-500:]), seeds=[0]
    )
    assert [(t.name, t.seed, t.images) for t in trials] == [("1 ep", 0, 640), ("lr 0", 0, 640)]
    # a rate that barely moves the weights stays near chance; one epoch learns something
    assert trials[1].validation_accuracy < 0.3 < trials[0].validation_accuracy
    assert train.choose_recipe(trials) == "1 ep"

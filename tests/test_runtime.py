"""Tests of cnn_course.runtime.strategy and logical_cpus (the lead's functions have doctests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cnn_course import runtime

ROOT = Path(__file__).resolve().parents[1]


def test_strategy_on_a_single_cpu_is_the_default_one():
    import keras
    import tensorflow as tf

    choice = runtime.strategy(verbose=False)
    assert isinstance(choice, runtime.StrategyChoice)
    assert choice.strategy is tf.distribute.get_strategy()
    assert (choice.name, choice.device, choice.replicas) == ("default", "CPU", 1)
    assert choice.mixed_precision is False
    assert keras.mixed_precision.global_policy().name == "float32"
    assert "strategy=" not in repr(choice)  # the tf object stays out of the printed choice
    assert not hasattr(runtime, "last_strategy_choice")  # no module state: the call returns it


def test_strategy_prints_its_choice(capsys):
    runtime.strategy()
    assert capsys.readouterr().out.startswith("strategy: default (one CPU")


def test_logical_cpus_checks_its_argument_and_the_moment_it_is_called():
    import tensorflow as tf

    with pytest.raises(ValueError, match="logical CPUs must be a whole number >= 1, got 0"):
        runtime.logical_cpus(0)
    tf.config.list_logical_devices()  # TensorFlow has set up its devices in this process
    with pytest.raises(RuntimeError, match="fresh Python process"):
        runtime.logical_cpus(2)


MIRRORED_RUN = textwrap.dedent(
    """
    import json
    import numpy as np
    import tensorflow as tf
    from cnn_course import models, runtime, train
    from cnn_course.data import load_mnist

    names = runtime.logical_cpus(2)          # first thing: before TensorFlow starts
    choice = runtime.strategy(verbose=False)
    (x, y), _ = load_mnist()
    with choice.scope():
        model = models.mnist_convnet()
    history = train.fit_course_recipe(model, x[:512], y[:512], epochs=1, batch_size=64, verbose=0)
    print(json.dumps({
        "devices": names,
        "strategy": type(choice.strategy).__name__,
        "choice": choice.name,
        "replicas": choice.strategy.num_replicas_in_sync,
        "mirrored": isinstance(model.trainable_variables[0].value, tf.distribute.DistributedValues),
        "steps": int(model.optimizer.iterations.numpy()),
        "loss": history.history["loss"],
    }))
    """
)


def test_mirrored_strategy_over_two_logical_cpus_trains_the_convnet():
    env = {**os.environ, "CNN_COURSE_QUICK": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    run = subprocess.run(
        [sys.executable, "-c", MIRRORED_RUN],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert len(result["devices"]) == 2
    assert result["strategy"] == "MirroredStrategy" and result["choice"] == "MirroredStrategy"
    assert result["replicas"] == 2
    assert result["mirrored"] is True  # one copy of each weight per CPU
    assert result["steps"] == 512 // 64
    assert len(result["loss"]) == 1 and 0 < result["loss"][0] < 2.4  # below chance (ln 10)


def test_progress_bar_writes_to_stderr_even_when_it_is_not_a_terminal(capsys):
    with runtime.progress_bar(4, "preparing") as bar:
        for _ in range(4):
            bar.update(1)
    err = capsys.readouterr().err
    assert "preparing" in err and "4/4" in err  # a kernel's stderr is no terminal either
    with runtime.progress_bar(4, "silent", enabled=False) as bar:
        bar.update(4)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("total", "error"), [(-1, ValueError), (2.5, TypeError), ("3", TypeError)])
def test_progress_bar_refuses_a_bad_total(total, error):
    with pytest.raises(error, match="the number of steps of a progress bar must be a whole number"):
        runtime.progress_bar(total, "x")


NOT_WHOLE_NUMBERS = [True, False, 3.0]

INTEGER_PARAMETERS = {
    "progress_bar total": lambda v: runtime.progress_bar(v, "x"),
    "seed_everything seed": runtime.seed_everything,
    "logical_cpus n": runtime.logical_cpus,  # checked before TensorFlow is asked anything
}


@pytest.mark.parametrize("value", NOT_WHOLE_NUMBERS, ids=repr)
@pytest.mark.parametrize("parameter", sorted(INTEGER_PARAMETERS))
def test_integer_parameters_refuse_bools_and_floats(parameter, value):
    with pytest.raises(TypeError, match=rf"must be a whole number, got {value!r} \(a"):
        INTEGER_PARAMETERS[parameter](value)


def test_flags_refuse_numbers():
    with pytest.raises(TypeError, match="verbose must be True or False, got 1"):
        runtime.strategy(verbose=1)
    with pytest.raises(TypeError, match="enabled must be True or False"):
        runtime.progress_bar(3, "x", enabled=0)

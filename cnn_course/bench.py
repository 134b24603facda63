"""Benchmark: the course recipe against the keras.io recipe, on the same model, in one process.

Run ``python -m cnn_course.bench`` (``make bench``; ``--seed 0 1 2`` for several seeds side by
side). Both recipes train a fresh
copy of the same architecture (:func:`~cnn_course.models.mnist_convnet`, or
``--model fcn_gap``) on the 48 000 MNIST training images the course trains on and are
scored on the 12 000 held-out validation images (:data:`cnn_course.train.VALIDATION_SIZE`):
a benchmark run again and again must not score the test images, which the course uses once.

* **course** — :func:`cnn_course.train.fit_course_recipe`;
* **reference** — :func:`cnn_course.train.fit_reference_recipe`, the keras.io "Simple
  MNIST convnet" recipe the slides copied (Adam 1e-3, batch 128, 15 epochs,
  10 % validation split).

For each it prints the wall time, the process CPU time (less sensitive to other
programs sharing the CPU), the epochs and the validation accuracy; then, as its last
two lines, a JSON object with every figure and ``ratio course/reference: X.XX``
(wall time). ``--quick`` runs a few-second smoke test on small subsets.

A tiny warm-up fit runs first, so that TensorFlow's one-off start-up costs are
charged to neither recipe; the course recipe then runs first. The figures measured so
far are in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any
from unittest import mock

import keras
import tensorflow as tf

from cnn_course import _checks, data, models, runtime, train

__all__ = [
    "MODELS",
    "QUICK_VALIDATION",
    "QUICK_TRAIN",
    "main",
    "run_benchmark",
    "seeds_table",
]

QUICK_TRAIN = 1000
"""Training images per recipe with ``--quick``."""

QUICK_VALIDATION = 1000
"""Validation images with ``--quick``."""


def _timed(run: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _warm_up(builder: Callable[[], Any], x: Any, y: Any) -> None:
    """One small fit: TensorFlow's start-up (thread pools, oneDNN kernels) happens here."""
    model = builder()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(train.scale_images(x[:256]), y[:256], batch_size=128, epochs=1, verbose=0)


MODELS: Mapping[str, Callable[[], Any]] = MappingProxyType(
    {"mnist_convnet": models.mnist_convnet, "fcn_gap": models.fcn_gap}
)
"""The architectures the benchmark can train, by name."""


def run_benchmark(
    model_name: str = "mnist_convnet", quick: bool = False, seed: int = 0, verbose: int = 2
) -> dict[str, Any]:
    """Train the model with both recipes and return every figure.

    Parameters
    ----------
    model_name : {"mnist_convnet", "fcn_gap"}
        The architecture both recipes train.
    quick : bool
        Smoke test: 1 000 training images, quick-mode course recipe, one reference
        epoch, 1 000 validation images.
    seed : int
        Seeds the weights (:func:`cnn_course.runtime.seed_everything`) and both fits.
    verbose : int
        ``verbose`` of ``keras.Model.fit`` (2: one line per epoch).

    Returns
    -------
    dict
        ``model``, ``quick``, ``train_images``, ``validation_images``, ``course`` and
        ``reference`` (each: ``wall_s``, ``cpu_s``, ``epochs``, ``batch_size``,
        ``validation_accuracy``), ``ratio`` (course/reference wall time), ``cpu_ratio``,
        ``versions``, ``device``.
    """
    builder = MODELS[_checks.one_of(model_name, "the model", MODELS)]
    quick = _checks.flag(quick, "quick")
    seed = _checks.non_negative_int(seed, "the seed")
    verbose = _checks.integer(verbose, "verbose", minimum=0, maximum=2)
    (x_all, y_all), _ = data.load_mnist()
    (x_train, y_train), (x_val, y_val) = data.split_validation(
        x_all, y_all, train.VALIDATION_SIZE, seed=0
    )
    if quick:
        x_train, y_train = x_train[:QUICK_TRAIN], y_train[:QUICK_TRAIN]
        x_val, y_val = x_val[:QUICK_VALIDATION], y_val[:QUICK_VALIDATION]
    _warm_up(builder, x_train, y_train)

    reference_epochs = 1 if quick else train.REFERENCE["epochs"]
    fits: dict[str, Callable[[Any], Any]] = {
        "course": lambda model: train.fit_course_recipe(
            model, x_train, y_train, seed=seed, verbose=verbose
        ),
        "reference": lambda model: train.fit_reference_recipe(
            model, x_train, y_train, epochs=reference_epochs, seed=seed, verbose=verbose
        ),
    }
    results: dict[str, Any] = {}
    with mock.patch.dict(os.environ, {runtime.QUICK_ENV: "1" if quick else "0"}):
        batch_sizes = {
            "course": train.recipe_for(model_name).batch_size,
            "reference": train.REFERENCE["batch_size"],
        }
        for name, fit in fits.items():
            runtime.seed_everything(seed)
            model = builder()
            history, wall, cpu = _timed(lambda fit=fit, model=model: fit(model))
            accuracy = train.evaluate(model, x_val, y_val)
            results[name] = {
                "wall_s": round(wall, 2),
                "cpu_s": round(cpu, 2),
                "epochs": len(history.epoch),
                "batch_size": batch_sizes[name],
                "validation_accuracy": round(accuracy, 4),
            }
            print(
                f"{name:<9}: wall {wall:7.1f} s  cpu {cpu:7.1f} s  epochs {len(history.epoch):2d}"
                f"  validation accuracy {accuracy:.4f}",
                flush=True,
            )
            del model
            keras.backend.clear_session()

    course, reference = results["course"], results["reference"]
    return {
        "model": model_name,
        "quick": quick,
        "train_images": len(y_train),
        "validation_images": len(y_val),
        "course": course,
        "reference": reference,
        "ratio": round(course["wall_s"] / reference["wall_s"], 4),
        "cpu_ratio": round(course["cpu_s"] / reference["cpu_s"], 4),
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__},
        "device": runtime.device_name(),
    }


def seeds_table(runs: Sequence[Mapping[str, Any]]) -> str:
    """The figures of several :func:`run_benchmark` runs side by side, one row per seed.

    Examples
    --------
    >>> run = {"seed": 0, "ratio": 0.1352, "cpu_ratio": 0.1455,
    ...        "course": {"wall_s": 19.03, "validation_accuracy": 0.9907},
    ...        "reference": {"wall_s": 140.79, "validation_accuracy": 0.9922}}
    >>> print(seeds_table([run]))
    seed  course s  reference s  ratio  cpu ratio  course val  reference val
       0      19.0        140.8  0.135      0.145      0.9907         0.9922
    """
    lines = ["seed  course s  reference s  ratio  cpu ratio  course val  reference val"]
    for run in runs:
        course, reference = run["course"], run["reference"]
        lines.append(
            f"{run['seed']:>4}  {course['wall_s']:8.1f}  {reference['wall_s']:11.1f}"
            f"  {run['ratio']:5.3f}  {run['cpu_ratio']:9.3f}"
            f"  {course['validation_accuracy']:10.4f}  {reference['validation_accuracy']:13.4f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m cnn_course.bench [--model fcn_gap] [--quick] [--seed N ...]``.

    With one seed the last two lines are the JSON figures and the ratio; with several
    (``--seed 0 1 2``) each seed's fits run in turn, then a table puts the seeds side by
    side, and the last two lines are a JSON list and the ratios, worst last.
    """
    parser = argparse.ArgumentParser(
        prog="python -m cnn_course.bench",
        description="Time the course recipe against the keras.io recipe on the same model.",
    )
    parser.add_argument("--model", choices=list(MODELS), default="mnist_convnet")
    parser.add_argument("--quick", action="store_true", help="a few-second smoke test")
    parser.add_argument("--seed", type=int, nargs="+", default=[0], help="one or more seeds")
    parser.add_argument("--verbose", type=int, choices=[0, 1, 2], default=None)
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    verbose = args.verbose if args.verbose is not None else (0 if args.quick else 2)
    runs = []
    for seed in args.seed:
        figures = run_benchmark(args.model, quick=args.quick, seed=seed, verbose=verbose)
        runs.append({"seed": seed, **figures})
    if len(runs) == 1:
        print(json.dumps(runs[0]))
        print(f"ratio course/reference: {runs[0]['ratio']:.2f}")
        return 0
    print(seeds_table(runs))
    print(json.dumps(runs))
    ratios = sorted(run["ratio"] for run in runs)
    print("ratios course/reference: " + ", ".join(f"{r:.3f}" for r in ratios))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

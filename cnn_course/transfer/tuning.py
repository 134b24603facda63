"""Notebook 10's data splits, and its settings chosen on validation images.

:func:`experiment_sets` draws, for each domain, the training sets of one seed, the
validation images (carved from the domain's training images, never from its test images)
and the test images. :func:`choose_settings` trains the regimes with candidate learning
rates (and epochs for ``"random"``) and keeps, for each regime, the candidate with the best
mean validation accuracy; it never looks at the test images. Run it as::

    python -m cnn_course.transfer.tuning

(about 15 minutes on a 2-core CPU; docs/benchmarks.md reports what it chose).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cnn_course import data
from cnn_course.transfer.experiment import TransferRun, transfer_experiment

__all__ = [
    "CANDIDATES",
    "FASHION_POOL",
    "SIZES",
    "TEXTURE_COLUMNS",
    "choose_settings",
    "experiment_sets",
    "texture_column",
]

SIZES: dict[str, dict[str, int]] = {
    "textures": {"small": 30, "larger": 300},
    "fashion": {"small": 200, "larger": 600},
}
"""Domain -> training-set name -> number of images (notebook 10's full mode)."""

TEXTURE_COLUMNS = 23
"""Patches per row of a texture photo's training strip (384 columns, 16 pixels apart)."""

FASHION_POOL = 50_000
"""Fashion-MNIST training images the training sets are drawn from; the other 10 000 are
where the validation images come from."""

CANDIDATES: dict[str, dict[str, Sequence[Any]]] = {
    "head": {"learning_rate": (1e-3, 1e-2)},
    "top": {"learning_rate": (1e-3, 1e-4, 1e-5)},
    "all": {"learning_rate": (1e-3, 1e-4, 1e-5)},
    "random": {"learning_rate": (1e-3, 1e-4), "random_epochs": (5, 10)},
}
"""The settings :func:`choose_settings` tries, per regime, in this order: the head's
learning rate (chosen first) is that of the head phase of ``"top"`` and ``"all"`` too."""


def texture_column(n: int) -> np.ndarray:
    """Column (0..22) of each of the first ``n`` training patches of :func:`load_textures`.

    The patches come class by class, row by row, 23 to a row, 16 pixels apart: column
    ``k`` covers the photo's pixel columns ``16k`` to ``16k + 31``.

    >>> texture_column(25).tolist()[21:]
    [21, 22, 0, 1]
    """
    return np.arange(n) % TEXTURE_COLUMNS


def experiment_sets(
    seed: int, sizes: Mapping[str, Mapping[str, int]] | None = None, n_test: int = 1000
) -> dict[str, dict[str, Any]]:
    """Each domain's training sets for ``seed``, its validation and its test images.

    * **textures**: the patches of columns 0 to 16 (pixels 0-287) are the pool the
      training sets are drawn from, those of columns 18 to 22 (pixels 288-383) the
      validation images -- no validation pixel is in a training patch (column 17 overlaps
      both and is left out); the test patches are the photos' right-hand 128 columns.
    * **fashion**: training sets from the first :data:`FASHION_POOL` training images,
      1 000 validation images from the others, ``n_test`` test images (seed 1).

    The training sets are stratified random subsets (:func:`cnn_course.data.subset`) drawn
    with ``seed``; the validation and test images are the same for every seed. Images
    get a channel axis: (N, H, W, 1).

    Returns
    -------
    dict
        ``{domain: {"train": {name: (x, y)}, "validation": (x, y), "test": (x, y)}}``.
    """
    sizes = SIZES if sizes is None else sizes
    (tex_x, tex_y), (tex_test, tex_y_test) = data.load_textures()
    column = texture_column(len(tex_x))
    pool = {
        "textures": (tex_x[column <= 16], tex_y[column <= 16]),
    }
    found: dict[str, dict[str, Any]] = {
        "textures": {
            "validation": data.subset(tex_x[column >= 18], tex_y[column >= 18], 150, seed=0),
            "test": (tex_test, tex_y_test),
        }
    }
    if "fashion" in sizes:
        (x, y), (x_test, y_test) = data.load_fashion_mnist()
        pool["fashion"] = (x[:FASHION_POOL], y[:FASHION_POOL])
        found["fashion"] = {
            "validation": data.subset(x[FASHION_POOL:], y[FASHION_POOL:], 500, seed=0),
            "test": data.subset(x_test, y_test, n_test, seed=1),
        }
    result = {}
    for domain, named in sizes.items():
        x, y = pool[domain]
        sets = {name: data.subset(x, y, n, seed=seed) for name, n in named.items()}
        split = {**found[domain], "train": sets}
        result[domain] = {
            "train": {name: (x[..., None], y) for name, (x, y) in split["train"].items()},
            "validation": (split["validation"][0][..., None], split["validation"][1]),
            "test": (split["test"][0][..., None], split["test"][1]),
        }
    return result


def choose_settings(
    seeds: Sequence[int] = (0,),
    candidates: Mapping[str, Mapping[str, Sequence[Any]]] | None = None,
    *,
    epochs: int = 200,
    fine_tune_epochs: int = 5,
    verbose: bool = True,
) -> dict[str, tuple[dict[str, Any], float, dict[tuple[Any, ...], float]]]:
    """For each regime, the candidate settings with the best mean validation accuracy.

    Every candidate trains the regime on every training set of :func:`experiment_sets`
    for each seed; its score is the mean validation accuracy over them. The test images
    are never given to the experiment.

    Returns
    -------
    dict
        Regime -> ``(best settings, its mean validation accuracy, {settings: mean})``.
    """
    candidates = CANDIDATES if candidates is None else candidates
    chosen: dict[str, tuple[dict[str, Any], float, dict[tuple[Any, ...], float]]] = {}
    rates: dict[str, float] = {}  # chosen so far
    for regime, grid in candidates.items():
        scores: dict[tuple[Any, ...], float] = {}
        for values in itertools.product(*grid.values()):
            settings = dict(zip(grid, values, strict=True))
            runs: list[TransferRun] = []
            for seed in seeds:
                for split in experiment_sets(seed).values():
                    found = transfer_experiment(
                        split["train"],
                        None,
                        [regime],
                        validation_set=split["validation"],
                        num_classes=len(np.unique(split["validation"][1])),
                        epochs=epochs,
                        fine_tune_epochs=fine_tune_epochs,
                        random_epochs=settings.get("random_epochs", 10),
                        learning_rates={**rates, regime: settings["learning_rate"]},
                        seed=seed,
                        progress=False,
                        verbose=verbose,
                    )
                    runs += found.values()
            score = float(np.mean([run.validation_accuracy for run in runs]))
            scores[values] = score
            if verbose:
                print(f"{regime} {settings}: mean validation accuracy {score:.4f}")
        best = max(scores, key=scores.__getitem__)
        chosen[regime] = (dict(zip(grid, best, strict=True)), scores[best], scores)
        rates[regime] = chosen[regime][0]["learning_rate"]
    return chosen


if __name__ == "__main__":  # pragma: no cover
    for regime, (settings, score, _) in choose_settings().items():
        print(f"chosen for {regime}: {settings} (mean validation accuracy {score:.4f})")

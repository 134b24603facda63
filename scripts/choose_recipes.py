"""Choose the course's training recipes on validation images, then score the test set once.

``python scripts/choose_recipes.py mnist_convnet`` holds 12 000 of the 60 000 MNIST training
images out (class-balanced, :func:`cnn_course.data.split_validation`, seed 0), trains every
candidate recipe of :data:`CANDIDATES` on the 48 000 others from each seed, scores each model on
the held-out images, and prints one row per candidate with every seed. The rule that picks the
recipe is :func:`cnn_course.train.choose_recipe`: the cheapest candidate whose range over the
seeds overlaps the best candidate's. ``--test`` then trains the chosen recipe on the same
48 000 images from each ``--test-seeds`` seed and scores it on the 10 000 test images: the only
time they are used.

``fcn_gap`` compares its epochs the same way, and the usual order of its last two layers
(pooling, then softmax: ``models.fcn_gap(softmax_first=False)``) beside the slide's order, as an
architecture question notebook 09 asks. The figures measured are in ``docs/benchmarks.md``;
run nothing else on the machine meanwhile (each fit uses both cores).
"""

from __future__ import annotations

import argparse
import json

from cnn_course import data, models, runtime, train
from cnn_course.metrics import summarise_seeds

MNIST = train.Recipe(epochs=2, batch_size=64, peak_learning_rate=8e-3)
FCN = train.Recipe(epochs=10, batch_size=128, peak_learning_rate=6e-3, warmup_fraction=0.2)

CANDIDATES = {
    "mnist_convnet": {
        "2 ep, peak 8e-3": MNIST,
        "2 ep, peak 6e-3": train.Recipe(epochs=2, batch_size=64, peak_learning_rate=6e-3),
        "3 ep, peak 8e-3": train.Recipe(epochs=3, batch_size=64, peak_learning_rate=8e-3),
        "3 ep, peak 6e-3": train.Recipe(epochs=3, batch_size=64, peak_learning_rate=6e-3),
        # added after the four above: the best of them had the most epochs, the edge of the grid
        "4 ep, peak 8e-3": train.Recipe(epochs=4, batch_size=64, peak_learning_rate=8e-3),
    },
    "fcn_gap": {
        "8 ep": train.Recipe(
            epochs=8, batch_size=128, peak_learning_rate=6e-3, warmup_fraction=0.2
        ),
        "10 ep": FCN,
        # added after the two above: the cheaper of them won, the edge of the grid
        "6 ep": train.Recipe(
            epochs=6, batch_size=128, peak_learning_rate=6e-3, warmup_fraction=0.2
        ),
    },
    "fcn_gap_usual": {"10 ep, pooling then softmax": FCN},
}
"""Candidate recipes per model, fixed before any was run (the earlier exploration on the
test images, kept in docs/benchmarks.md, is what suggested them)."""

BUILDERS = {
    "mnist_convnet": models.mnist_convnet,
    "fcn_gap": models.fcn_gap,
    "fcn_gap_usual": lambda: models.fcn_gap(softmax_first=False),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", choices=sorted(CANDIDATES))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--only", nargs="+", metavar="RECIPE", help="run these candidates only")
    parser.add_argument("--test", metavar="RECIPE", help="score this candidate on the test set")
    parser.add_argument("--test-seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    args = parser.parse_args()
    print(runtime.report())
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    fit, validation = data.split_validation(x_train, y_train, train.VALIDATION_SIZE, seed=0)
    build, candidates = BUILDERS[args.model], CANDIDATES[args.model]
    if args.only:
        candidates = {name: candidates[name] for name in args.only}
    if args.test is None:
        trials = train.recipe_trials(build, candidates, fit, validation, args.seeds)
        print(train.format_trials(trials))
        print("chosen on the validation images:", train.choose_recipe(trials))
        print(json.dumps([t.__dict__ for t in trials]))
        return
    recipe = candidates[args.test]
    accuracies = []
    for seed in args.test_seeds:
        runtime.seed_everything(seed)
        model = build()
        train.fit_course_recipe(model, *fit, recipe=recipe, seed=seed, verbose=0)
        accuracies.append(train.evaluate(model, x_test, y_test))
        print(f"{args.model} {args.test!r} seed {seed}: test accuracy {accuracies[-1]:.4f}")
    print("test accuracy over seeds", args.test_seeds, ":", summarise_seeds(accuracies))


if __name__ == "__main__":
    main()

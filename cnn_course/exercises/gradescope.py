"""Grading on Gradescope: the autograder zip, and what runs in Gradescope's container.

``cnn-course autograder NN`` (``make autograder NOTEBOOK=NN``) writes
``cnn_course_autograder_NN.zip``, which an instructor uploads as a Gradescope programming
assignment's autograder. It holds

* the course's wheel — the version that wrote the zip, its data included, so the container
  grades with exactly the checks the students' notebooks ran;
* ``setup.sh``, which Gradescope runs once when it builds the image: a virtual environment in
  ``/autograder/venv`` with the wheel (and its dependencies from the package index);
* ``run_autograder``, which Gradescope runs for each submission: it grades
  ``/autograder/submission/*.ipynb`` as notebook ``NN`` with the same sandboxed grading as
  ``make grade`` (:mod:`cnn_course.exercises.grading`) and writes
  ``/autograder/results/results.json`` in Gradescope's format.

The submission runs in the bubblewrap sandbox, which does not see ``/autograder`` — it cannot
write ``results.json`` (the attack Gradescope's own documentation warns about). Where no
sandbox can start, ``run_autograder`` does not run the submission at all: it writes a result of
0 that says why, for the instructor to see.

``results.json``: one test per exercise for its public cases, shown to the student at once
(with the check's message), and one for its hidden cases, shown once the grades are
published, saying only whether they passed — never their inputs. ``AUTOGRADER_ROOT`` replaces
``/autograder`` (the tests lay out a folder like it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cnn_course.exercises._registry import notebook_exercises

__all__ = ["build_autograder", "main", "results_json", "run_autograder"]

ROOT_ENV = "AUTOGRADER_ROOT"

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
# It installs the course (the wheel in this zip: version {version}) in $ROOT/venv.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
if [ ! -x "$ROOT/venv/bin/python" ]; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip
    fi
    python3 -m venv "$ROOT/venv"
fi
"$ROOT/venv/bin/python" -m pip install ${{CNN_COURSE_PIP_ARGS:-}} "$ROOT"/source/{wheel}
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission: grade it as notebook {notebook}.
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
exec "$ROOT/venv/bin/python" -m cnn_course.exercises.gradescope run --notebook {notebook} \\
    --root "$ROOT"
"""


def _test(name: str, score: float, best: float, output: str, visibility: str) -> dict[str, Any]:
    return {
        "name": name,
        "score": score,
        "max_score": best,
        "status": "passed" if score >= best else "failed",
        "output": output,
        "visibility": visibility,
    }


def results_json(outcome: Any, seconds: float = 0.0) -> dict[str, Any]:
    """Gradescope's ``results.json`` for one graded submission (an ``Outcome``)."""
    from cnn_course.exercises.reports import HIDDEN_FAILED

    tests = []
    for result in outcome.results.values():
        ex = result.exercise
        half = ex.points / 2 if ex.has_hidden else float(ex.points)
        public = result.public
        said = "passed" if public is not None and public.passed else ""
        if public is None:
            said = "not graded: the notebook did not get that far"
        elif not public.passed:
            said = f"{public.message}\nHint: {ex.hint}"
        title = f"{ex.label} · {ex.title}"
        public_score = half if public is not None and public.passed else 0.0
        if not ex.has_hidden:
            tests.append(_test(title, public_score, half, said, "visible"))
            continue
        tests.append(_test(f"{title} (public cases)", public_score, half, said, "visible"))
        hidden = result.hidden
        passed = hidden is not None and hidden.passed
        output = "passed" if passed else (HIDDEN_FAILED if public_score else "not run: the "
                                          "public cases fail")  # fmt: skip
        tests.append(
            _test(
                f"{title} (hidden cases)", half if passed else 0.0, half, output, "after_published"
            )  # fmt: skip
        )
    data: dict[str, Any] = {
        "score": float(outcome.total),
        "execution_time": int(seconds),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    if outcome.problem:
        data["output"] = f"Your notebook could not be graded completely: {outcome.problem}."
    return data


def run_autograder(root: str | os.PathLike[str], notebook: str, quick: bool = True) -> dict:
    """Grade the submission in ``root/submission`` and write ``root/results/results.json``."""
    from cnn_course.exercises._sandbox import unavailable
    from cnn_course.exercises.grading import ExerciseResult, Outcome, grade_submission

    root = Path(root)
    exercises = notebook_exercises(notebook)
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    submissions = sorted((root / "submission").glob("*.ipynb"))
    started = time.monotonic()
    empty = {name: ExerciseResult(ex, 0.0) for name, ex in exercises.items()}
    if not submissions:
        outcome = Outcome(empty, "no .ipynb file was submitted")
    elif why := unavailable():
        outcome = Outcome(empty, f"the grader could not start its sandbox ({why}); tell your "
                                 "instructor")  # fmt: skip
    else:
        if len(submissions) > 1:  # the one whose name says the notebook, else the first
            named = [p for p in submissions if p.name.startswith(f"{notebook}_")]
            submissions = named or submissions
        outcome = grade_submission(submissions[0], notebook, quick=quick)
    data = results_json(outcome, time.monotonic() - started)
    (results / "results.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    return data


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cnn-course")
    except PackageNotFoundError:
        return "unknown"


def _build_wheel(folder: Path) -> Path:
    """Build the course's wheel from the source tree this package runs from."""
    import cnn_course

    source = Path(cnn_course.__file__).resolve().parent.parent
    if not (source / "pyproject.toml").is_file():
        raise ValueError(
            "the course is installed, not run from its source folder: give the wheel to put "
            "in the zip (--wheel FILE; make wheel builds one in a clone)"
        )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(folder), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = folder.glob("cnn_course-*.whl")
    return wheel


def build_autograder(
    notebook: str, out: str | os.PathLike[str] = ".", wheel: str | os.PathLike[str] | None = None
) -> Path:
    """Write ``out/cnn_course_autograder_NN.zip`` for notebook ``notebook``; return its path."""
    notebook_exercises(notebook)  # a notebook with exercises, or a clear error
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cnn_course_autograder_") as work:
        path = Path(wheel) if wheel is not None else _build_wheel(Path(work))
        if not path.is_file() or not path.name.startswith("cnn_course-"):
            raise ValueError(f"{str(path)!r} is not a cnn-course wheel")
        target = out / f"cnn_course_autograder_{notebook}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, text in (
                ("setup.sh", SETUP_SH.format(version=_version(), wheel=path.name)),
                ("run_autograder", RUN_AUTOGRADER.format(notebook=notebook)),
            ):
                info = zipfile.ZipInfo(name)
                info.external_attr = 0o755 << 16  # executable, as Gradescope runs them
                zf.writestr(info, text)
            zf.write(path, path.name)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m cnn_course.exercises.gradescope run --notebook NN [--root DIR]``."""
    parser = argparse.ArgumentParser(prog="python -m cnn_course.exercises.gradescope")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="grade /autograder/submission (what run_autograder does)")
    run.add_argument("--notebook", required=True)
    run.add_argument("--root", default=os.environ.get(ROOT_ENV, "/autograder"))
    run.add_argument("--full", action="store_true", help="full mode instead of quick mode")
    build = sub.add_parser("build", help="write the autograder zip")
    build.add_argument("notebook")
    build.add_argument("-o", "--out", default=".")
    build.add_argument("--wheel")
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            data = run_autograder(args.root, args.notebook, quick=not args.full)
            print(f"score {data['score']:g}")
            return 0
        print(build_autograder(args.notebook, args.out, args.wheel))
        return 0
    except (ValueError, subprocess.CalledProcessError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())

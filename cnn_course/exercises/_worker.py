"""Grade one submission (private): what :mod:`cnn_course.exercises.grading` runs in a child process.

``python -m cnn_course.exercises._worker SUBMISSION TESTS OUT NAME...`` copies the
submission into the current folder (a fresh one the grader made), lets otter-grader run
it in a kernel with the test files of ``TESTS`` (the exercises ``NAME...``), and writes the
scores to ``OUT`` as JSON. It never runs inside the grader's own interpreter.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path


def grade_one(submission: Path, tests: Path, out: Path, names: Sequence[str]) -> None:
    """Run otter on ``submission``; write ``{name: {score, possible, messages}}`` to ``out``."""
    from otter.execute import grade_notebook

    work = Path.cwd()
    copy = work / "submission.ipynb"
    shutil.copyfile(submission, copy)
    results = grade_notebook(
        str(copy),
        tests_glob=[str(tests / f"{name}.py") for name in names],
        test_dir=str(tests),
        cwd=str(work),
        ignore_errors=True,
    )
    data = {
        name: {
            "score": float(test_file.score),
            "possible": float(test_file.possible),
            "messages": [r.message for r in test_file.test_case_results if not r.passed],
        }
        for name, test_file in results.results.items()
    }
    out.write_text(json.dumps(data), encoding="utf-8")


if __name__ == "__main__":
    submission_arg, tests_arg, out_arg, *exercise_names = sys.argv[1:]
    grade_one(Path(submission_arg), Path(tests_arg), Path(out_arg), exercise_names)

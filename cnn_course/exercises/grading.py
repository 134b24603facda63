"""Grade a folder of submitted notebooks in one command (``make grade SUBMISSIONS=DIR``).

For every ``.ipynb`` in the folder this writes one row per exercise of its notebook to
``DIR/grades.csv``: ``submission,exercise,score,max_score``. Student editions (answered
or not) and instructor editions are graded alike; an instructor edition gets full marks,
which is how an instructor checks the solutions.

How a submission is graded: otter-grader's ``grade_notebook`` runs it from top to bottom
in a fresh kernel, records every ``grader.check`` the notebook makes (with the public
*and* hidden cases) and, at the end, runs the checks the notebook never called. The tests
come from the course, not from the submission, so editing or deleting check cells gains
nothing; a deleted or broken answer cell scores 0 on its exercise only.

Submissions are untrusted code. Each runs in its own process group — never inside this
program's interpreter — with a time limit; one that hangs is killed and one that crashes
scores 0 on what it broke, and neither stops the others being graded. The grading
process only reads back a small JSON file of scores, checked before use. (A submission
still runs with your user's rights: grade in an account or container without secrets.)

The notebooks run in quick mode by default (small training sets; the experiment
exercises' targets are set for it), ``--full`` grades at full size.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

from cnn_course import _checks
from cnn_course.exercises import EXERCISES
from cnn_course.exercises._otter import write_test_files
from cnn_course.exercises.editions import notebook_id

__all__ = ["Outcome", "Row", "grade_folder", "grade_submission", "main"]

COLUMNS = ("submission", "exercise", "score", "max_score")
DEFAULT_TIMEOUT = 900.0


@dataclass(frozen=True)
class Row:
    """One line of grades.csv, and what the checks said (not written to the file)."""

    submission: str
    exercise: str
    score: float
    max_score: float
    messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What grading one submission gave: scores by exercise, and what went wrong if anything."""

    scores: dict[str, float]
    messages: dict[str, list[str]]
    problem: str = ""


def _exercises_of(path: Path) -> tuple[list[str], str]:
    """The exercises a submission is graded on, and why it cannot be run ("" if it can)."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as err:  # not JSON, not a notebook: graded by its name, run never
        number = notebook_id(path)
        problem = f"not a readable notebook ({type(err).__name__})"
    else:
        number = notebook_id(path, nb)
        problem = ""
    return [name for name, ex in EXERCISES.items() if ex.notebook == number], problem


def _read_outcome(path: Path, names: Sequence[str]) -> dict[str, tuple[float, list[str]]]:
    """Scores from the worker's JSON, keeping only known exercises and sane numbers."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for name in names:
        entry = data.get(name) if isinstance(data, dict) else None
        if not isinstance(entry, dict):
            continue
        score = entry.get("score")
        if isinstance(score, bool) or not isinstance(score, int | float) or math.isnan(score):
            continue
        best = EXERCISES[name].points
        messages = [str(m) for m in entry.get("messages", []) if isinstance(m, str)]
        out[name] = (min(max(float(score), 0.0), float(best)), messages)
    return out


def _run(path: Path, names: Sequence[str], tests: Path, timeout: float, quick: bool) -> Outcome:
    """Grade one notebook in its own process group, with a time limit."""
    with tempfile.TemporaryDirectory(prefix="cnn_course_grading_") as work:
        result = Path(work) / "result.json"
        env = dict(os.environ, CNN_COURSE_QUICK="1" if quick else "0", TF_CPP_MIN_LOG_LEVEL="3")
        command = [
            sys.executable,
            "-m",
            "cnn_course.exercises._worker",
            str(path.resolve()),
            str(tests),
            str(result),
            *names,
        ]
        log = Path(work) / "log.txt"
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=work,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the kernel dies with it
            )
            try:
                process.wait(timeout=timeout)
                problem = (
                    "" if process.returncode == 0 else f"grading failed ({process.returncode})"
                )
            except subprocess.TimeoutExpired:
                problem = f"stopped after the time limit of {timeout:g} s"
            finally:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
        try:
            found = _read_outcome(result, names)
        except (OSError, ValueError):
            found = {}
            if not problem:
                problem = "no result"
        if problem and "time limit" not in problem:
            text = log.read_text(encoding="utf-8", errors="replace")
            if "DeadKernelError" in text:
                problem = "the notebook crashed Python (the kernel died)"
            elif not found:
                problem += ": " + " / ".join(text.strip().splitlines()[-2:])
    scores = {name: found[name][0] if name in found else 0.0 for name in names}
    messages = {name: found[name][1] if name in found else [] for name in names}
    return Outcome(scores, messages, problem)


def grade_submission(
    path: str | os.PathLike[str],
    timeout: float = DEFAULT_TIMEOUT,
    quick: bool = True,
    tests: str | os.PathLike[str] | None = None,
) -> Outcome:
    """Grade one submitted notebook: its scores and check messages by exercise.

    ``tests``: a folder of otter test files (public and hidden cases) to use; by default
    they are written for this call.
    """
    path = Path(path)
    timeout = _checks.real(timeout, "the time limit", 0.0, open_low=True)
    names, problem = _exercises_of(path)
    if not names:
        raise ValueError(f"{path.name} is not a course notebook with exercises")
    if problem:
        return Outcome({name: 0.0 for name in names}, {name: [] for name in names}, problem)
    if tests is not None:
        return _run(path, names, Path(tests), timeout, quick)
    with tempfile.TemporaryDirectory(prefix="cnn_course_tests_") as folder:
        write_test_files(folder, EXERCISES.values(), hidden=True)
        return _run(path, names, Path(folder), timeout, quick)


def grade_folder(
    folder: str | os.PathLike[str],
    timeout: float = DEFAULT_TIMEOUT,
    quick: bool = True,
    jobs: int = 1,
    out: str | os.PathLike[str] | None = None,
) -> list[Row]:
    """Grade every ``.ipynb`` in ``folder``; write and return the rows of ``grades.csv``.

    Parameters
    ----------
    folder : path
        The submissions (not searched recursively).
    timeout : float
        Seconds one submission may take, kernel start included.
    quick : bool
        Run the notebooks in quick mode.
    jobs : int
        Submissions graded at the same time.
    out : path, optional
        Where to write the CSV; default ``folder/grades.csv``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"the submissions folder {str(folder)!r} does not exist")
    timeout = _checks.real(timeout, "the time limit", 0.0, open_low=True)
    jobs = _checks.positive_int(jobs, "the number of jobs")
    submissions = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
    plan = []
    for path in submissions:
        names, _ = _exercises_of(path)
        if not names:
            print(f"{path.name}: not a course notebook with exercises (skipped)")
            continue
        plan.append((path, names))
    with tempfile.TemporaryDirectory(prefix="cnn_course_tests_") as tests:
        write_test_files(tests, EXERCISES.values(), hidden=True)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            outcomes = list(
                pool.map(lambda item: grade_submission(item[0], timeout, quick, tests), plan)
            )
    rows = []
    for (path, names), outcome in zip(plan, outcomes, strict=True):
        total = sum(outcome.scores.values())
        best = sum(EXERCISES[name].points for name in names)
        note = f" — {outcome.problem}" if outcome.problem else ""
        print(f"{path.name}: {total:g} / {best:g}{note}")
        for name in names:
            best = float(EXERCISES[name].points)
            said = tuple(outcome.messages[name])
            rows.append(Row(path.name, name, outcome.scores[name], best, said))
    target = Path(out) if out is not None else folder / "grades.csv"
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row.submission, row.exercise, f"{row.score:g}", f"{row.max_score:g}"])
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m cnn_course.exercises.grading DIR [--timeout S] [--jobs N] [--full]``."""
    parser = argparse.ArgumentParser(
        prog="python -m cnn_course.exercises.grading",
        description="Grade every notebook in DIR and write DIR/grades.csv "
        "(submission,exercise,score,max_score).",
    )
    parser.add_argument("folder", nargs="?", help="the folder of submitted .ipynb files")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds each")
    parser.add_argument("--jobs", type=int, default=1, help="submissions graded at once")
    parser.add_argument("--full", action="store_true", help="full mode instead of quick mode")
    args = parser.parse_args(argv)
    if args.folder is None:
        parser.error("give the folder of submissions: make grade SUBMISSIONS=DIR")
    try:
        grade_folder(args.folder, timeout=args.timeout, quick=not args.full, jobs=args.jobs)
    except (TypeError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

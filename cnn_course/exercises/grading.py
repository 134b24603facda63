"""Grade a folder of submissions in one command: ``make grade SUBMISSIONS=DIR NOTEBOOK=NN``.

Every ``.ipynb`` in the folder is graded as notebook ``NN`` — the instructor says which; what
a submission says about itself (its metadata, its file name) does not count. This writes

* ``DIR/grades.csv``: one row per submission and exercise, ``submission,exercise,score,
  max_score,sandbox`` (``sandbox`` says how the run was confined: ``bubblewrap``, or ``none``
  when the instructor passed ``--no-sandbox``);
* ``DIR/gradebook.csv``: one row per student, a column per exercise, the total and the maximum,
  for an LMS's gradebook import (``--student-pattern`` finds the student in a file name);
* ``DIR/feedback/<submission>.html`` (and ``.md``): for the student, each exercise's score and
  what its check said (a hidden case that fails is reported without its inputs).

How a submission is graded. It is hostile code, so it never runs in this process:

1. it runs from top to bottom in its own Python process inside a sandbox
   (:mod:`cnn_course.exercises._sandbox`: no network, a read-only view of the system and the
   course, its scratch folder as the only writable place, limits on memory, time, processes,
   files and output), where it only *produces data* (:mod:`cnn_course.exercises._kernel`);
2. this process runs every check, public and hidden, on a view of the submission's variables
   (:mod:`cnn_course.exercises._remote`): an answer crosses as data in safe formats (JSON,
   ``.npy`` without pickle, ``.keras`` loaded in safe mode), a student's function is run in
   the sandbox on inputs this process chooses — the hidden ones drawn from a seed that is
   secret to each grading run — and its results are compared here with the course's own
   references. Experiment exercises measure the submitted model here (on the test or
   validation images), not by trusting numbers the submission reports.

So replacing the checks, the references or anything else in the submission's own process
changes nothing, and a submission cannot see or touch another one, the grades or this
program's files. A submission that crashes, hangs or floods scores 0 on what it did not get to
answer and does not stop the others being graded.

The notebooks run in quick mode by default (small training sets; the experiment exercises'
targets are set for it), ``--full`` grades at full size.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import nbformat

from cnn_course import _checks, runtime
from cnn_course.exercises._core import Exercise, hidden_seed
from cnn_course.exercises._grader import GRADING_ENV, CheckResult, check_exercise
from cnn_course.exercises._kernel import EXCHANGE
from cnn_course.exercises._registry import notebook_exercises
from cnn_course.exercises._remote import KernelGone, PipeChannel, RemoteEnv
from cnn_course.exercises._sandbox import Limits, Sandboxed, unavailable
from cnn_course.exercises._wire import write_message
from cnn_course.exercises.reports import (
    HIDDEN_FAILED,
    feedback_html,
    feedback_markdown,
    write_gradebook,
)

__all__ = [
    "HIDDEN_FAILED",
    "ExerciseResult",
    "Outcome",
    "Row",
    "grade_folder",
    "grade_submission",
    "main",
]

COLUMNS = ("submission", "exercise", "score", "max_score", "sandbox")
DEFAULT_TIMEOUT = Limits().time
#: The largest submission read, in bytes (a notebook with its outputs is a few MB).
MAX_SUBMISSION = 64 * 2**20
# The checks run in this process, one submission at a time (several sandboxes run at once).
_CHECKS = threading.Lock()


@dataclass(frozen=True)
class ExerciseResult:
    """How one exercise of one submission was graded.

    ``public`` and ``hidden`` are what the checks said (``hidden`` is None for an exercise
    without hidden cases, or when the public check found nothing to grade).
    """

    exercise: Exercise
    score: float
    public: CheckResult | None = None
    hidden: CheckResult | None = None

    @property
    def messages(self) -> tuple[str, ...]:
        """What the failing checks said, for the instructor (hidden inputs included)."""
        said = (self.public, self.hidden)
        return tuple(r.message for r in said if r is not None and not r.passed)


@dataclass(frozen=True)
class Outcome:
    """What grading one submission gave: a result per exercise, and what went wrong if anything."""

    results: dict[str, ExerciseResult]
    problem: str = ""
    sandbox: str = "bubblewrap"

    @property
    def scores(self) -> dict[str, float]:
        return {name: r.score for name, r in self.results.items()}

    @property
    def messages(self) -> dict[str, tuple[str, ...]]:
        return {name: r.messages for name, r in self.results.items()}

    @property
    def total(self) -> float:
        return sum(r.score for r in self.results.values())

    @property
    def max_total(self) -> float:
        return float(sum(r.exercise.points for r in self.results.values()))


@dataclass(frozen=True)
class Row:
    """One line of grades.csv, and what the checks said (not written to the file)."""

    submission: str
    exercise: str
    score: float
    max_score: float
    messages: tuple[str, ...] = ()
    sandbox: str = "bubblewrap"


def _score(exercise: Exercise, public: CheckResult, hidden: CheckResult | None) -> float:
    """Points: all for a passed check, or half for each part of an exercise with hidden cases."""
    if not exercise.has_hidden:
        return float(exercise.points) if public.passed else 0.0
    half = exercise.points / 2
    return (half if public.passed else 0.0) + (half if hidden and hidden.passed else 0.0)


@contextlib.contextmanager
def _mode(quick: bool) -> Iterator[None]:
    """Quick (or full) mode in this process too, while it checks: the targets and the data of
    the experiment exercises depend on it, as in the submission's run."""
    old = os.environ.get(runtime.QUICK_ENV)
    os.environ[runtime.QUICK_ENV] = "1" if quick else "0"
    try:
        yield
    finally:
        if old is None:
            del os.environ[runtime.QUICK_ENV]
        else:
            os.environ[runtime.QUICK_ENV] = old


def _check_all(
    exercises: dict[str, Exercise], env: RemoteEnv, seed: int, quick: bool
) -> tuple[dict, str]:
    """Run every check on ``env`` in this process; stop at a kernel that is gone."""
    results: dict[str, ExerciseResult] = {}
    with _CHECKS, hidden_seed(seed), _mode(quick):
        for name, ex in exercises.items():
            try:
                public = check_exercise(ex, env, hidden=False)
                hidden = None
                if ex.has_hidden and public.status != "not yet":
                    hidden = check_exercise(ex, env, hidden=True)
            except KernelGone as gone:
                for rest in exercises:
                    results.setdefault(rest, ExerciseResult(exercises[rest], 0.0))
                return results, f"the notebook's Python process stopped while graded ({gone})"
            results[name] = ExerciseResult(ex, _score(ex, public, hidden), public, hidden)
    return results, ""


def _read_notebook(path: Path) -> tuple[bytes, str]:
    """The submission's bytes, and why it cannot be graded ("" when it can)."""
    try:
        if path.stat().st_size > MAX_SUBMISSION:
            return b"", f"larger than {MAX_SUBMISSION // 2**20} MB"
        content = path.read_bytes()
        nbformat.reads(content.decode("utf-8"), as_version=4)
    except Exception as err:  # not UTF-8, not JSON, not a notebook: graded as empty
        return b"", f"not a readable notebook ({type(err).__name__})"
    return content, ""


def grade_submission(
    path: str | os.PathLike[str],
    notebook: str,
    timeout: float = DEFAULT_TIMEOUT,
    quick: bool = True,
    sandbox: bool = True,
    limits: Limits | None = None,
    seed: int | None = None,
) -> Outcome:
    """Grade one submitted notebook as notebook ``notebook``: a result per exercise.

    Parameters
    ----------
    path : path
        The submission.
    notebook : str
        Which notebook it is graded as (two digits): the instructor's choice.
    timeout : float
        Seconds it may take, its run and the checks together.
    quick : bool
        Run it in quick mode.
    sandbox : bool
        Run it in the bubblewrap sandbox (``False``: ``--no-sandbox``).
    limits : Limits, optional
        Memory, processes, files and output (``timeout`` sets the time).
    seed : int, optional
        The hidden cases' seed; by default a secret one for this call.
    """
    path = Path(path)
    exercises = notebook_exercises(notebook)
    timeout = _checks.real(timeout, "the time limit", 0.0, open_low=True)
    limits = replace(limits or Limits(), time=timeout)
    seed = secrets.randbits(63) if seed is None else seed
    how = "bubblewrap" if sandbox else "none"
    content, problem = _read_notebook(path)
    if problem:
        empty = {name: ExerciseResult(ex, 0.0) for name, ex in exercises.items()}
        return Outcome(empty, problem, how)
    with tempfile.TemporaryDirectory(prefix="cnn_course_submission_") as work:
        scratch = Path(work)
        (scratch / "submission.ipynb").write_bytes(content)
        (scratch / EXCHANGE).mkdir()
        results, problem = _run(scratch, exercises, limits, quick, sandbox, seed)
        _make_removable(scratch)
    return Outcome(results, problem, how)


def _run(
    scratch: Path, exercises: dict[str, Exercise], limits: Limits, quick: bool, sandbox: bool,
    seed: int,
) -> tuple[dict[str, ExerciseResult], str]:  # fmt: skip
    """Run the submission in ``scratch`` and check it from here."""
    to_kernel, requests = os.pipe()
    answers, from_kernel = os.pipe()
    # -I: none of the grader's PYTHON* variables nor the user's site folder; -u: what it prints
    # counts against the output limit as it is printed; -B: it writes no bytecode
    inner = [
        sys.executable, "-I", "-u", "-B", "-m", "cnn_course.exercises._kernel", "submission.ipynb",
        str(to_kernel), str(from_kernel),
    ]  # fmt: skip
    variables = {runtime.QUICK_ENV: "1" if quick else "0", GRADING_ENV: "1"}
    run = Sandboxed(inner, scratch, limits, sandbox, (to_kernel, from_kernel), variables)
    try:
        run.start()
    finally:
        os.close(to_kernel)
        os.close(from_kernel)
    channel = PipeChannel(requests, answers, run.deadline)
    try:
        try:
            ready = channel.receive()
        except (KernelGone, ValueError):
            ready = {}
        if ready.get("ready") is not True:
            results = {name: ExerciseResult(ex, 0.0) for name, ex in exercises.items()}
            return results, _why_stopped(run)
        env = RemoteEnv(channel, scratch / EXCHANGE)
        results, problem = _check_all(exercises, env, seed, quick)
        if problem:
            problem = _why_stopped(run) or problem
        return results, problem
    finally:
        with contextlib.suppress(Exception):
            write_message(requests, {"op": "bye"})
        for fd in (requests, answers):
            with contextlib.suppress(OSError):
                os.close(fd)
        channel.close()
        run.finish()


def _why_stopped(run: Sandboxed) -> str:
    """One line on why the submission's process ended before it answered."""
    if run.stopped_because:
        return run.stopped_because
    if time.monotonic() >= run.deadline:
        return f"stopped after the time limit of {run.limits.time:g} s"
    try:
        code = run.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        code = None
    tail = run.output_tail.decode("utf-8", errors="replace")
    if "MemoryError" in tail or "Cannot allocate memory" in tail:
        return f"ran out of its memory limit of {run.limits.memory / 2**30:g} GB"
    last = next((line.strip() for line in reversed(tail.splitlines()) if line.strip()), "")
    said = f": {last[:300]}" if last else ""
    if code is None:
        return f"the notebook's Python process did not answer{said}"
    return f"the notebook stopped Python before its end (exit code {code}){said}"


def _make_removable(folder: Path) -> None:
    """Give back write permission on everything the submission left, so it can be removed."""
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            with contextlib.suppress(OSError, NotImplementedError):  # a link: left as it is
                os.chmod(os.path.join(root, name), 0o700, follow_symlinks=False)


# --------------------------------------------------------------------------- a folder


def _safe_stem(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", Path(name).stem)[:120] or "submission"


def grade_folder(
    folder: str | os.PathLike[str],
    notebook: str,
    timeout: float = DEFAULT_TIMEOUT,
    quick: bool = True,
    jobs: int = 1,
    out: str | os.PathLike[str] | None = None,
    sandbox: bool = True,
    limits: Limits | None = None,
    student_pattern: str | None = None,
) -> list[Row]:
    """Grade every ``.ipynb`` in ``folder`` as notebook ``notebook``; write the CSVs and feedback.

    Parameters
    ----------
    folder : path
        The submissions (not searched recursively).
    notebook : str
        The notebook they are graded as, two digits (``"03"``).
    timeout : float
        Seconds one submission may take.
    quick : bool
        Run the notebooks in quick mode.
    jobs : int
        Submissions graded at the same time.
    out : path, optional
        Where to write the CSV; default ``folder/grades.csv``. Feedback goes to the folder
        ``feedback`` beside it.
    sandbox : bool
        ``False`` grades without the sandbox (``--no-sandbox``): recorded in the CSV.
    limits : Limits, optional
        The sandbox's limits (``timeout`` sets the time).
    student_pattern : str, optional
        A regular expression that finds the student in a file name, for ``gradebook.csv``
        (:func:`~cnn_course.exercises.reports.student_id`); default the name without
        ``.ipynb``.
    """
    folder = Path(folder)
    if student_pattern is not None:
        try:
            re.compile(student_pattern)
        except re.error as err:
            raise ValueError(
                f"the student pattern {student_pattern!r} is not valid: {err}"
            ) from None
    if not folder.is_dir():
        raise ValueError(f"the submissions folder {str(folder)!r} does not exist")
    if not isinstance(notebook, str):
        raise TypeError(f'the notebook number must be a string such as "03", got {notebook!r}')
    exercises = notebook_exercises(notebook)
    timeout = _checks.real(timeout, "the time limit", 0.0, open_low=True)
    jobs = _checks.positive_int(jobs, "the number of jobs")
    if sandbox and (why := unavailable()):
        raise SandboxUnavailable(why)
    submissions = sorted(p for p in folder.glob("*.ipynb") if p.is_file() and not p.is_symlink())
    seed = secrets.randbits(63)

    def grade(path: Path) -> Outcome:
        return grade_submission(path, notebook, timeout, quick, sandbox, limits, seed)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        outcomes = list(pool.map(grade, submissions))
    target = Path(out) if out is not None else folder / "grades.csv"
    feedback = target.parent / "feedback"
    feedback.mkdir(exist_ok=True)
    rows = []
    for path, outcome in zip(submissions, outcomes, strict=True):
        note = f" — {outcome.problem}" if outcome.problem else ""
        print(f"{path.name}: {outcome.total:g} / {outcome.max_total:g}{note}")
        for name in exercises:
            result = outcome.results[name]
            rows.append(
                Row(
                    path.name,
                    name,
                    result.score,
                    float(result.exercise.points),
                    result.messages,
                    outcome.sandbox,
                )  # fmt: skip
            )
        stem = _safe_stem(path.name)
        (feedback / f"{stem}.md").write_text(
            feedback_markdown(path.name, notebook, outcome), encoding="utf-8"
        )
        (feedback / f"{stem}.html").write_text(
            feedback_html(path.name, notebook, outcome), encoding="utf-8"
        )
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(
                [row.submission, row.exercise, f"{row.score:g}", f"{row.max_score:g}", row.sandbox]
            )
    graded = [(path.name, outcome) for path, outcome in zip(submissions, outcomes, strict=True)]
    write_gradebook(target.parent / "gradebook.csv", graded, exercises, student_pattern)
    return rows


class SandboxUnavailable(RuntimeError):
    """No sandbox can start here; the message says why and what to do."""

    def __init__(self, why: str) -> None:
        super().__init__(
            f"cannot grade in a sandbox: {why}. Grade on Linux with user namespaces enabled, "
            "or pass --no-sandbox to run the submissions unconfined (grades.csv records it)."
        )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m cnn_course.exercises.grading DIR --notebook NN [--timeout S] [--jobs N] ...``."""
    parser = argparse.ArgumentParser(
        prog="python -m cnn_course.exercises.grading",
        description="Grade every notebook in DIR as notebook NN and write DIR/grades.csv "
        "(submission,exercise,score,max_score,sandbox) and DIR/feedback/.",
    )
    parser.add_argument("folder", nargs="?", help="the folder of submitted .ipynb files")
    parser.add_argument("--notebook", help="the notebook they are graded as, e.g. 03")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds each")
    parser.add_argument("--jobs", type=int, default=1, help="submissions graded at once")
    parser.add_argument("--full", action="store_true", help="full mode instead of quick mode")
    parser.add_argument(
        "--memory", type=float, default=Limits().memory / 2**30, help="GB per process"
    )
    parser.add_argument(
        "--student-pattern",
        help="regular expression finding the student in a file name (its group 'student' "
        "or first group) for gradebook.csv; default: the file name without .ipynb",
    )
    parser.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run submissions without the sandbox (recorded in grades.csv)",
    )
    args = parser.parse_args(argv)
    if args.folder is None:
        parser.error("give the folder of submissions: make grade SUBMISSIONS=DIR NOTEBOOK=NN")
    if args.notebook is None:
        parser.error(
            "say which notebook the submissions are: make grade SUBMISSIONS=DIR NOTEBOOK=03"
        )
    try:
        limits = Limits(
            memory=int(_checks.real(args.memory, "--memory", 0.0, open_low=True) * 2**30)
        )
        grade_folder(
            args.folder, args.notebook, timeout=args.timeout, quick=not args.full,
            jobs=args.jobs, sandbox=not args.no_sandbox, limits=limits,
            student_pattern=args.student_pattern,
        )  # fmt: skip
    except (TypeError, ValueError, SandboxUnavailable) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

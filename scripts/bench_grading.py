"""Benchmark: how many submissions a minute grading gets through, side by side by ``--jobs``.

``python scripts/bench_grading.py 03 07 --copies 40 --jobs 1 2`` grades ``--copies`` copies of
each notebook's instructor edition (answered: every check runs, the experiments' models are
measured) in quick mode, in the bubblewrap sandbox, once per ``--jobs`` value, and prints a
table: wall time, submissions per minute, and the fixed share — what one submission of a
notebook with a single empty code cell costs (sandbox, Python, the kernel, the grader's side),
as a fraction of one real submission's time. The figures measured are in
``docs/benchmarks.md``; run nothing else on the machine meanwhile.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from cnn_course.exercises.grading import grade_folder

ROOT = Path(__file__).resolve().parent.parent


def _folder(notebook: str, copies: int, work: Path) -> Path:
    (source,) = (ROOT / "notebooks").glob(f"{notebook}_*.ipynb")
    folder = work / f"nb{notebook}_{copies}"
    folder.mkdir(parents=True)
    for k in range(copies):
        shutil.copyfile(source, folder / f"student{k:03d}.ipynb")
    return folder


def _empty(notebook: str, copies: int, work: Path) -> Path:
    folder = work / f"empty{notebook}"
    folder.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    for k in range(copies):
        nbformat.write(nb, folder / f"empty{k:03d}.ipynb")
    return folder


def _timed(folder: Path, notebook: str, jobs: int) -> tuple[float, float]:
    started = time.monotonic()
    rows = grade_folder(folder, notebook, jobs=jobs, timeout=1800)
    seconds = time.monotonic() - started
    best = sum(r.max_score for r in rows)
    return seconds, sum(r.score for r in rows) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    figures = []
    with tempfile.TemporaryDirectory(prefix="bench_grading_") as tmp:
        work = Path(tmp)
        for notebook in args.notebooks:
            fixed, _ = _timed(_empty(notebook, 5, work), notebook, 1)
            for jobs in args.jobs:
                folder = _folder(notebook, args.copies, work / f"j{jobs}")
                seconds, marks = _timed(folder, notebook, jobs)
                per = seconds / args.copies * jobs
                figures.append(
                    {
                        "notebook": notebook,
                        "copies": args.copies,
                        "jobs": jobs,
                        "seconds": round(seconds, 1),
                        "per_minute": round(60 * args.copies / seconds, 2),
                        "fixed_s": round(fixed / 5, 2),
                        "fixed_share": round(fixed / 5 / per, 3),
                        "marks": round(marks, 3),
                    }
                )
                print(json.dumps(figures[-1]), flush=True)
    print(f"{'notebook':>8} {'jobs':>4} {'copies':>6} {'wall s':>8} {'subs/min':>9} "
          f"{'fixed s':>8} {'fixed share':>11} {'marks':>6}")  # fmt: skip
    for f in figures:
        print(
            f"{f['notebook']:>8} {f['jobs']:>4} {f['copies']:>6} {f['seconds']:>8} "
            f"{f['per_minute']:>9} {f['fixed_s']:>8} {f['fixed_share']:>11.0%} {f['marks']:>6.0%}"
        )


if __name__ == "__main__":
    main()

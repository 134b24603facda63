"""Which submissions share their answers: a similarity report (``make similarity SUBMISSIONS=DIR``).

Only the answer cells are compared — the code cell above each ``grader.check("exNN_M")`` of
the notebook graded — never the notebook's given code. The comparison is `copydetect
<https://github.com/blingenf/copydetect>`_'s: winnowing over the code's tokens, the algorithm of
MOSS, with names normalised (a copy with renamed variables still matches) and the student
edition's answer cells (its ``...`` skeletons and the course's imports) as boilerplate that
never counts. Short answers — a number, ``my_size = 18`` — hold too few tokens to be
fingerprinted, so independent right answers to a compute exercise are not flagged.

Each exercise's answers are compared with the same exercise's answers (an unanswered cell,
identical to the skeleton, is left out); a pair of submissions scores what its most similar
exercise shares. The report is an HTML page (copydetect's) of the pairs of answers that share
at least the threshold, their matching code side by side; :func:`similarity_report` also
returns every pair of submissions, most similar first. A high score is a reason to look, not a
verdict.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat

from cnn_course.exercises._registry import notebook_exercises
from cnn_course.exercises.editions import student_edition

__all__ = ["Pair", "answer_sources", "main", "similarity_report"]

_CHECK = re.compile(r'^\s*grader\.check\(\s*["\'](ex\d\d_\d+)["\']\s*\)\s*$')


@dataclass(frozen=True)
class Pair:
    """Two submissions and how much of each one's answers the other shares (0 to 1)."""

    first: str
    second: str
    first_shared: float
    second_shared: float

    @property
    def score(self) -> float:
        return max(self.first_shared, self.second_shared)


def answer_sources(nb: nbformat.NotebookNode, names: Sequence[str]) -> dict[str, str]:
    """``{exercise: source}`` of the answer cells: the code cell before ``grader.check(name)``.

    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell("my_size = 18"),
    ...     nbformat.v4.new_markdown_cell("a note"),
    ...     nbformat.v4.new_code_cell('grader.check("ex03_2")')])
    >>> answer_sources(nb, ["ex03_2"])
    {'ex03_2': 'my_size = 18'}
    """
    found: dict[str, str] = {}
    last_code = None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        match = _CHECK.match(cell.source)
        if match and match.group(1) in names and last_code is not None:
            found.setdefault(match.group(1), last_code)
        if not match:
            last_code = cell.source
    return found


def _instructor_edition(notebook: str) -> nbformat.NotebookNode:
    from cnn_course.cli import notebook_source

    (path,) = notebook_source(instructor=True).glob(f"{notebook}_*.ipynb")
    return nbformat.read(path, as_version=4)


def similarity_report(
    folder: str | Path,
    notebook: str,
    out: str | Path | None = None,
    threshold: float = 0.3,
) -> list[Pair]:
    """Compare the answers of every pair of submissions in ``folder`` (graded as ``notebook``).

    Writes ``out`` (default ``folder/similarity.html``) with the pairs that share at least
    ``threshold`` of their answers, and returns every pair, most similar first.
    """
    from copydetect import CopyDetector

    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"the submissions folder {str(folder)!r} does not exist")
    names = list(notebook_exercises(notebook))
    skeleton = student_edition(_instructor_edition(notebook), notebook)
    target = Path(out) if out is not None else folder / "similarity.html"
    given = answer_sources(skeleton, names)
    with tempfile.TemporaryDirectory(prefix="cnn_course_similarity_") as work:
        root = Path(work)
        (root / "given").mkdir()
        for name, source in given.items():
            (root / "given" / f"{name}.py").write_text(source, encoding="utf-8")
        files: dict[str, tuple[str, str]] = {}  # our copy -> (submission, exercise)
        submissions = []
        for path in sorted(folder.glob("*.ipynb")):
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception as err:  # not a notebook: nothing to compare
                print(f"{path.name}: not a readable notebook ({type(err).__name__}), left out")
                continue
            submissions.append(path.name)
            mine = root / f"{len(submissions):04d}"
            mine.mkdir()
            for name, source in answer_sources(nb, names).items():
                if source.strip() == given.get(name, "").strip():
                    continue  # not answered: the skeleton itself
                (mine / f"{name}.py").write_text(source, encoding="utf-8")
                files[str(mine / f"{name}.py")] = (path.name, name)
        detector = CopyDetector(
            extensions=["py"],
            display_t=threshold,
            same_name_only=True,  # an answer is compared with the same exercise's answers
            autoopen=False,
            silent=True,
            out_file=str(target),
        )
        for path in files:
            detector.add_file(path)
        for path in sorted((root / "given").glob("*.py")):
            detector.add_file(str(path), type="boilerplate")
        best: dict[tuple[str, str], tuple[float, float]] = {}
        if len(files) >= 2:
            detector.run()
            index = {path: k for k, path in enumerate(detector.test_files)}
            for a, b in itertools.combinations(files, 2):
                (first, exercise), (second, other) = files[a], files[b]
                if exercise != other or first == second:
                    continue
                shared = detector.similarity_matrix[index[a], index[b]]
                key = (first, second)
                old = best.get(key, (0.0, 0.0))
                best[key] = (max(old[0], float(shared[0])), max(old[1], float(shared[1])))
            # copydetect draws its two plots with pyplot on the *current* figure, closing each:
            # give it two fresh ones, or it draws on whatever figure the program left open (and
            # fails on one with a constrained layout). Through copydetect's own pyplot, so this
            # module imports no matplotlib.
            copydetect_pyplot = sys.modules["copydetect.detector"].plt
            copydetect_pyplot.figure()
            copydetect_pyplot.figure()
            detector.generate_html_report()
            report = target.read_text(encoding="utf-8")
            for path, (submission, exercise) in files.items():  # name what the teacher knows
                report = report.replace(path, f"{submission}: {exercise}")
            target.write_text(report, encoding="utf-8")
    pairs = [
        Pair(a, b, *best.get((a, b), (0.0, 0.0))) for a, b in itertools.combinations(submissions, 2)
    ]
    return sorted(pairs, key=lambda pair: -pair.score)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m cnn_course.exercises.similarity DIR --notebook NN [--threshold 0.3]``."""
    parser = argparse.ArgumentParser(
        prog="python -m cnn_course.exercises.similarity",
        description="Compare the answer cells of every pair of submissions in DIR and write "
        "DIR/similarity.html.",
    )
    parser.add_argument("folder", help="the folder of submitted .ipynb files")
    parser.add_argument("--notebook", required=True, help="the notebook they are, e.g. 03")
    parser.add_argument("--threshold", type=float, default=0.3, help="shared fraction shown")
    args = parser.parse_args(argv)
    try:
        pairs = similarity_report(args.folder, args.notebook, threshold=args.threshold)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for pair in pairs[:10]:
        print(f"{pair.score:5.0%}  {pair.first}  {pair.second}")
    print(f"report: {Path(args.folder) / 'similarity.html'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The student edition of a notebook, made from the instructor's (``make student``).

The notebooks in ``notebooks/`` are the instructor editions: every exercise answered, the
outputs of a full run saved. The student edition of each, in ``notebooks/student/``, is
the same notebook with

* every solution replaced by ``...``, using otter-grader's solution markers (the same
  code ``otter assign`` runs): a line ending in ``# SOLUTION`` keeps what is left of its
  ``=`` (``my_size = 18  # SOLUTION`` becomes ``my_size = ...``), and the lines between
  ``# BEGIN SOLUTION`` and ``# END SOLUTION`` become one ``...``;
* the cells tagged ``solution`` (an explanation of the answer) left out;
* no outputs, and a note under the title saying how the exercises work;
* its "Open in Colab" badge pointing at itself.

With nothing answered, a student edition still runs from top to bottom: the later cells
never use an answer, and every check says "not answered yet".

``python -m cnn_course.exercises.editions`` writes the student editions;
``--check`` only says which are missing or stale (exit status 1), as the tests do.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat
from otter.assign.solutions import replace_solutions

__all__ = [
    "STUDENT_NOTE",
    "notebook_id",
    "strip_solutions",
    "student_edition",
    "sync_student_editions",
]

SOLUTION_TAG = "solution"
STUDENT_FOLDER = "student"
_ID_RE = re.compile(r"^(\d\d)_")
_BADGE_RE = re.compile(
    r"(colab\.research\.google\.com/github/[^)\s]*?/notebooks/)(\d\d_[\w-]+\.ipynb)"
)

STUDENT_NOTE = """\
**Student edition.** Each exercise has a statement, a cell to answer in — its `...` are
yours to replace — and a check under it: `grader.check("ex…")` says ✅ *passed*, ⏳ *not
answered yet*, or ❌ which case is wrong with a hint. A function you write is also tested on
hidden cases when your notebook is graded. Nothing later in the notebook uses your answers,
so you can run it from top to bottom at any time."""


def notebook_id(path: str | Path, nb: nbformat.NotebookNode | None = None) -> str | None:
    """The two digits of a course notebook: from its metadata, else from its file name.

    >>> notebook_id("notebooks/03_padding_and_stride.ipynb")
    '03'
    >>> notebook_id("alice.ipynb") is None
    True
    """
    if nb is not None:
        number = nb.metadata.get("cnn_course", {}).get("notebook")
        if isinstance(number, str) and re.fullmatch(r"\d\d", number):
            return number
    match = _ID_RE.match(Path(path).name)
    return match.group(1) if match else None


def strip_solutions(source: str) -> str:
    r"""A code cell's source with otter's solution markers applied (solutions become ``...``).

    >>> print(strip_solutions("my_size = 18  # SOLUTION"))
    my_size = ...
    >>> print(strip_solutions("def f(x):\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION"))
    def f(x):
        ...
    """
    lines = source.split("\n")
    if not any("SOLUTION" in line for line in lines):
        return source
    return "\n".join(replace_solutions(lines, "python"))


def student_edition(nb: nbformat.NotebookNode, number: str) -> nbformat.NotebookNode:
    """The student edition of the instructor notebook ``nb`` (notebook ``number``).

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("# 03 · Padding"),
    ...     nbformat.v4.new_code_cell("my_size = 18  # SOLUTION", outputs=[]),
    ...     nbformat.v4.new_markdown_cell("Because ...", metadata={"tags": ["solution"]}),
    ...     nbformat.v4.new_code_cell("grader.check('ex03_1')")])
    >>> student = student_edition(nb, "03")
    >>> for cell in student.cells:
    ...     print(cell.source.splitlines()[0][:40])
    # 03 · Padding
    **Student edition.** Each exercise has a
    my_size = ...
    grader.check('ex03_1')
    """
    student = copy.deepcopy(nb)
    cells = []
    for index, cell in enumerate(student.cells):
        if SOLUTION_TAG in cell.metadata.get("tags", []):
            continue
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source)
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown" and index == 0:
            cell.source = _BADGE_RE.sub(rf"\g<1>{STUDENT_FOLDER}/\g<2>", cell.source)
        cells.append(cell)
        if index == 0:
            note = nbformat.v4.new_markdown_cell(STUDENT_NOTE)
            note.id = f"student-note-{number}"
            cells.append(note)
    student.cells = cells
    student.metadata.pop("widgets", None)
    student.metadata["cnn_course"] = {"notebook": number, "edition": "student"}
    return student


def _text(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb, version=4) + "\n"


def sync_student_editions(
    source: str | Path = "notebooks", write: bool = True
) -> list[tuple[Path, str]]:
    """Write (or with ``write=False`` only compare) the student edition of every notebook.

    Returns ``(path, "written" | "stale" | "missing")`` for every student edition that was
    not already up to date.
    """
    folder = Path(source)
    out = folder / STUDENT_FOLDER
    changes = []
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        number = notebook_id(path, nb)
        assert number is not None  # the glob only matches NN_*.ipynb
        text = _text(student_edition(nb, number))
        target = out / path.name
        old = target.read_text(encoding="utf-8") if target.exists() else None
        if old == text:
            continue
        if write:
            out.mkdir(exist_ok=True)
            target.write_text(text, encoding="utf-8")
            changes.append((target, "written"))
        else:
            changes.append((target, "missing" if old is None else "stale"))
    return changes


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m cnn_course.exercises.editions [--check] [NOTEBOOKS]``."""
    parser = argparse.ArgumentParser(
        prog="python -m cnn_course.exercises.editions",
        description="Write the student edition of every course notebook into <NOTEBOOKS>/student/.",
    )
    parser.add_argument("notebooks", nargs="?", default="notebooks", help="default: notebooks")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any edition is stale"
    )
    args = parser.parse_args(argv)
    if not Path(args.notebooks).is_dir():
        print(f"error: no folder {args.notebooks!r}", file=sys.stderr)
        return 2
    changes = sync_student_editions(args.notebooks, write=not args.check)
    for path, what in changes:
        print(f"{what}: {path}")
    if args.check and changes:
        print("run `make student` to bring the student editions up to date", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

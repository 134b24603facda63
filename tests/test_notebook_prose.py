"""Notebook prose speaks to students about convolutional networks (issue 13 §4).

How the course is built, tested or timed belongs in the README and the docs: no notebook's
Markdown, nor a comment in its code, mentions the tests, nbval, the scripts or the machine
the outputs were made on. Each notebook opens with what the student will be able to do and
what it assumes, and ends with its references.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted(
    (Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb")
)

#: Words about the repository's machinery, not about convnets — and about how the course was
#: made (issue 20 §5: where the slides' text came from, what the checks are for, benchmarks).
MACHINERY = re.compile(
    r"nbval|pytest|sync_notebooks|run_notebooks|scripts/|build machine|\bCI\b|package registr"
    r"|\bthe tests\b|test suite|NBVAL_"
    # "the test" of the repository, not the test set, digits, images... of a dataset
    r"|\bthe test\b"
    r"(?!\s+(?:sets?|digits?|images?|accurac|scores?|loss|split|data|examples?|patch|photo|canvas))"
    r"|check what matters|text extracted|extracted from the slides|figures were lost"
    r"|did not survive|reference measurements?|cnn_course\.bench",
    re.IGNORECASE,
)
OPENING = ("**After this notebook you can**", "**It assumes**")
REFERENCES = "## References"


def _prose(cell) -> list[str]:
    """The lines a student reads as text: Markdown, and comments in code."""
    lines = cell.source.splitlines()
    if cell.cell_type == "markdown":
        return lines
    return [line for line in lines if line.lstrip().startswith("#")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_prose_is_about_convnets_not_the_repository(path):
    nb = nbformat.read(path, as_version=4)
    found = [
        f"cell {i}: {line.strip()[:120]}"
        for i, cell in enumerate(nb.cells)
        for line in _prose(cell)
        if MACHINERY.search(line)
    ]
    assert not found, "notebook text about the repository's machinery:\n" + "\n".join(found)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_opens_with_goals_and_prerequisites_and_ends_with_references(path):
    nb = nbformat.read(path, as_version=4)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    missing = [heading for heading in OPENING if heading not in markdown[0]]
    assert not missing, f"the first Markdown cell lacks {missing}"
    assert markdown[-1].lstrip().startswith(REFERENCES), (
        "the last Markdown cell is not the references"
    )


def test_the_prose_check_can_fail():
    cell = nbformat.v4.new_code_cell("# NBVAL_IGNORE_OUTPUT\nx = 1  # the tests need this")
    assert len([line for line in _prose(cell) if MACHINERY.search(line)]) == 1
    assert not MACHINERY.search("Tests of significance are not needed: the CIFAR-10 test set")
    for line in (
        "Two are wrong in the text extracted from the slides, whose figures were lost:",
        "# the asserts check what matters",
        "The slide's screenshot did not survive; `python -m cnn_course.bench` re-runs it.",
    ):
        assert MACHINERY.search(line), line
    assert not MACHINERY.search("Fast feature extraction runs the frozen base once")
    for line in (
        "the test digits are scored once",
        "never on the test set",
        "the test accuracy",
        "never on the test canvases",
    ):
        assert not MACHINERY.search(line), line
    assert MACHINERY.search("the test checks this") and MACHINERY.search("as the tests do")

"""The similarity report flags a copied answer, not independent right ones."""

from __future__ import annotations

import matplotlib.pyplot as plt
import nbformat
from exercise_checks import NOTEBOOKS

from cnn_course.exercises.similarity import similarity_report

STUDENT = NOTEBOOKS / "student" / "03_padding_and_stride.ipynb"
SKELETON = "def my_zero_pad(x, p):\n    ..."

ORIGINAL = """def my_zero_pad(x, p):
    height, width = x.shape[0], x.shape[1]
    shape = (height + 2 * p, width + 2 * p) + x.shape[2:]
    padded = np.zeros(shape, dtype=x.dtype)
    padded[p : p + height, p : p + width] = x
    return padded"""
#: The same code with every name changed: what a student hides a copy behind.
RENAMED = """def my_zero_pad(x, p):
    rows, cols = x.shape[0], x.shape[1]
    size = (rows + 2 * p, cols + 2 * p) + x.shape[2:]
    out = np.zeros(size, dtype=x.dtype)
    out[p : p + rows, p : p + cols] = x
    return out"""
#: Another student's own right answer: loops instead of slices.
INDEPENDENT = """def my_zero_pad(x, p):
    result = np.zeros((x.shape[0] + 2 * p, x.shape[1] + 2 * p, *x.shape[2:]), x.dtype)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            result[i + p, j + p] = x[i, j]
    return result"""


def _submission(folder, name: str, zero_pad: str | None) -> None:
    nb = nbformat.read(STUDENT, as_version=4)
    for cell in nb.cells:
        cell.source = cell.source.replace("my_size = ...", "my_size = 18")
        if zero_pad is not None:
            cell.source = cell.source.replace(SKELETON, zero_pad)
    nbformat.write(nb, folder / name)


def test_a_renamed_copy_ranks_first_and_independent_answers_do_not(tmp_path) -> None:
    assert any(SKELETON in c.source for c in nbformat.read(STUDENT, as_version=4).cells)
    _submission(tmp_path, "alice.ipynb", ORIGINAL)
    _submission(tmp_path, "bob.ipynb", RENAMED)
    _submission(tmp_path, "carol.ipynb", INDEPENDENT)
    _submission(tmp_path, "dave.ipynb", None)  # my_size = 18 and nothing else
    _submission(tmp_path, "erin.ipynb", None)
    (tmp_path / "broken.ipynb").write_text("{not json", encoding="utf-8")
    left_open, _ = plt.subplots(layout="constrained")  # as a notebook or another test leaves one
    open_before = plt.get_fignums()
    try:
        pairs = similarity_report(tmp_path, "03")
        assert plt.get_fignums() == open_before  # nothing left open, nothing closed
        assert left_open.get_layout_engine().__class__.__name__ == "ConstrainedLayoutEngine"
    finally:
        plt.close(left_open)
    assert {pairs[0].first, pairs[0].second} == {"alice.ipynb", "bob.ipynb"}
    assert pairs[0].score > 0.8
    others = {frozenset((p.first, p.second)): p.score for p in pairs[1:]}
    assert others[frozenset(("dave.ipynb", "erin.ipynb"))] == 0  # the same right number only
    assert max(others.values()) < 0.3
    report = (tmp_path / "similarity.html").read_text(encoding="utf-8")
    assert "alice.ipynb: ex03_1" in report and "bob.ipynb: ex03_1" in report
    assert "cnn_course_similarity_" not in report  # named by submission, not by our copies

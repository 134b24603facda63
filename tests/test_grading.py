"""Grading end to end, on small notebooks made from notebook 03's exercises.

An instructor edition, the unanswered student edition, wrong answers, edited checks, a
deleted answer, a crash, a hang and a file that is not a notebook: each graded as a
submission would be, in its own process (see cnn_course/exercises/grading.py).
"""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest
from exercise_checks import exercise_cells

from cnn_course.exercises.editions import student_edition
from cnn_course.exercises.grading import grade_folder, grade_submission

# --------------------------------------------------------------------------- grading


def _small_notebooks(folder: Path) -> None:
    """Notebooks holding only notebook 03's exercises: instructor, student and broken ones."""
    cells = [
        nbformat.v4.new_markdown_cell("# 03 · exercises only"),
        nbformat.v4.new_code_cell(
            'import numpy as np\nfrom cnn_course import exercises\ngrader = exercises.Grader("03")'
        ),
    ]
    for parts in exercise_cells("03").values():
        cells += [parts["statement"], parts["answer"], parts["check"]]
    instructor = nbformat.v4.new_notebook(cells=cells)
    nbformat.write(instructor, folder / "03_instructor.ipynb")
    student = student_edition(instructor, "03")
    nbformat.write(student, folder / "03_student.ipynb")

    def variant(name: str, edit) -> None:
        nb = student_edition(instructor, "03")
        edit(nb)
        nbformat.write(nb, folder / name)

    def wrong_answers(nb) -> None:
        for cell in nb.cells:
            cell.source = (
                cell.source.replace("my_size = ...", "my_size = 3")
                .replace("my_field = ...", "my_field = 7")
                .replace("def my_zero_pad(x, p):\n    ...", "def my_zero_pad(x, p):\n    return x")
                .replace(
                    "def my_output_size(n, f, p, s):\n    ...",
                    "def my_output_size(n, f, p, s):\n    return (n + 2 * p - f) / s + 1",
                )
            )

    def edited_checks(nb) -> None:
        wrong_answers(nb)
        for cell in nb.cells:
            if "grader.check" in cell.source:
                cell.source = 'print("✅ passed")'
        nb.cells.append(
            nbformat.v4.new_code_cell(
                "class G:\n    def check(self, name): return True\ngrader = G()"
            )
        )

    def one_right_one_deleted(nb) -> None:
        for cell in nb.cells:
            cell.source = cell.source.replace("my_size = ...", "my_size = 18")
        nb.cells = [c for c in nb.cells if "my_field" not in c.source]

    variant("03_wrong.ipynb", wrong_answers)
    variant("03_edited_checks.ipynb", edited_checks)
    variant("03_partial.ipynb", one_right_one_deleted)
    crash = nbformat.v4.new_notebook(
        cells=[*cells[:2], nbformat.v4.new_code_cell("import os\nos._exit(3)"), *cells[2:]]
    )
    nbformat.write(crash, folder / "03_crashes.ipynb")
    (folder / "03_not_json.ipynb").write_text("{not json", encoding="utf-8")
    nbformat.write(nbformat.v4.new_notebook(), folder / "holiday_photos.ipynb")


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[Path, dict, dict]:
    folder = tmp_path_factory.mktemp("submissions")
    _small_notebooks(folder)
    rows = grade_folder(folder, timeout=120, jobs=2)
    said = {(r.submission, r.exercise): r.messages for r in rows}
    with (folder / "grades.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    table = {
        (r["submission"], r["exercise"]): (float(r["score"]), float(r["max_score"])) for r in rows
    }
    return folder, table, said


def _total(table, submission: str) -> tuple[float, float]:
    mine = [v for (s, _), v in table.items() if s == submission]
    return sum(v[0] for v in mine), sum(v[1] for v in mine)


def test_grades_csv_has_one_row_per_submission_and_exercise(graded) -> None:
    folder, table, _ = graded
    header = (folder / "grades.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "submission,exercise,score,max_score"
    graded_files = {s for s, _ in table}
    assert "holiday_photos.ipynb" not in graded_files  # not a course notebook: skipped
    assert len(graded_files) == 7
    for submission in graded_files:
        assert sorted(e for s, e in table if s == submission) == [
            "ex03_1",
            "ex03_2",
            "ex03_3",
            "ex03_4",
        ]


def test_instructor_edition_gets_full_marks(graded) -> None:
    _, table, _ = graded
    assert _total(table, "03_instructor.ipynb") == (6.0, 6.0)


@pytest.mark.parametrize(
    "submission",
    [
        "03_student.ipynb",
        "03_wrong.ipynb",
        "03_edited_checks.ipynb",
        "03_crashes.ipynb",
        "03_not_json.ipynb",
    ],
)
def test_unanswered_wrong_edited_hanging_and_broken_submissions_score_nothing(graded, submission):
    _, table, _ = graded
    assert _total(table, submission) == (0.0, 6.0)


def test_a_deleted_answer_loses_only_its_own_exercise(graded) -> None:
    _, table, _ = graded
    assert table[("03_partial.ipynb", "ex03_2")] == (1.0, 1.0)
    assert table[("03_partial.ipynb", "ex03_4")] == (0.0, 1.0)


def test_unanswered_checks_say_not_yet_and_wrong_ones_say_why(graded) -> None:
    _, _, said = graded
    for name in ("ex03_1", "ex03_2", "ex03_3", "ex03_4"):
        unanswered = said[("03_student.ipynb", name)]
        assert unanswered and all("NotAnswered: not answered yet" in m for m in unanswered)
        wrong = said[("03_wrong.ipynb", name)]
        assert wrong and all("WrongAnswer: " in m for m in wrong), wrong
    assert said[("03_instructor.ipynb", "ex03_1")] == ()


def test_a_hanging_submission_is_stopped_at_the_time_limit(tmp_path) -> None:
    _small_notebooks(tmp_path)
    nb = nbformat.read(tmp_path / "03_student.ipynb", as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("while True:\n    pass"))
    nbformat.write(nb, tmp_path / "03_hangs.ipynb")
    outcome = grade_submission(tmp_path / "03_hangs.ipynb", timeout=5)
    assert "time limit of 5 s" in outcome.problem
    assert set(outcome.scores.values()) == {0.0}


def test_a_crash_and_an_unreadable_file_say_what_happened(graded) -> None:
    folder, _, _ = graded
    assert "not a readable notebook" in grade_submission(folder / "03_not_json.ipynb").problem


def test_grading_refuses_a_missing_folder(tmp_path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        grade_folder(tmp_path / "nowhere")
    with pytest.raises(TypeError, match="time limit"):
        grade_folder(tmp_path, timeout=True)

"""Grading's reports without a sandbox: who a submission is, the gradebook, the feedback page."""

from __future__ import annotations

import csv

import pytest

from cnn_course.exercises import EXERCISES, check_exercise, notebook_exercises
from cnn_course.exercises.grading import ExerciseResult, Outcome, _score, grade_folder
from cnn_course.exercises.reports import feedback_markdown, student_id, write_gradebook

#: A Canvas download: login, user id, submission id, the file name the student chose.
CANVAS = r"^(?P<student>[a-z]+)_\d+_\d+_"


def _outcome(answers: dict) -> Outcome:
    results = {}
    for name, ex in notebook_exercises("03").items():
        public = check_exercise(ex, answers, hidden=False)
        hidden = check_exercise(ex, answers, hidden=True) if ex.has_hidden else None
        results[name] = ExerciseResult(ex, _score(ex, public, hidden), public, hidden)
    return Outcome(results)


def test_the_student_comes_from_the_file_name_and_the_instructors_pattern() -> None:
    assert student_id("alice.ipynb") == "alice"
    assert student_id("smithjane_1234_5678_03_padding.ipynb", CANVAS) == "smithjane"
    assert student_id("03 notebook (1).ipynb", CANVAS) == "03 notebook (1)"  # no match: its stem


def test_gradebook_rows_columns_and_a_student_twice(tmp_path, capsys) -> None:
    right = _outcome({"my_size": 18, "my_field": 13})
    nothing = _outcome({})
    graded = [
        ("smithjane_1_2_03.ipynb", right),
        ("doejohn_3_4_03.ipynb", nothing),
        ("smithjane_1_9_03-1.ipynb", nothing),
    ]
    rows = write_gradebook(tmp_path / "gradebook.csv", graded, notebook_exercises("03"), CANVAS)
    assert "smithjane_1_2_03.ipynb and smithjane_1_9_03-1.ipynb are both" in capsys.readouterr().out
    with (tmp_path / "gradebook.csv").open(encoding="utf-8") as fh:
        assert list(csv.DictReader(fh)) == rows
    assert [r["student"] for r in rows] == ["smithjane", "doejohn", "smithjane"]
    assert rows[0] == {
        "student": "smithjane", "ex03_1": "0", "ex03_2": "1", "ex03_3": "0", "ex03_4": "1",
        "total": "2", "max_score": "6",
    }  # fmt: skip


def test_feedback_says_not_answered_and_gives_no_hint_for_it() -> None:
    text = feedback_markdown("bob.ipynb", "03", _outcome({"my_size": ...}))
    assert "**0 / 6** points" in text and "not answered yet" in text
    assert f"Hint: {EXERCISES['ex03_2'].hint}" not in text


def test_a_wrong_student_pattern_is_refused(tmp_path) -> None:
    with pytest.raises(ValueError, match="student pattern"):
        grade_folder(tmp_path, "03", student_pattern="(unclosed")

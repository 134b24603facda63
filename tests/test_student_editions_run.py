"""Every committed student edition runs from top to bottom with nothing answered.

Graded as handed out: no crash, no time-out, every check "not answered yet", 0 points.
The slowest test of the suite (it runs every notebook once more), so it has a file of its
own and pytest-xdist can run it beside the rest.
"""

from __future__ import annotations

from exercise_checks import NOTEBOOKS

from cnn_course.exercises import EXERCISES
from cnn_course.exercises.editions import notebook_id
from cnn_course.exercises.grading import grade_folder

NUMBERS = sorted({ex.notebook for ex in EXERCISES.values()})


def test_every_student_edition_runs_with_nothing_answered_and_scores_zero(tmp_path) -> None:
    """Each committed student edition, graded as handed out: it runs from top to bottom
    (no crash, no time-out), and every check says "not answered yet"."""
    for path in sorted((NOTEBOOKS / "student").glob("[0-9][0-9]_*.ipynb")):
        if notebook_id(path) in NUMBERS:
            (tmp_path / path.name).write_bytes(path.read_bytes())
    rows = grade_folder(tmp_path, timeout=900, jobs=2)
    assert {r.submission for r in rows} == {
        p.name for p in (NOTEBOOKS / "student").glob("*.ipynb") if notebook_id(p) in NUMBERS
    }
    assert len(rows) == len(EXERCISES)
    for row in rows:
        assert row.score == 0, row
        assert row.messages, f"{row.submission} {row.exercise}: no check ran (did it crash?)"
        assert all("NotAnswered: not answered yet" in m for m in row.messages), row

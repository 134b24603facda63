"""Every committed student edition runs from top to bottom with nothing answered.

Graded as handed out, each as its own notebook: no crash, no time-out, every check "not
answered yet", 0 points. The slowest test of the suite (it runs every notebook once more),
so it has a file of its own and pytest-xdist can run it beside the rest.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from exercise_checks import NOTEBOOKS

from cnn_course.exercises import EXERCISES
from cnn_course.exercises.editions import notebook_id
from cnn_course.exercises.grading import grade_submission

NUMBERS = sorted({ex.notebook for ex in EXERCISES.values()})


def test_every_student_edition_runs_with_nothing_answered_and_scores_zero() -> None:
    """Each committed student edition, graded as handed out: it runs from top to bottom
    (no crash, no time-out), and every check says "not answered yet"."""
    editions = sorted((NOTEBOOKS / "student").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(notebook_id(p) for p in editions) == NUMBERS
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(
            pool.map(lambda p: grade_submission(p, notebook_id(p), timeout=900), editions)
        )
    graded = set()
    for path, outcome in zip(editions, outcomes, strict=True):
        assert outcome.problem == "", (path.name, outcome.problem)
        assert outcome.total == 0, path.name
        for name, result in outcome.results.items():
            graded.add(name)
            assert result.public is not None, f"{path.name} {name}: no check ran"
            assert result.public.status == "not yet", (path.name, result.public)
            assert result.hidden is None  # nothing to hide-check when nothing is answered
    assert graded == set(EXERCISES)

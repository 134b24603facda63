"""The exercises as a whole: where they sit in the notebooks, the editions, the display, grading.

The checks of each notebook's exercises are tested in tests/test_exercises_nbNN.py; this
file tests what holds for all of them, and grading end to end on small notebooks made
from notebook 03's exercises (a hang, a crash, edited checks, wrong answers, ...).
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import nbformat
import pytest
from exercise_checks import NOTEBOOKS, ROOT, exercise_cells, notebook_path

from cnn_course.exercises import EXERCISES, CheckResult, Grader, run_check
from cnn_course.exercises._core import KINDS
from cnn_course.exercises.editions import (
    STUDENT_NOTE,
    notebook_id,
    strip_solutions,
    student_edition,
    sync_student_editions,
)
from cnn_course.exercises.grading import grade_folder, grade_submission

NUMBERS = sorted({ex.notebook for ex in EXERCISES.values()})


# --------------------------------------------------------------------------- the registry


def test_exercise_names_kinds_and_points() -> None:
    for name, ex in EXERCISES.items():
        assert re.fullmatch(r"ex\d\d_\d+", name), name
        assert ex.kind in KINDS
        assert ex.points >= 1 and ex.title and ex.slide.startswith("deck") and ex.hint
        assert ex.answers and all(a.startswith("my_") for a in ex.answers), name
    numbers = {}
    for ex in EXERCISES.values():
        numbers.setdefault(ex.notebook, []).append(int(ex.name.split("_")[1]))
    for notebook, got in numbers.items():
        assert got == list(range(1, len(got) + 1)), f"notebook {notebook}: exercises {got}"


def test_every_notebook_with_exercises_has_its_check_tests() -> None:
    for number in NUMBERS:
        assert (ROOT / "tests" / f"test_exercises_nb{number}.py").is_file(), number


def test_run_check_refuses_an_unknown_exercise() -> None:
    with pytest.raises(ValueError, match="there is no exercise 'ex99_9'"):
        run_check("ex99_9", {})


# --------------------------------------------------------------------------- in the notebooks


@pytest.mark.parametrize("number", NUMBERS)
def test_exercises_sit_in_their_notebook_in_order(number: str) -> None:
    cells = exercise_cells(number)
    mine = [name for name, ex in EXERCISES.items() if ex.notebook == number]
    assert list(cells) == sorted(mine, key=lambda n: int(n.split("_")[1])), (
        "the notebook's checks must appear once each, in the order of their numbers"
    )
    for name, parts in cells.items():
        ex = EXERCISES[name]
        statement = parts["statement"].source
        assert statement.startswith(f"### {ex.label} · {ex.kind}: {ex.title}\n"), statement[:80]
        assert f"*Slides: {ex.slide}.*" in statement
        answer = parts["answer"].source
        assert "SOLUTION" in answer, f"{name}: the answer cell has no solution markers"
        assert parts["check"].source.strip() == f'grader.check("{name}")'


def _bound_names(source: str) -> set[str]:
    """Names a cell binds at its top level or anywhere (assignments, defs, imports)."""
    tree = ast.parse(source)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _code(source: str) -> str:
    """A cell's source without IPython magics, so that ast can read it."""
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))


@pytest.mark.parametrize("number", NUMBERS)
def test_answers_are_bound_only_by_their_answer_cell(number: str) -> None:
    """What is graded is the student's: no other cell may (re)bind an answer's name."""
    nb = nbformat.read(notebook_path(number), as_version=4)
    cells = exercise_cells(number)
    for name, parts in cells.items():
        ex = EXERCISES[name]
        answer = parts["answer"]
        assert set(ex.answers) <= _bound_names(_code(answer.source)), name
        for cell in nb.cells:
            if cell.cell_type != "code" or cell.get("id") == answer.get("id"):
                continue
            clash = set(ex.answers) & _bound_names(_code(cell.source))
            assert not clash, f"{name}: another cell binds {clash}"


@pytest.mark.parametrize("number", NUMBERS)
def test_the_set_up_cell_makes_the_grader(number: str) -> None:
    nb = nbformat.read(notebook_path(number), as_version=4)
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert f'grader = exercises.Grader("{number}")' in setup.source


# --------------------------------------------------------------------------- the editions


def test_student_editions_are_up_to_date() -> None:
    stale = sync_student_editions(NOTEBOOKS, write=False)
    assert not stale, f"run `make student`: {stale}"


@pytest.mark.parametrize("number", NUMBERS)
def test_student_edition_has_no_solution_and_no_output(number: str) -> None:
    path = notebook_path(number)
    student = nbformat.read(NOTEBOOKS / "student" / path.name, as_version=4)
    text = nbformat.writes(student)
    assert "SOLUTION" not in text and "**Solution.**" not in text
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")
    assert student.cells[1].source == STUDENT_NOTE
    assert f"notebooks/student/{path.name}" in student.cells[0].source  # its own Colab badge
    assert notebook_id("renamed.ipynb", student) == number
    for name, parts in exercise_cells(number).items():
        assert strip_solutions(parts["answer"].source) in text, name


def test_student_edition_keeps_what_is_not_a_solution() -> None:
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# 42 · x"),
            nbformat.v4.new_code_cell("x = 1\ny = 2  # SOLUTION\nz = 3"),
        ]
    )
    student = student_edition(nb, "42")
    assert student.cells[2].source == "x = 1\ny = ...\nz = 3"
    assert nb.cells[1].source == "x = 1\ny = 2  # SOLUTION\nz = 3"  # the original is untouched


# --------------------------------------------------------------------------- what a check shows


def test_check_result_says_passed_not_yet_or_which_case_is_wrong() -> None:
    grader = Grader("03")
    assert "ex03_2" in repr(grader)
    not_yet = grader.check("ex03_2", {"my_size": ...})
    assert not_yet.status == "not yet" and not not_yet
    assert repr(not_yet).startswith("⏳ Exercise 3.2 (ex03_2): not answered yet")
    wrong = grader.check("ex03_2", {"my_size": 3})
    assert wrong.status == "wrong"
    assert repr(wrong).splitlines() == [
        "❌ Exercise 3.2 (ex03_2): 3 is not the output size.",
        f"   Hint: {EXERCISES['ex03_2'].hint}",
    ]
    assert "Traceback" not in repr(wrong) and "#c62828" in wrong._repr_html_()
    right = grader.check("ex03_2", {"my_size": 18})
    assert right and repr(right) == "✅ Exercise 3.2 (ex03_2): passed"
    assert right._repr_html_() == grader.check("ex03_2", {"my_size": 18})._repr_html_()


def test_grader_refuses_another_notebooks_exercise() -> None:
    with pytest.raises(ValueError, match="notebook 03 has no exercise 'ex05_1'"):
        Grader("03").check("ex05_1", {})


def test_check_result_from_an_unexpected_error_in_a_check() -> None:
    class Case:
        passed = False
        message = (
            "❌ Test case failed\nError at line 9 in test ex03_2:\n  run_check(...)\nKeyError: 'x'"
        )

    class File:
        test_case_results = [Case()]

    result = CheckResult.from_otter(EXERCISES["ex03_2"], File())
    assert result.status == "wrong" and result.message == "'x'"


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

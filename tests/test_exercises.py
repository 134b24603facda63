"""The exercises as a whole: where they sit in the notebooks, the editions, the display.

The checks of each notebook's exercises are tested in tests/test_exercises_nbNN.py,
grading in tests/test_grading.py and tests/test_student_editions_run.py; this file tests
what holds for all of them.
"""

from __future__ import annotations

import ast
import re

import nbformat
import pytest
from exercise_checks import NOTEBOOKS, ROOT, exercise_cells, notebook_path

from cnn_course.exercises import EXERCISES, CheckResult, Grader, notebook_exercises
from cnn_course.exercises._core import KINDS
from cnn_course.exercises._grader import GRADING_ENV, check_exercise
from cnn_course.exercises.editions import (
    STUDENT_NOTE,
    notebook_id,
    strip_solutions,
    student_edition,
    sync_student_editions,
)

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


def test_the_registry_refuses_a_notebook_without_exercises() -> None:
    with pytest.raises(ValueError, match="no exercises for notebook '99'"):
        notebook_exercises("99")


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
def test_the_saved_checks_of_the_instructor_edition_passed(number: str) -> None:
    """The instructor edition is saved after a run in which every solution passed its check.

    (nbval then re-runs the notebook and compares each check's output with this one.)
    """
    for name, parts in exercise_cells(number).items():
        outputs = parts["check"].get("outputs", [])
        text = "".join(o.get("data", {}).get("text/plain", "") for o in outputs)
        assert text == repr(CheckResult(EXERCISES[name], "passed")), (name, text)
        assert text.startswith(f"✅ {EXERCISES[name].label} ({name}): ")


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
    sources = [cell.source for cell in student.cells]
    for name, parts in exercise_cells(number).items():
        assert strip_solutions(parts["answer"].source) in sources, name


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


def test_a_check_that_fails_unexpectedly_says_so_as_a_wrong_answer() -> None:
    class Broken(dict):
        def __contains__(self, name):
            raise KeyError("x")

    result = check_exercise(EXERCISES["ex03_2"], Broken(), hidden=False)
    assert result.status == "wrong"
    assert result.message == "the check could not run on your answer (KeyError: 'x')"


def test_a_passed_public_check_says_the_hidden_cases_come_when_graded() -> None:
    shown = repr(CheckResult(EXERCISES["ex03_1"], "passed"))
    assert "the public cases passed" in shown and "hidden cases are run when" in shown
    assert repr(CheckResult(EXERCISES["ex03_1"], "passed", hidden=True)).endswith(": passed")
    assert repr(CheckResult(EXERCISES["ex03_2"], "passed")).endswith(": passed")  # no hidden


def test_while_graded_a_notebooks_own_checks_run_nothing(monkeypatch) -> None:
    monkeypatch.setenv(GRADING_ENV, "1")
    result = Grader("03").check("ex03_2", {"my_size": 3})
    assert result.status == "graded later" and "checked by the grader" in repr(result)


def test_a_students_check_reads_answers_as_the_grader_does() -> None:
    """An answer that cannot be graded (an object of the student's own class) is said so in
    the notebook already, in the grader's words."""

    class Size(int):
        pass

    class Mine:
        pass

    assert Grader("03").check("ex03_2", {"my_size": Size(18)}).passed  # its plain value
    said = Grader("03").check("ex03_2", {"my_size": Mine()})
    assert said.status == "wrong" and "`my_size` is a Mine, which cannot be graded" in said.message

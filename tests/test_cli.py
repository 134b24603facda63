"""The ``cnn-course`` command: notebooks, lab, info, and one clear line for every mistake."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from cnn_course import cli, data

ROOT = Path(__file__).resolve().parent.parent
STUDENT = sorted((ROOT / "notebooks" / "student").glob("[0-9][0-9]_*.ipynb"))
INSTRUCTOR = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m cnn_course ARGS`` in a fresh process, as a user would run it."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "cnn_course", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _has_outputs(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    return any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_notebooks_copies_the_student_edition_by_default(tmp_path):
    assert STUDENT, "notebooks/student is missing: python -m cnn_course.exercises.editions"
    assert cli.main(["notebooks", str(tmp_path / "work")]) == 0
    copied = sorted((tmp_path / "work").glob("*.ipynb"))
    assert [p.name for p in copied] == [p.name for p in STUDENT]
    for mine, theirs in zip(copied, STUDENT, strict=True):
        assert mine.read_bytes() == theirs.read_bytes()
    assert not any(_has_outputs(p) for p in copied), "the student edition has no outputs"
    record = json.loads((tmp_path / "work" / cli.RECORD).read_text())
    assert record == {p.name: data.sha256sum(p) for p in STUDENT}


def test_notebooks_instructor_edition_has_the_saved_outputs(tmp_path):
    assert cli.main(["notebooks", str(tmp_path), "--instructor"]) == 0
    copied = sorted(tmp_path.glob("*.ipynb"))
    assert [p.name for p in copied] == [p.name for p in INSTRUCTOR]
    for mine, theirs in zip(copied, INSTRUCTOR, strict=True):
        assert mine.read_bytes() == theirs.read_bytes()
    assert sum(map(_has_outputs, copied)) >= len(copied) - 1, "the saved outputs come along"


def test_notebooks_never_overwrites_an_edited_notebook_without_force(tmp_path, capsys):
    """Run again (at every login on a JupyterHub), it brings the rest and keeps the edited."""
    assert cli.main(["notebooks", str(tmp_path)]) == 0
    edited = tmp_path / STUDENT[1].name
    untouched = tmp_path / STUDENT[2].name
    edited.write_text(edited.read_text() + " ")
    untouched.unlink()
    capsys.readouterr()
    assert cli.main(["notebooks", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and STUDENT[1].name in err and "--force" in err
    assert untouched.read_bytes() == STUDENT[2].read_bytes(), "the others are still copied"
    assert edited.read_bytes() != STUDENT[1].read_bytes(), "the edited one is left alone"
    untouched.write_bytes(b"an old edition")  # not the recorded copy: the student's now
    # the instructor edition differs from the student's copy too: refused the same way
    assert cli.main(["notebooks", str(tmp_path), "--instructor"]) == 1
    assert cli.main(["notebooks", str(tmp_path), "--force"]) == 0
    assert edited.read_bytes() == STUDENT[1].read_bytes()
    assert untouched.read_bytes() == STUDENT[2].read_bytes()


def test_bad_input_gets_one_line_and_a_non_zero_exit(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder")
    for args in (
        ["notebooks", str(a_file)],
        ["notebooks", str(a_file / "below")],
        ["lab", str(a_file)],
        ["frobnicate"],
        [],
    ):
        result = _run(*args, cwd=tmp_path)
        assert result.returncode != 0, args
        assert "Traceback" not in result.stderr, args
        assert result.stderr.count("\n") == 1 and "cnn-course: error:" in result.stderr, (
            args,
            result.stderr,
        )
    assert a_file.read_text() == "not a folder"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_folder_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = _run("notebooks", str(locked), cwd=tmp_path)
    assert result.returncode == 1 and "cannot write" in result.stderr


def test_lab_runs_jupyterlab_in_the_folder(tmp_path, monkeypatch):
    ran = []
    monkeypatch.setattr(
        cli.subprocess, "run", lambda cmd: ran.append(cmd) or subprocess.CompletedProcess(cmd, 0)
    )
    assert cli.main(["lab", str(tmp_path / "lab")]) == 0
    (command,) = ran
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--notebook-dir={tmp_path / 'lab'}" in command
    assert ("--allow-root" in command) == (os.geteuid() == 0)
    # an empty folder gets the student edition first
    assert sorted(p.name for p in (tmp_path / "lab").glob("*.ipynb")) == [p.name for p in STUDENT]


def test_lab_dry_run_prints_the_command_and_starts_nothing(tmp_path):
    result = _run("lab", "here", "--dry-run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "-m jupyterlab --notebook-dir=here" in result.stdout
    assert not (tmp_path / "here").exists()


def test_info_reports_versions_device_and_every_checksum(tmp_path):
    result = _run("info", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for key in ("tensorflow", "keras", "device"):
        assert f"\n{key}" in "\n" + result.stdout
    for name in data.CHECKSUMS:
        assert f"{name}" in result.stdout
    assert result.stdout.count("ok (sha256 matches)") == len(data.CHECKSUMS)


def test_info_fails_when_a_bundled_file_is_corrupted(tmp_path, monkeypatch, capsys):
    for name in data.CHECKSUMS:
        (tmp_path / name).symlink_to(data.data_dir() / name)
    (tmp_path / "mnist.npz").unlink()
    (tmp_path / "mnist.npz").write_bytes(b"truncated")
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path))
    assert cli.main(["info"]) == 1
    out = capsys.readouterr().out
    assert out.count("ok (sha256 matches)") == len(data.CHECKSUMS) - 1
    assert "mnist.npz" in out and "corrupted" in out

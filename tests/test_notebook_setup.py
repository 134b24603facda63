"""Every notebook has the right Colab badge and a set-up cell that works on Colab and locally."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest
import sync_notebooks as sync  # scripts/ is on pytest's pythonpath (pyproject.toml)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
URL = sync.repository_url()


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_badge_and_setup_cell_agree_with_the_repository_url(path):
    assert sync.problems(path, URL) == []


def test_a_wrong_badge_is_reported(tmp_path):
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    other = tmp_path / NOTEBOOKS[0].name
    nb.cells[0].source = nb.cells[0].source.replace(
        "colab.research.google.com/github/", "example.org/"
    )
    nbformat.write(nb, other)
    assert any("badge" in p for p in sync.problems(other, URL))
    assert sync.rewrite(other, URL) is True
    assert sync.problems(other, URL) == []


def _run_setup_cell(monkeypatch, tmp_path, colab: bool) -> list[list[str]]:
    """Execute the set-up cell's code with subprocess.run and runtime.report recorded."""
    calls: list[list[str]] = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append(list(cmd)))
    import cnn_course.runtime

    monkeypatch.setattr(cnn_course.runtime, "report", lambda: calls.append(["report"]))
    if colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    exec(compile(sync.setup_cell_source(URL), "setup-cell", "exec"), {})
    return calls


def test_setup_cell_does_nothing_but_report_locally(monkeypatch, tmp_path):
    assert _run_setup_cell(monkeypatch, tmp_path, colab=False) == [["report"]]


def test_setup_cell_clones_and_installs_on_colab(monkeypatch, tmp_path):
    calls = _run_setup_cell(monkeypatch, tmp_path, colab=True)
    assert calls[0] == ["git", "clone", "--depth", "1", URL, "cnn-course"]
    assert calls[1][1:] == ["-m", "pip", "install", "-q", "-e", "cnn-course"]
    assert calls[2] == ["report"]
    assert str(tmp_path / "cnn-course") in sys.path


def test_setup_cell_on_colab_does_not_clone_twice(monkeypatch, tmp_path):
    (tmp_path / "cnn-course").mkdir()
    assert _run_setup_cell(monkeypatch, tmp_path, colab=True) == [["report"]]


def test_every_notebook_has_a_measured_run_time_in_full_and_quick_mode():
    times = sync.load_run_times()
    assert set(times["notebooks"]) == {p.stem for p in NOTEBOOKS}
    for stem, entry in times["notebooks"].items():
        assert 0 < entry["quick_s"] and 0 < entry["full_s"], stem
    # the notebooks' GPU notes say their times are CPU times
    assert "no GPU" in times["machine"]


def test_a_stale_run_time_is_reported_and_rewritten(tmp_path):
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    other = tmp_path / NOTEBOOKS[0].name
    stale = "**Run time:** about 3 s on a CPU."
    nb.cells[0].source = sync.RUN_TIME_RE.sub(stale, nb.cells[0].source)
    nbformat.write(nb, other)
    assert any("Run time" in p for p in sync.problems(other, URL))
    assert sync.rewrite(other, URL) is True
    assert sync.problems(other, URL) == []
    entry = {"full_s": 600.0, "quick_s": 61.0}
    machine = "2-core x86_64 CPU, no GPU, Python 3.11.7"
    times = {"measured": "2000-01-01", "machine": machine, "notebooks": {other.stem: entry}}
    assert sync.rewrite(other, URL, times) is True
    intro = nbformat.read(other, as_version=4).cells[0].source
    line = (
        "**Run time:** about 10 min on a CPU with 2 cores; 1 min in quick mode"
        " (measured 2000-01-01)."
    )
    assert line in intro.splitlines()

"""The notebooks' set-up cell on Colab, as far as it can be tested without Colab.

The cell is run in a fresh process of a fresh environment (see ``throwaway_env``) with
``google.colab`` faked and ``REPO_URL`` pointing at a local git repository of the working tree
(``file://``): it must clone it, install it (pip, offline, without dependencies: they come
from this environment) and then import the course and find its bundled data.
"""

from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path

import nbformat
import pytest
import sync_notebooks  # scripts/ is on pytest's pythonpath (pyproject.toml)
from throwaway_env import ROOT, git_repository, offline_env, venv_reusing_packages

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
URL = sync_notebooks.repository_url()


def _setup_cell(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return next(c.source for c in nb.cells if c.cell_type == "code")


def test_every_notebook_has_the_same_setup_cell_apart_from_its_grader():
    for path in NOTEBOOKS:
        assert _setup_cell(path) == sync_notebooks.setup_cell_source(URL, path.name), path.name
    bare = {
        sync_notebooks.setup_cell_source(URL, p.name).split("\n\nfrom cnn_course import ex")[0]
        for p in NOTEBOOKS
    }
    assert len(bare) == 1


def test_the_repository_url_is_written_in_pyproject_only():
    """Everywhere else it is generated from pyproject.toml (badges, set-up cells, README map)."""
    generated = {"README.md"}  # the course map, written by scripts/course_site.py readme
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    hard_coded = []
    for name in tracked:
        path = ROOT / name
        if name == "pyproject.toml" or name in generated or path.suffix == ".ipynb":
            continue
        if path.suffix in {".py", ".md", ".yml", ".yaml", ".toml", ".cfg", ".txt", ""} and (
            path.is_file() and URL in path.read_text(encoding="utf-8", errors="ignore")
        ):
            hard_coded.append(name)
    assert hard_coded == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    outside_map = re.sub(r"<!-- course-map:start.*?<!-- course-map:end -->", "", readme, flags=re.S)
    assert URL not in outside_map, "README.md: write the repository URL through the map only"


DRIVER = textwrap.dedent(
    """
    import sys
    import types
    from pathlib import Path

    sys.modules["google.colab"] = types.ModuleType("google.colab")  # what Colab has loaded
    cell = {"__name__": "__main__"}
    exec(compile(Path(sys.argv[1]).read_text(), "set-up cell", "exec"), cell)

    import cnn_course
    from cnn_course import data

    clone = Path("cnn-course").resolve()
    assert Path(cnn_course.__file__).resolve().is_relative_to(clone), cnn_course.__file__
    assert data.data_dir() == clone / "data", data.data_dir()
    (x, y), (x_test, y_test) = data.load_mnist()
    assert x.shape == (60000, 28, 28)
    assert type(cell["grader"]).__name__ == "Grader"  # notebooks with exercises make one
    print("colab set-up works")
    """
)


@pytest.mark.parametrize("notebook", [NOTEBOOKS[3].name])  # the cell is the same in all
def test_setup_cell_clones_installs_and_finds_the_data(notebook, tmp_path):
    repository = git_repository(tmp_path / "repository")
    python = venv_reusing_packages(tmp_path / "venv")
    cell = tmp_path / "cell.py"
    cell.write_text(sync_notebooks.setup_cell_source(repository.as_uri(), notebook))
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    content = tmp_path / "content"  # Colab's working folder
    content.mkdir()
    # offline, the dependencies are this environment's, the build backend too
    env = offline_env(PIP_NO_DEPS="1", PIP_NO_BUILD_ISOLATION="0", KERAS_HOME=str(tmp_path))
    result = subprocess.run(
        [python, str(driver), str(cell)],
        cwd=content,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "colab set-up works" in result.stdout
    assert "colab      : yes" in result.stdout  # runtime.report() saw the fake Colab
    assert (content / "cnn-course" / ".git").is_dir()

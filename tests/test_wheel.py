"""A regular install works offline: the wheel carries the data and the notebooks.

The wheel is built from a copy of the working tree (nothing is written into the repository),
installed with ``pip --no-deps --no-index`` into a fresh environment in a temporary folder
(reusing this environment's TensorFlow and the rest, see ``throwaway_env``), and used from a
folder outside the repository with every download made impossible.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from setuptools import find_packages
from throwaway_env import ROOT, copy_working_tree, offline_env, venv_reusing_packages

from cnn_course import data

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

PYPI_LIMIT = 100 * 2**20  # PyPI's default limit for one file: 100 MiB
NO_NETWORK = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = copy_working_tree(tmp_path_factory.mktemp("source"))
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(out), str(source)],
        env=offline_env(),
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("cnn_course-*.whl")
    return built


def test_pyproject_lists_every_subpackage():
    with (ROOT / "pyproject.toml").open("rb") as fh:
        listed = set(tomllib.load(fh)["tool"]["setuptools"]["packages"])
    found = set(find_packages(str(ROOT), include=["cnn_course*"]))
    assert found <= listed, f"add {sorted(found - listed)} to [tool.setuptools] packages"
    mapped = {"cnn_course._data", "cnn_course._notebooks", "cnn_course._notebooks.student"}
    assert listed - found == mapped


def test_wheel_carries_data_and_notebooks_and_stays_under_pypis_limit(wheel):
    assert wheel.stat().st_size < PYPI_LIMIT, f"{wheel.stat().st_size / 2**20:.1f} MiB"
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in data.CHECKSUMS:
        assert f"cnn_course/_data/{name}" in names
    for nb in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"):
        assert f"cnn_course/_notebooks/{nb.name}" in names
    for nb in (ROOT / "notebooks" / "student").glob("[0-9][0-9]_*.ipynb"):
        assert f"cnn_course/_notebooks/student/{nb.name}" in names
    assert not [n for n in names if n.startswith(("tests/", "scripts/", "data/", "notebooks/"))]
    assert "cnn_course/cli.py" in names


CHECK = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import cnn_course
    import skimage.data
    from cnn_course import data, pretrained

    package = Path(cnn_course.__file__).parent
    assert package.is_relative_to(sys.prefix), f"cnn_course came from {package}"
    assert data.data_dir() == package / "_data", data.data_dir()
    (x, y), (x_test, y_test) = data.load_mnist()
    assert x.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    (x, y), (x_test, y_test) = data.load_fashion_mnist()
    assert x.shape == (60000, 28, 28) and y_test.shape == (10000,)
    (name, p), = pretrained.classify(skimage.data.coffee(), top=1)
    assert name == "espresso", (name, p)
    print("offline install works")
    """
)


def test_installed_wheel_loads_the_data_and_classifies_offline(wheel, tmp_path):
    python = venv_reusing_packages(tmp_path / "venv")
    env = offline_env(KERAS_HOME=str(tmp_path / "keras_home"), **NO_NETWORK)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
        + ["--no-deps", "--no-index", str(wheel)],
        env=env,
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"  # not the repository: no cnn_course/ next to the script
    work.mkdir()
    result = subprocess.run(
        [python, "-c", CHECK], cwd=work, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "offline install works" in result.stdout
    # the console script, with the notebooks from the package
    result = subprocess.run(
        [tmp_path / "venv" / "bin" / "cnn-course", "notebooks", "course"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    copied = sorted(p.name for p in (work / "course").glob("*.ipynb"))
    assert copied == sorted(p.name for p in (ROOT / "notebooks" / "student").glob("[0-9]*.ipynb"))


# --------------------------------------------------------------------------- Gradescope

VISIBILITY = {"visible", "hidden", "after_due_date", "after_published"}
RESULT_FIELDS = {
    "score", "execution_time", "output", "output_format", "test_output_format",
    "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard",
}  # fmt: skip
TEST_FIELDS = {
    "score", "max_score", "status", "name", "name_format", "number", "output", "output_format",
    "tags", "visibility", "extra_data",
}  # fmt: skip


def _valid_gradescope_results(data: dict) -> None:
    """``results.json`` holds only the fields Gradescope's autograder specification documents."""
    assert set(data) <= RESULT_FIELDS, set(data) - RESULT_FIELDS
    assert isinstance(data["score"], float) and isinstance(data["execution_time"], int)
    assert data["visibility"] in VISIBILITY and data["stdout_visibility"] in VISIBILITY
    assert data["tests"], "one test per exercise part"
    for test in data["tests"]:
        assert set(test) <= TEST_FIELDS, set(test) - TEST_FIELDS
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in ("passed", "failed") and test["visibility"] in VISIBILITY
    assert data["score"] == sum(t["score"] for t in data["tests"])


def test_gradescope_autograder_in_a_folder_laid_out_like_its_container(wheel, tmp_path):
    """The zip's setup.sh installs the wheel offline; run_autograder grades an instructor
    edition (full marks), an unanswered one (0), an attack that rewrites results.json (0) and
    a file that is not a notebook (0, said)."""
    import json
    import shutil

    import nbformat

    from cnn_course.exercises.gradescope import build_autograder

    zipped = build_autograder("03", tmp_path / "zip", wheel)
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zipped) as zf:
        assert sorted(zf.namelist()) == sorted(["setup.sh", "run_autograder", wheel.name])
        assert zf.getinfo("run_autograder").external_attr >> 16 & 0o111
        zf.extractall(root / "source")
    venv_reusing_packages(root / "venv")  # the image's Python, with the dependencies offline
    env = offline_env(AUTOGRADER_ROOT=str(root), CNN_COURSE_PIP_ARGS="-q --no-deps --no-index")
    subprocess.run(["bash", root / "source" / "setup.sh"], env=env, check=True, timeout=300)
    instructor = ROOT / "notebooks" / "03_padding_and_stride.ipynb"
    student = ROOT / "notebooks" / "student" / "03_padding_and_stride.ipynb"
    attack = nbformat.read(student, as_version=4)
    attack.cells.append(
        nbformat.v4.new_code_cell(
            "import json, pathlib\n"
            f"pathlib.Path({str(root / 'results')!r}).mkdir(exist_ok=True)\n"
            f"pathlib.Path({str(root / 'results' / 'results.json')!r}).write_text("
            "json.dumps({'score': 100.0, 'tests': []}))\n"
            "import cnn_course.exercises as E\n"
            "E.check_exercise = lambda *a, **k: None"
        )
    )
    cases = {
        "instructor": (instructor.read_text(encoding="utf-8"), 6.0),
        "student": (student.read_text(encoding="utf-8"), 0.0),
        "attack": (nbformat.writes(attack), 0.0),
        "not_json": ("{not json", 0.0),
    }
    for case, (text, expected) in cases.items():
        for folder in ("submission", "results"):
            shutil.rmtree(root / folder, ignore_errors=True)
        (root / "submission").mkdir()
        (root / "submission" / "03_padding_and_stride.ipynb").write_text(text, encoding="utf-8")
        done = subprocess.run(
            ["bash", root / "source" / "run_autograder"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, (case, done.stderr[-2000:])
        data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
        _valid_gradescope_results(data)
        assert data["score"] == expected, (case, data)
        hidden = [t for t in data["tests"] if t["name"].endswith("(hidden cases)")]
        assert hidden and all(t["visibility"] == "after_published" for t in hidden)
        assert all("n=" not in t["output"] for t in hidden)  # no hidden inputs shown
        if case == "not_json":
            assert "not a readable notebook" in data["output"]

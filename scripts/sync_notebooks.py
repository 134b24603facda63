"""Keep every notebook's Colab badge and set-up cell in line with the one repository URL.

The repository URL lives in one place: ``[project.urls] Repository`` in
``pyproject.toml``. This script writes (``--write``) or checks (``--check``, the
default; exit status 1 on any difference) in every ``notebooks/*.ipynb``:

* the "Open in Colab" badge in the first Markdown cell, pointing at the notebook
  itself on the ``main`` branch;
* the first code cell, the set-up cell, which on Colab clones the repository
  (code and bundled data) and installs it, and locally does nothing, then reports
  versions and device;
* the ``**Run time:**`` line of the first Markdown cell, from the times measured by
  ``scripts/run_notebooks.py --record`` and kept in ``notebooks/run_times.json``.

Usage::

    python scripts/sync_notebooks.py --check
    python scripts/sync_notebooks.py --write
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

import nbformat

from cnn_course.exercises import EXERCISES

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
BRANCH = "main"
SETUP_MARKER = "# cnn-course set-up cell"
# its output (versions, device) differs between machines: nbval's cell tag says not to compare it
SETUP_TAG = "nbval-ignore-output"
BADGE_RE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)")
RUN_TIME_RE = re.compile(r"^\*\*Run time:\*\*.*$", re.MULTILINE)
RUN_TIMES = NOTEBOOKS / "run_times.json"

SETUP_TEMPLATE = """{marker}: the same in every notebook.
# On Colab it fetches the course (code and bundled data) and installs it; locally it does nothing.
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # keep TensorFlow's C++ start-up logs quiet
REPO_URL = "{url}"
if "google.colab" in sys.modules:
    if not os.path.isdir("cnn-course"):
        subprocess.run(["git", "clone", "--depth", "1", REPO_URL, "cnn-course"], check=True)
        pip = [sys.executable, "-m", "pip", "install", "-q", "-e", "cnn-course"]
        subprocess.run(pip, check=True)
    sys.path.insert(0, os.path.abspath("cnn-course"))  # usable without restarting the runtime

from cnn_course import runtime

info = runtime.report()"""

# notebooks with exercises make their grader in the set-up cell: grader.check("exNN_M") later
GRADER_LINES = """

from cnn_course import exercises

grader = exercises.Grader("{number}")  # checks your answers to this notebook's exercises"""


def repository_url(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """Return ``[project.urls] Repository`` from pyproject.toml, without a trailing slash."""
    with pyproject.open("rb") as fh:
        return tomllib.load(fh)["project"]["urls"]["Repository"].rstrip("/")


def colab_url(url: str, notebook: str) -> str:
    """The Colab address that opens ``notebooks/<notebook>`` of the repository at ``url``.

    >>> colab_url("https://github.com/me/cnn-course", "00_getting_started.ipynb")
    'https://colab.research.google.com/github/me/cnn-course/blob/main/notebooks/00_getting_started.ipynb'
    """
    path = url.split("github.com/", 1)[-1]
    return f"https://colab.research.google.com/github/{path}/blob/{BRANCH}/notebooks/{notebook}"


def badge(url: str, notebook: str) -> str:
    """The Markdown of the "Open in Colab" badge for one notebook."""
    icon = "https://colab.research.google.com/assets/colab-badge.svg"
    return f"[![Open In Colab]({icon})]({colab_url(url, notebook)})"


def setup_cell_source(url: str, notebook: str = "") -> str:
    """The source of the set-up cell for the repository at ``url``.

    ``notebook`` (a file name such as ``03_padding_and_stride.ipynb``): if it has
    exercises, the cell also makes its ``grader``.

    >>> print(setup_cell_source("https://x", "03_padding_and_stride.ipynb").splitlines()[-1])
    grader = exercises.Grader("03")  # checks your answers to this notebook's exercises
    """
    source = SETUP_TEMPLATE.format(marker=SETUP_MARKER, url=url)
    number = notebook[:2]
    if any(ex.notebook == number for ex in EXERCISES.values()):
        source += GRADER_LINES.format(number=number)
    return source


def duration(seconds: float) -> str:
    """A measured time as a student would say it.

    >>> [duration(s) for s in (13.2, 47.9, 95.0, 151.0, 486.0)]
    ['15 s', '50 s', '1½ min', '2½ min', '8 min']
    """
    if seconds < 60:
        return f"{max(5, 5 * round(seconds / 5))} s"
    halves = round(seconds / 30)
    whole, half = divmod(halves, 2)
    return f"{whole}{'½' if half else ''} min" if whole else "½ min"


def load_run_times(path: Path = RUN_TIMES) -> dict:
    """The measured run times (``{"machine": ..., "notebooks": {stem: {...}}}``)."""
    return json.loads(path.read_text()) if path.exists() else {"notebooks": {}}


def run_time_line(stem: str, run_times: dict) -> str | None:
    """The ``**Run time:**`` line for one notebook, or None if it was never timed.

    The times run from starting a fresh kernel to the end of the last cell, in full
    mode and in quick mode (``CNN_COURSE_QUICK=1``).

    >>> times = {"measured": "2026-11-22", "machine": "2-core x86_64 CPU, no GPU, Python 3.11.7",
    ...          "notebooks": {"07_x": {"full_s": 95, "quick_s": 40}}}
    >>> run_time_line("07_x", times)
    '**Run time:** about 1½ min on a CPU with 2 cores; 40 s in quick mode (measured 2026-11-22).'
    >>> own_date = {"07_x": {"full_s": 95, "measured": "2026-11-30"}}  # a notebook's own date
    >>> run_time_line("07_x", {**times, "notebooks": own_date})
    '**Run time:** about 1½ min on a CPU with 2 cores (measured 2026-11-30).'
    >>> run_time_line("07_x", {**times, "machine": "8-core x86_64 CPU, 1 GPU, Python 3.12.1"})[:58]
    '**Run time:** about 1½ min on a CPU with 8 cores and 1 GPU'
    """
    entry = run_times["notebooks"].get(stem)
    if not entry or "full_s" not in entry:
        return None
    # the machine as scripts/run_notebooks.py records it: "2-core x86_64 CPU, no GPU, Python …"
    cpu, gpus = run_times["machine"].split(", ")[:2]
    cores = cpu.split("-core")[0]
    where = f"CPU with {cores} cores" + ("" if gpus == "no GPU" else f" and {gpus}")
    line = f"**Run time:** about {duration(entry['full_s'])} on a {where}"
    if "quick_s" in entry:
        line += f"; {duration(entry['quick_s'])} in quick mode"
    return line + f" (measured {entry.get('measured', run_times['measured'])})."


def _first(nb, cell_type: str):
    return next((c for c in nb.cells if c.cell_type == cell_type), None)


def problems(path: Path, url: str, run_times: dict | None = None) -> list[str]:
    """What is out of line in one notebook (an empty list when all is well)."""
    nb = nbformat.read(path, as_version=4)
    found = []
    intro = _first(nb, "markdown")
    if intro is None or badge(url, path.name) not in intro.source:
        found.append(f"{path.name}: the first Markdown cell lacks the Colab badge for itself")
    line = run_time_line(path.stem, load_run_times() if run_times is None else run_times)
    if line is None:
        found.append(f"{path.name}: no measured run time (scripts/run_notebooks.py --record)")
    elif intro is None or line not in RUN_TIME_RE.findall(intro.source):
        found.append(f"{path.name}: the **Run time:** line is not the measured one")
    setup = _first(nb, "code")
    if setup is None or setup.source.strip() != setup_cell_source(url, path.name):
        found.append(f"{path.name}: the first code cell is not the course set-up cell")
    elif SETUP_TAG not in setup.metadata.get("tags", []):
        found.append(f"{path.name}: the set-up cell lacks the {SETUP_TAG!r} tag")
    return found


def rewrite(path: Path, url: str, run_times: dict | None = None) -> bool:
    """Write the badge, run time and set-up cell into one notebook; return True if it changed."""
    nb = nbformat.read(path, as_version=4)
    before = nbformat.writes(nb)
    intro = _first(nb, "markdown")
    if intro is None:
        intro = nbformat.v4.new_markdown_cell("")
        nb.cells.insert(0, intro)
    if BADGE_RE.search(intro.source):
        intro.source = BADGE_RE.sub(lambda _: badge(url, path.name), intro.source)
    else:
        intro.source = intro.source.rstrip() + "\n\n" + badge(url, path.name)
    line = run_time_line(path.stem, load_run_times() if run_times is None else run_times)
    if line is not None:
        if RUN_TIME_RE.search(intro.source):
            intro.source = RUN_TIME_RE.sub(lambda _: line, intro.source, count=1)
        else:
            intro.source = intro.source.rstrip() + "\n\n" + line
    setup = _first(nb, "code")
    if setup is None or SETUP_MARKER not in setup.source:
        setup = nbformat.v4.new_code_cell("")
        nb.cells.insert(nb.cells.index(intro) + 1, setup)
    setup.source = setup_cell_source(url, path.name)
    tags = setup.metadata.setdefault("tags", [])
    if SETUP_TAG not in tags:
        tags.append(SETUP_TAG)
    nb.metadata["cnn_course"] = {"notebook": path.name[:2], "edition": "instructor"}
    after = nbformat.writes(nb)
    if after != before:
        nbformat.write(nb, path)
        return True
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite badges, run times, set-up")
    parser.add_argument("--check", action="store_true", help="only report differences (default)")
    args = parser.parse_args(argv)
    url = repository_url()
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if args.write:
        for path in paths:
            if rewrite(path, url):
                print(f"updated {path.relative_to(ROOT)}")
        return 0
    found = [p for path in paths for p in problems(path, url)]
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

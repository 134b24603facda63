"""Check that pyproject.toml's lower bounds hold: install every dependency at its minimum.

For each requirement of ``[project] dependencies`` the script asks the package index which
versions it offers for this Python (``pip index versions``), takes the lowest one that the
requirement allows, pins it in a constraints file, installs everything into a separate virtual
environment (outside the repository, by default in the temporary folder) and runs a
representative part of the tests there: the shape arithmetic against real Keras layers, the
models, the bundled data, the pretrained MobileNetV2 and one training notebook in quick mode.

It downloads a full TensorFlow (several hundred MB) and takes a while; it is not part of the
regular test run. Run it when a bound changes:

    .venv/bin/python scripts/check_min_versions.py            # report + pytest's last line
    .venv/bin/python scripts/check_min_versions.py --dry-run  # only print the pins

If a bound does not hold, raise it in pyproject.toml (and environment.yml) and run it again.

Found on 2026-11-29 (Python 3.11, lowest versions the index offered):

- ``ipywidgets>=8.0`` could not be installed: otter-grader 7.0.0 requires ipywidgets>=8.1.5;
- ``keras>=3.0``: before Keras 3.6, ``count_params()`` of a layer not built yet raises (the
  pooling tests, the Dropout exercise of notebook 08); at 3.0.0 notebook 07's ``model.summary()``
  table is laid out differently (at 3.4.1 it is not); before Keras 3.10 the module importlib
  finds as ``keras.datasets.mnist`` is another object than the attribute, so
  ``cnn_course.data``'s download fallback now uses the attribute;
- ``matplotlib>=3.8``: with IPython 9, matplotlib 3.8 shows no figure in a notebook (IPython
  finds the inline backend through matplotlib's backend registry, new in 3.9).

With ``tensorflow==2.16.1 keras==3.6.0 numpy==1.26.0 matplotlib==3.9.0 scikit-image==0.22.0
ipywidgets==8.1.5 tqdm==4.66.0 h5py==3.10.0 otter-grader==7.0.0``: 503 passed, 1 failed, the
failure a test that builds its pickles under NumPy 2 only
(``test_restricted_unpickler_rebuilds_numpy_arrays_of_numpy_1_and_2``), not the course's code.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import InvalidVersion, Version

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent

# What the tests below need besides the course's own dependencies (not pinned: only the
# course's lower bounds are under test).
TEST_TOOLS = ("pytest", "nbval", "nbformat", "nbconvert", "ipykernel", "scipy", "pyyaml")
TESTS = (
    "tests/test_shapes.py",
    "tests/test_models.py",
    "tests/test_data.py",
    "tests/test_pretrained.py",
    "notebooks/07_mnist_convnet.ipynb",
)


def requirements() -> list[Requirement]:
    """The ``[project] dependencies`` of pyproject.toml."""
    with (ROOT / "pyproject.toml").open("rb") as fh:
        project = tomllib.load(fh)["project"]
    return [Requirement(spec) for spec in project["dependencies"]]


def available_versions(name: str, python: str = sys.executable) -> list[Version]:
    """The versions of ``name`` the index offers for ``python`` (pip's own query)."""
    out = subprocess.run(
        [python, "-m", "pip", "index", "versions", name, "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"Available versions:\s*(.+)", out)
    if not match:
        raise RuntimeError(f"pip index versions {name} listed no versions:\n{out}")
    versions = []
    for text in match.group(1).split(","):
        try:
            versions.append(Version(text.strip()))
        except InvalidVersion:
            continue
    return versions


def lowest_allowed(req: Requirement, versions: list[Version]) -> Version:
    """The lowest non-pre-release version that ``req`` allows.

    Examples
    --------
    >>> lowest_allowed(Requirement("keras>=3.0"), [Version(v) for v in ["2.15", "3.0.0", "3.1"]])
    <Version('3.0.0')>
    """
    allowed = [v for v in versions if not v.is_prerelease and req.specifier.contains(v)]
    if not allowed:
        raise RuntimeError(f"the index offers no version of {req.name} that satisfies {req}")
    return min(allowed)


def pins() -> dict[str, Version]:
    """Each dependency's minimum version, by name."""
    return {req.name: lowest_allowed(req, available_versions(req.name)) for req in requirements()}


def run(venv: Path, pinned: dict[str, Version]) -> int:
    """Create ``venv``, install the pins and the test tools, run :data:`TESTS`; pytest's code."""
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--clear", str(venv)], check=True)
    py = str(venv / "bin" / "python")
    constraints = venv / "constraints.txt"
    constraints.write_text("".join(f"{name}=={v}\n" for name, v in pinned.items()))
    subprocess.run([py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run(
        [py, "-m", "pip", "install", "--quiet", "-c", str(constraints)]
        + [str(req) for req in requirements()]
        + list(TEST_TOOLS),
        check=True,
    )
    subprocess.run([py, "-m", "pip", "freeze"], check=True)
    # the course package itself is imported from the repository (the notebooks' kernels too)
    env = dict(os.environ, CNN_COURSE_QUICK="1", PYTHONPATH=str(ROOT))
    return subprocess.run(
        [py, "-m", "pytest", "-q", "-p", "no:xdist", *TESTS], cwd=ROOT, env=env
    ).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--venv",
        type=Path,
        default=Path(tempfile.gettempdir()) / "cnn-course-min-versions",
        help="where to create the environment (default: %(default)s)",
    )
    parser.add_argument("--dry-run", action="store_true", help="only print the pins")
    args = parser.parse_args(argv)
    if args.venv.resolve().is_relative_to(ROOT):
        parser.error("the environment must live outside the repository")
    pinned = pins()
    for name, version in pinned.items():
        print(f"{name}=={version}")
    if args.dry_run:
        return 0
    code = run(args.venv, pinned)
    print("lower bounds hold" if code == 0 else "a lower bound does not hold (see above)")
    return code


if __name__ == "__main__":
    sys.exit(main())

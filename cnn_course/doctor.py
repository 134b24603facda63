"""What is wrong with this installation, one line per problem, each with its fix.

Course notebooks break most often when a runtime moves under them (a new Colab image, a new
major version of Keras or NumPy) or a data file is damaged. :func:`problems` checks

* the installed versions against the range the course is tested with — from the lower bound
  the package requires (``pyproject.toml``, checked by ``make min-versions``) up to the next
  major version after the one CI runs (:data:`TESTED_BELOW`);
* every bundled data file against its sha256;
* the device: a GPU on the machine that TensorFlow does not see.

The notebooks' set-up cell prints them (through :func:`cnn_course.runtime.report`), and
``cnn-course doctor`` too; when all is well they print nothing.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import sys
from collections.abc import Callable

from packaging.requirements import Requirement
from packaging.version import InvalidVersion, Version

__all__ = ["CHECKED", "PYTHON_RANGE", "TESTED_BELOW", "main", "problems"]

#: The packages whose version is checked.
CHECKED = ("tensorflow", "keras", "numpy", "matplotlib", "scikit-image")
#: The first version the course is *not* tested with: the next major release after CI's.
TESTED_BELOW = {
    "tensorflow": "3",
    "keras": "4",
    "numpy": "3",
    "matplotlib": "4",
    "scikit-image": "1",
}
#: The Python versions the course supports: from pyproject's requires-python to TensorFlow's.
PYTHON_RANGE = ((3, 10), (3, 14))

_FALLBACK_LOWER = {  # when the package's metadata is not there (run from a bare source folder)
    "tensorflow": "2.16",
    "keras": "3.6",
    "numpy": "1.26",
    "matplotlib": "3.9",
    "scikit-image": "0.22",
}
_RESTART = "then restart the kernel (on Colab: Runtime → Restart session)"


def _lower_bounds() -> dict[str, str]:
    """The minimum version of each checked package, as the installed course requires it."""
    lower = dict(_FALLBACK_LOWER)
    try:
        requires = importlib.metadata.requires("cnn-course") or []
    except importlib.metadata.PackageNotFoundError:
        return lower
    for text in requires:
        req = Requirement(text)
        if req.marker is not None and "extra" in str(req.marker):
            continue
        for spec in req.specifier:
            if req.name in lower and spec.operator == ">=":
                lower[req.name] = spec.version
    return lower


def _version_problems(version: Callable[[str], str]) -> list[str]:
    found = []
    low, high = PYTHON_RANGE
    here = sys.version_info[:2]
    if not low <= here < high:
        found.append(
            f"Python {here[0]}.{here[1]} is outside what the course supports "
            f"({low[0]}.{low[1]} to {high[0]}.{high[1] - 1}): use a Python in that range."
        )
    for name, minimum in _lower_bounds().items():
        wanted = f"{name}>={minimum},<{TESTED_BELOW[name]}"
        fix = f"pip install '{wanted}', {_RESTART}."
        try:
            installed = version(name)
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} is not installed: {fix}")
            continue
        try:
            parsed = Version(installed)
        except InvalidVersion:
            found.append(f"{name} has a version the course cannot read ({installed!r}): {fix}")
            continue
        if parsed < Version(minimum):
            found.append(f"{name} {installed} is older than the course needs ({wanted}): {fix}")
        elif parsed >= Version(TESTED_BELOW[name]):
            found.append(
                f"{name} {installed} is newer than the course is tested with ({wanted}): {fix}"
            )
    return found


def _data_problems() -> list[str]:
    from cnn_course import data

    found = []
    for name in data.CHECKSUMS:
        try:
            data.verify_checksum(data.data_dir() / name, name)
        except (OSError, ValueError) as err:
            found.append(f"data file {name}: {err}")
    return found


def _device_problems() -> list[str]:
    if shutil.which("nvidia-smi") is None:
        return []
    from cnn_course import _lazy

    if _lazy.tensorflow().config.list_physical_devices("GPU"):
        return []
    return [
        "this machine has an NVIDIA GPU that TensorFlow does not see: pip install "
        f"'cnn-course[gpu]' (TensorFlow with CUDA), {_RESTART}."
    ]


def problems(
    version: Callable[[str], str] = importlib.metadata.version, device: bool = True
) -> list[str]:
    """Every problem found, one line each with its fix; empty when all is well.

    ``version`` looks up an installed package's version (the tests give a fake one);
    ``device=False`` skips the device check (which imports TensorFlow).
    """
    found = _version_problems(version) + _data_problems()
    if device:
        found += _device_problems()
    return found


def main() -> int:
    """``cnn-course doctor``: print the problems; exit status 1 if there is one."""
    found = problems()
    for line in found:
        print(f"⚠ {line}")
    return 1 if found else 0

"""Fresh environments outside the repository for the install tests (wheel, Colab set-up cell).

They reuse the packages already installed in the running environment (TensorFlow and the rest,
reached through a ``.pth`` line) instead of downloading them again, and get the course itself
only from what is under test: a wheel built from a copy of the working tree, or a clone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def copy_working_tree(dest: Path) -> Path:
    """Copy the repository's files (tracked or new, not ignored) into ``dest``; return it.

    Uncommitted changes are included: the tests check the tree as it is, not the last commit.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def git_repository(dest: Path) -> Path:
    """A one-commit git repository of the working tree at ``dest`` (to clone with file://)."""
    copy_working_tree(dest)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "tree"]):
        subprocess.run([*git, *args], cwd=dest, check=True)
    return dest


def venv_reusing_packages(dest: Path) -> Path:
    """A new virtual environment that sees this environment's packages; return its python.

    A plain path line in a ``.pth`` file adds the running environment's site-packages after
    the new one's own; the ``.pth`` files there (the editable install of the repository's
    ``cnn_course``) are not processed, so only what is installed into the new environment
    provides ``cnn_course``.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(dest)], check=True)
    python = dest / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = sysconfig.get_paths()["purelib"]
    Path(purelib, "_reuse_test_environment.pth").write_text(ours + "\n")
    return python


def offline_env(**extra: str) -> dict[str, str]:
    """This process's environment, without the repository on the path and with pip offline."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CNN_COURSE_DATA")}
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env

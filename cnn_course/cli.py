"""The ``cnn-course`` command: copy the notebooks, open JupyterLab, report the set-up.

Installed with the package (``[project.scripts]`` in pyproject.toml); ``python -m cnn_course``
does the same. Three subcommands::

    cnn-course notebooks [DIR] [--instructor] [--force]   # copy the notebooks into DIR
    cnn-course lab [DIR] [--dry-run]                      # open JupyterLab in DIR
    cnn-course info                                       # versions, device, bundled files

``notebooks`` copies the student edition (the exercises without their solutions) by default and
the instructor edition (solutions and saved outputs) with ``--instructor``. It writes a small
record of what it copied (``.cnn-course.json``) so that running it again (at every login on a
JupyterHub, say) brings new and updated notebooks and refuses to overwrite one the student
edited, unless ``--force``.

A mistake (a folder that cannot be written, an unknown subcommand) gets one line on stderr and
a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib.resources
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from cnn_course import data

__all__ = ["DEFAULT_FOLDER", "RECORD", "copy_notebooks", "lab_command", "main", "notebook_source"]

DEFAULT_FOLDER = "cnn-course-notebooks"
"""Where ``cnn-course notebooks`` and ``cnn-course lab`` work when no folder is given."""

RECORD = ".cnn-course.json"
"""The file, in the working folder, that records the sha256 of every notebook as copied."""

_PACKAGED_NOTEBOOKS = "_notebooks"  # the notebooks' folder inside an installed package


class CourseError(Exception):
    """A mistake the user can fix: reported in one line, exit status 1."""


def notebook_source(instructor: bool = False) -> Path:
    """The folder the notebooks are copied from.

    After a regular install that is the package's own ``cnn_course/_notebooks``; in a clone it
    is the repository's ``notebooks/``. The student edition is its ``student/`` subfolder.

    Examples
    --------
    >>> sorted(p.name for p in notebook_source().glob("0[01]_*.ipynb"))
    ['00_getting_started.ipynb', '01_why_convolutions.ipynb']
    >>> notebook_source(instructor=True).name in ("notebooks", "_notebooks")
    True
    """
    if not isinstance(instructor, bool):
        raise TypeError(f"instructor must be True or False, not {type(instructor).__name__}")
    packaged = importlib.resources.files("cnn_course") / _PACKAGED_NOTEBOOKS
    if isinstance(packaged, Path) and packaged.is_dir():
        folder = packaged
    else:
        folder = Path(__file__).resolve().parent.parent / "notebooks"
    return folder if instructor else folder / "student"


def _notebooks(folder: Path) -> list[Path]:
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def _read_record(folder: Path) -> dict[str, str]:
    try:
        return json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def copy_notebooks(folder: str | os.PathLike[str], instructor: bool = False, force: bool = False):
    """Copy the course's notebooks into ``folder``; return the names copied.

    A notebook already in ``folder`` is replaced only if it is unchanged since it was copied
    (its sha256 is the one recorded in ``.cnn-course.json``) or is the very same file; one a
    student edited is never overwritten unless ``force``: the others are copied, then
    :class:`CourseError` names the ones left alone.

    Raises
    ------
    CourseError
        If the folder cannot be written, or some edited notebooks were left alone.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     copied = copy_notebooks(tmp)
    ...     again = copy_notebooks(tmp)  # unchanged notebooks are simply refreshed
    ...     with open(Path(tmp) / copied[0], "a") as fh:
    ...         _ = fh.write(" ")  # a student edits a notebook
    ...     try:
    ...         copy_notebooks(tmp)
    ...     except CourseError as err:
    ...         print(str(err)[:45])
    ...     forced = copy_notebooks(tmp, force=True)
    refusing to overwrite notebooks you edited in
    >>> copied[0], copied == again == forced
    ('00_getting_started.ipynb', True)
    """
    source = notebook_source(instructor)
    sources = _notebooks(source)
    if not sources:
        raise CourseError(f"no notebooks found in {source}: the installation is incomplete")
    target = Path(folder).expanduser()
    if target.exists() and not target.is_dir():
        raise CourseError(f"cannot copy the notebooks into {target}: it is a file, not a folder")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CourseError(f"cannot create the folder {target}: {err.strerror}") from None
    if not os.access(target, os.W_OK):
        raise CourseError(f"cannot write into the folder {target}: permission denied")
    record = _read_record(target)
    edited = []
    for nb in sources:
        there = target / nb.name
        if there.exists() and not force:
            digest = data.sha256sum(there)
            if digest not in (record.get(nb.name), data.sha256sum(nb)):
                edited.append(nb.name)
    try:
        for nb in sources:
            if nb.name in edited:
                continue
            shutil.copyfile(nb, target / nb.name)
            record[nb.name] = data.sha256sum(nb)
        (target / RECORD).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    except OSError as err:
        raise CourseError(f"cannot write into the folder {target}: {err.strerror}") from None
    if edited:
        raise CourseError(
            f"refusing to overwrite notebooks you edited in {target}: {', '.join(edited)} "
            "(the others are up to date; rename yours, or use --force to replace them)"
        )
    return [nb.name for nb in sources]


def lab_command(folder: str | os.PathLike[str]) -> list[str]:
    """The command that opens JupyterLab in ``folder`` (``--allow-root`` when run as root).

    Examples
    --------
    >>> lab_command("work")[1:4]
    ['-m', 'jupyterlab', '--notebook-dir=work']
    """
    command = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={os.fspath(folder)}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # JupyterLab refuses to run as root otherwise
    return command


def _info() -> int:
    """Print the runtime report and every bundled file's checksum; 1 if one fails."""
    from cnn_course import runtime  # imports TensorFlow: only for this subcommand

    runtime.report()
    print(f"data folder : {data.data_dir()}")
    failed = 0
    width = max(len(name) for name in data.CHECKSUMS)
    for name in data.CHECKSUMS:
        try:
            data.bundled_file(name)
            status = "ok (sha256 matches)"
        except (OSError, ValueError) as err:
            status = f"FAILED: {err}"
            failed += 1
        print(f"{name:<{width}} : {status}")
    return 1 if failed else 0


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cnn-course", description="The cnn-course notebooks, lab and set-up.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    nbs = sub.add_parser("notebooks", help="copy the notebooks into a working folder")
    nbs.add_argument("folder", nargs="?", default=DEFAULT_FOLDER, help="default: %(default)s")
    nbs.add_argument(
        "--instructor", action="store_true", help="the instructor edition (solutions, outputs)"
    )
    nbs.add_argument("--force", action="store_true", help="overwrite notebooks you edited")
    lab = sub.add_parser("lab", help="open JupyterLab in a folder (copies the notebooks first)")
    lab.add_argument("folder", nargs="?", default=DEFAULT_FOLDER, help="default: %(default)s")
    lab.add_argument("--dry-run", action="store_true", help="print the command, do not run it")
    sub.add_parser("info", help="versions, device and the bundled files' checksums")
    sub.add_parser("doctor", help="what is wrong with this installation, with the fixes")
    grader = sub.add_parser("autograder", help="write the Gradescope autograder zip of a notebook")
    grader.add_argument("notebook", help="two digits, e.g. 03")
    grader.add_argument("-o", "--out", default=".", help="folder for the zip (default: here)")
    grader.add_argument("--wheel", help="the course's wheel to put in it (default: built here)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``cnn-course`` with ``argv``; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "notebooks":
            copied = copy_notebooks(args.folder, instructor=args.instructor, force=args.force)
            edition = "instructor" if args.instructor else "student"
            print(f"copied {len(copied)} notebooks ({edition} edition) into {args.folder}")
            return 0
        if args.command == "lab":
            folder = Path(args.folder).expanduser()
            command = lab_command(folder)
            if args.dry_run:
                print(" ".join(command))
                return 0
            if not _notebooks(folder):
                copy_notebooks(folder)
            if importlib.util.find_spec("jupyterlab") is None:
                raise CourseError("JupyterLab is not installed: pip install 'cnn-course[lab]'")
            return subprocess.run(command).returncode
        if args.command == "doctor":
            from cnn_course import doctor

            return doctor.main()
        if args.command == "autograder":
            from cnn_course.exercises.gradescope import build_autograder

            try:
                zipped = build_autograder(args.notebook, args.out, args.wheel)
            except ValueError as err:
                raise CourseError(str(err)) from None
            print(f"wrote {zipped}: upload it as the Gradescope assignment's autograder")
            return 0
        return _info()
    except CourseError as err:
        print(f"cnn-course: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

"""Execute the course notebooks top to bottom and save them with their outputs.

Each notebook runs in a fresh kernel with ``notebooks/`` as working directory, as a
student would run it. By default the run is in full mode (the slides' results);
``--quick`` sets ``CNN_COURSE_QUICK=1`` like the tests do. Before saving, stderr
streams are dropped (TensorFlow's C++ start-up lines differ from run to run and
from what pytest's kernel captures) so the committed notebooks read cleanly and
nbval compares what matters.

Usage::

    python scripts/run_notebooks.py                    # every notebook, full mode
    python scripts/run_notebooks.py 02 05 --quick      # notebooks whose name starts with 02 or 05
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def select(prefixes: list[str]) -> list[Path]:
    """The notebooks whose file name starts with one of ``prefixes`` (all when empty)."""
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if prefixes:
        paths = [p for p in paths if any(p.name.startswith(x) for x in prefixes)]
    if not paths:
        raise SystemExit(f"no notebook matches {prefixes!r} in {NOTEBOOKS}")
    return paths


def strip_stderr(nb: nbformat.NotebookNode) -> None:
    """Remove stderr stream outputs from every code cell, in place."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")
            ]


def execute(path: Path, quick: bool, timeout: int) -> float:
    """Run one notebook in a fresh kernel and write it back; return the wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    env_backup = dict(os.environ)
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    if quick:
        os.environ["CNN_COURSE_QUICK"] = "1"
    else:
        os.environ.pop("CNN_COURSE_QUICK", None)
    start = time.perf_counter()
    try:
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOKS)}},
        )
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    elapsed = time.perf_counter() - start
    strip_stderr(nb)
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="*", help="notebook name prefixes, e.g. 02 05")
    parser.add_argument("--quick", action="store_true", help="quick mode, as the tests run")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    args = parser.parse_args(argv)
    for path in select(args.prefixes):
        elapsed = execute(path, args.quick, args.timeout)
        mode = "quick" if args.quick else "full"
        print(f"{path.name}: {elapsed:.0f} s ({mode} mode)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

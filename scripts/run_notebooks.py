"""Execute the course notebooks top to bottom and save them with their outputs.

Each notebook runs in a fresh kernel with ``notebooks/`` as working directory, as a
student would run it. By default the run is in full mode (the slides' results);
``--quick`` sets ``CNN_COURSE_QUICK=1`` like the tests do. Before saving, stderr
streams are dropped (TensorFlow's C++ start-up lines differ from run to run and
from what pytest's kernel captures) so the committed notebooks read cleanly and
nbval compares what matters.

With ``--record`` the wall time of each run (fresh kernel start to last cell, as a
student sees it) goes into ``notebooks/run_times.json``, from which
``scripts/sync_notebooks.py --write`` writes the **Run time** line at the top of
each notebook. ``--no-save`` leaves the notebook file untouched (to time quick
mode without replacing the committed full-mode outputs). Time on an otherwise idle
machine: other work on a 2-core CPU doubles the figures.

Usage::

    python scripts/run_notebooks.py                    # every notebook, full mode
    python scripts/run_notebooks.py 02 05 --quick      # notebooks whose name starts with 02 or 05
    python scripts/run_notebooks.py --record           # full mode, record the times
    python scripts/run_notebooks.py --quick --no-save --record
    python scripts/run_notebooks.py 12 --seed 1           # another training seed, see below

``--seed S`` re-runs a notebook with another *training* seed, to see how far its
comparisons move from seed to seed (the course reports every seed it ran): every
``runtime.seed_everything(0)`` of the notebook and every ``seed=0`` default of a function
it defines become ``S``; the data (fixed seeds of their own) stay the same, and so does the
default seed of a course function the notebook calls without one (``train.fit_course_recipe``'s
order of the training images): there the runs vary the initial weights only. Nothing is
saved or recorded: the run goes on past a failing cell (an assert that holds only for
seed 0 is part of the answer), prints what each code cell printed and which cells
failed, and leaves the executed copy in the system's temporary folder.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from sync_notebooks import NOTEBOOKS, RUN_TIMES


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


_SEEDED = re.compile(r"seed_everything\(0\)")
_SEED_DEFAULT = re.compile(r"^(\s*def \w+\(.*\bseed=)0\b", re.MULTILINE)


def with_training_seed(source: str, seed: int) -> str:
    """``source`` with its training seed 0 replaced by ``seed`` (see ``--seed``).

    >>> print(with_training_seed("runtime.seed_everything(0)\\nx = scenes(n, seed=0)", 2))
    runtime.seed_everything(2)
    x = scenes(n, seed=0)
    >>> print(with_training_seed("def fit(model, *, seed=0, **args):", 2))
    def fit(model, *, seed=2, **args):
    """
    return _SEED_DEFAULT.sub(rf"\g<1>{seed}", _SEEDED.sub(f"seed_everything({seed})", source))


def execute(
    path: Path, quick: bool, timeout: int, save: bool = True, seed: int | None = None
) -> float:
    """Run one notebook in a fresh kernel (and write it back); return the wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    if seed is not None:
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.source = with_training_seed(cell.source, seed)
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
            allow_errors=seed is not None,
        )
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    elapsed = time.perf_counter() - start
    strip_stderr(nb)
    if seed is not None:
        report_seed_run(nb, path, seed)
    elif save:
        nbformat.write(nb, path)
    return elapsed


def report_seed_run(nb: nbformat.NotebookNode, path: Path, seed: int) -> None:
    """Print what each code cell of a ``--seed`` run printed, and which cells failed."""
    failed = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == "stdout":
                for line in output.text.splitlines():
                    print(f"[{index}] {line}")
            elif output.output_type == "error":
                failed.append(index)
                print(f"[{index}] FAILED: {output.ename}: {output.evalue}".rstrip(": "))
    copy = Path(tempfile.gettempdir()) / f"{path.stem}.seed{seed}.ipynb"
    nbformat.write(nb, copy)
    print(f"seed {seed}: {len(failed)} failed cell(s) {failed}; executed copy: {copy}")


def machine() -> str:
    """A one-line description of this machine, for the record of run times."""
    gpus = "no GPU"
    try:
        import tensorflow as tf

        if found := tf.config.list_physical_devices("GPU"):
            gpus = f"{len(found)} GPU"
    except ImportError:  # the record is still useful without TensorFlow's view
        pass
    python = platform.python_version()
    return f"{os.cpu_count()}-core {platform.machine()} CPU, {gpus}, Python {python}"


def record(path: Path, quick: bool, seconds: float, store: Path = RUN_TIMES) -> None:
    """Store one measured run time in ``store`` (JSON), keyed by notebook and mode."""
    data = json.loads(store.read_text()) if store.exists() else {"notebooks": {}}
    entry = data["notebooks"].setdefault(path.stem, {})
    entry["quick_s" if quick else "full_s"] = round(seconds, 1)
    entry["measured"] = data["measured"] = datetime.date.today().isoformat()  # each its own date
    data["machine"] = machine()
    data["command"] = "python scripts/run_notebooks.py --record [--quick --no-save]"
    data["notebooks"] = dict(sorted(data["notebooks"].items()))
    store.write_text(json.dumps(data, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="*", help="notebook name prefixes, e.g. 02 05")
    parser.add_argument("--quick", action="store_true", help="quick mode, as the tests run")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    parser.add_argument("--record", action="store_true", help=f"save the times to {RUN_TIMES.name}")
    parser.add_argument("--no-save", action="store_true", help="do not write the notebooks back")
    parser.add_argument(
        "--seed", type=int, help="another training seed: report, save and record nothing"
    )
    args = parser.parse_args(argv)
    for path in select(args.prefixes):
        elapsed = execute(path, args.quick, args.timeout, not args.no_save, args.seed)
        mode = "quick" if args.quick else "full"
        print(f"{path.name}: {elapsed:.0f} s ({mode} mode)", flush=True)
        if args.record and args.seed is None:
            record(path, args.quick, elapsed)
    return 0


if __name__ == "__main__":
    sys.exit(main())

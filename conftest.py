"""Test-session settings shared by the unit tests, the doctests and nbval.

The notebooks' kernels inherit this process's environment, so setting the
variables here puts every notebook run by ``pytest --nbval`` in quick mode
with TensorFlow's C++ logging silenced.
"""

import os

import matplotlib

# The student editions have no outputs to compare: tests/test_exercises.py grades them.
collect_ignore_glob = ["notebooks/student/*"]

os.environ.setdefault("CNN_COURSE_QUICK", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# Figures drawn by the unit tests go nowhere. Set for this process only: an MPLBACKEND
# variable would reach the notebook kernels and stop them from displaying their figures.
matplotlib.use("Agg")


def pytest_collection_modifyitems(config, items):
    """Ignore stderr when nbval compares notebook outputs.

    TensorFlow writes absl/oneDNN lines to the kernel's stderr that differ between
    a JupyterLab run and a pytest run (where ipykernel does not capture them), and
    Python warnings land there too. What a notebook claims is checked by its
    asserts and its stdout; stderr is noise for the comparison.
    """
    for item in items:
        parent = getattr(item, "parent", None)
        skip = getattr(parent, "skip_compare", None)
        if skip is not None and "stderr" not in skip:
            parent.skip_compare = tuple(skip) + ("stderr",)

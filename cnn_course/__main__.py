"""``python -m cnn_course``: the ``cnn-course`` command (see :mod:`cnn_course.cli`)."""

from __future__ import annotations

import sys

from cnn_course.cli import main

if __name__ == "__main__":
    sys.exit(main())

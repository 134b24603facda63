# cnn-course: two commands do everything on a fresh machine with Python >= 3.10.
#   make lab   - set up (if needed) and open the course in JupyterLab
#   make test  - set up (if needed) and run every test: unit tests, doctests, every notebook under nbval
# The virtual environment lives in .venv/ and is created when missing.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.cnn-course-installed
# pytest-xdist: one worker per core (at most 4: each notebook kernel holds TensorFlow, ~1 GB),
# whole files per worker so that a notebook's cells stay in one kernel. PYTEST_ARGS="-n 0" for one process.
PYTEST_ARGS ?= -n auto --maxprocesses 4 --dist loadfile
# JupyterLab refuses to run as root (containers, CI) unless told so.
LAB_ARGS ?= $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: setup lab test lint format bench site wheel min-versions notebooks student grade similarity autograder clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

lab: setup
	$(VENV)/bin/jupyter lab $(LAB_ARGS) notebooks/

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup
	$(PY) -m cnn_course.bench

notebooks: setup  # full-mode outputs + measured run times (quick mode timed, not saved)
	$(PY) scripts/run_notebooks.py --record
	$(PY) scripts/run_notebooks.py --quick --no-save --record
	$(PY) scripts/sync_notebooks.py --write
	$(PY) -m cnn_course.exercises.editions notebooks
	$(PY) scripts/course_site.py thumbnails
	$(PY) scripts/course_site.py readme

student: setup  # notebooks/student/NN_*.ipynb: the solutions replaced by ..., no outputs
	$(PY) -m cnn_course.exercises.editions notebooks

# make grade SUBMISSIONS=DIR NOTEBOOK=03 [GRADE_ARGS="--timeout 900 --jobs 2 --full"]
#   -> DIR/grades.csv and DIR/feedback/ (each submission in a bubblewrap sandbox)
grade: setup
	@test -n "$(SUBMISSIONS)" -a -n "$(NOTEBOOK)" || { echo "usage: make grade SUBMISSIONS=DIR NOTEBOOK=03"; exit 2; }
	$(PY) -m cnn_course.exercises.grading "$(SUBMISSIONS)" --notebook "$(NOTEBOOK)" $(GRADE_ARGS)

# make similarity SUBMISSIONS=DIR NOTEBOOK=03 -> DIR/similarity.html (answer cells compared)
similarity: setup
	@test -n "$(SUBMISSIONS)" -a -n "$(NOTEBOOK)" || { echo "usage: make similarity SUBMISSIONS=DIR NOTEBOOK=03"; exit 2; }
	$(PY) -m cnn_course.exercises.similarity "$(SUBMISSIONS)" --notebook "$(NOTEBOOK)"

# make autograder NOTEBOOK=03 -> dist/cnn_course_autograder_03.zip (upload to Gradescope)
autograder: wheel
	@test -n "$(NOTEBOOK)" || { echo "usage: make autograder NOTEBOOK=03"; exit 2; }
	$(VENV)/bin/cnn-course autograder "$(NOTEBOOK)" -o dist --wheel "$$(ls -t dist/cnn_course-*.whl | head -1)"

# the course site: Jupyter Book 1.x (book/_config.yml) from the saved outputs, offline
site: setup
	$(PY) scripts/course_site.py site --out site
	@echo "open site/index.html"

# dist/cnn_course-*.whl: the package with its data and notebooks (pip install it anywhere)
wheel: setup
	$(PY) -m pip wheel --no-deps --no-build-isolation -w dist .

# pyproject.toml's lower bounds, installed in a separate environment (downloads ~1 GB)
min-versions: setup
	$(PY) scripts/check_min_versions.py

clean:
	rm -rf $(VENV) site build dist *.egg-info

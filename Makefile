# nn-from-scratch: every command a student, an instructor or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt
LESSON ?=
STUDENT ?=
LAB_PORT ?= 8888
HUB_IP ?= 127.0.0.1
HUB_PORT ?= 8000

COURSE_STAMP := $(VENV)/.course-installed
TEST_STAMP   := $(VENV)/.test-installed

.PHONY: hub help lab instructor test test-fast lint lesson release grade feedback export report check bench system-deps setup clean

help: ## list the commands
	@echo "nn-from-scratch: make <target>"
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  %-12s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip

# The course includes lesson 11 (PyTorch): torch comes along, pinned to 2.13.0 by constraints.txt.
$(COURSE_STAMP): pyproject.toml constraints.txt | $(PY)
	$(PIP) -e ".[course,torch]"
	@touch $@

$(TEST_STAMP): pyproject.toml constraints.txt | $(PY)
	$(PIP) -e ".[test]"
	@touch $@ $(COURSE_STAMP)

setup: $(COURSE_STAMP) ## install the course (venv, nnlib, JupyterLab, nbgrader) and prepare the local gradebook and exchange
	$(PY) -m grader setup

lab: setup ## (students) set up once, then open the lessons in JupyterLab
	$(PY) -m grader lab --port $(LAB_PORT)

instructor: setup ## (instructors) JupyterLab with the instructor's tools (Formgrader, Create Assignment)
	$(PY) -m grader lab --instructor --port $(LAB_PORT)

hub: $(COURSE_STAMP) ## (instructors, as root) JupyterHub for a class on this server: PAM logins, formgrader service [HUB_IP=127.0.0.1 HUB_PORT=8000]
	PY=$(PY) bash grader/hub/install.sh
	$(PY) -m grader hub --ip $(HUB_IP) --port $(HUB_PORT)

system-deps: ## install bubblewrap, chromium and postgresql when missing (as root; CI runs this)
	@bash .ci/system-deps.sh

# The whole suite on TEST_WORKERS pytest-xdist workers (one test file, or all browser tests, per
# worker at a time: tests/conftest.py); TEST_WORKERS=0 runs it in this one process.
TEST_WORKERS ?= 2
XDIST := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadgroup)

test: $(TEST_STAMP) system-deps ## install the test extras and run the whole test suite (CI) [TEST_WORKERS=2]
	$(PY) -m grader setup
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

# Everything but the slow, browser, sandbox and PostgreSQL tests: under 2 minutes.
test-fast: $(TEST_STAMP) ## the quick tests (no slow, browser, sandbox or PostgreSQL tests)
	$(PY) -m pytest -m "not slow and not browser and not sandbox and not postgres" $(PYTEST_ARGS)

lint: $(TEST_STAMP) ## ruff: lint and formatting check (config in pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

lesson: $(TEST_STAMP) ## (course authors) build one lesson, prove its variants (one kernel, then the two-process grader), regenerate its release: make lesson LESSON=03_layers
	@test -n "$(LESSON)" || { echo "usage: make lesson LESSON=03_layers"; exit 2; }
	$(PY) -m grader build $(LESSON)
	$(PY) tests/lesson_harness.py $(LESSON)
	@if $(PY) -c "import sys; from grader.trusted import policy; sys.exit(not policy.two_process('$(LESSON)'))"; then \
		$(PY) tests/trusted_sweep.py $(LESSON); fi
	$(PY) -m grader release $(LESSON) --no-exchange

release: setup ## (instructors) rebuild lessons/ from solutions/ and release to the exchange [LESSON=id]
	$(PY) -m grader release $(LESSON)

grade: setup ## (instructors) collect, then autograde what is new on Dask [LESSON=id STUDENT=id SCHEDULER=tcp://host:8786; LMS zip: FROM=zip LMS=canvas|moodle ROSTER=csv]
	$(PY) -m grader collect $(LESSON) $(if $(STUDENT),--student $(STUDENT)) $(if $(FROM),--from-zip "$(FROM)" --lms "$(LMS)" --roster "$(ROSTER)")
	$(PY) -m grader autograde $(LESSON) $(if $(STUDENT),--student $(STUDENT)) $(if $(SCHEDULER),--scheduler "$(SCHEDULER)")

feedback: setup ## (instructors) generate and release feedback HTML [LESSON=id]
	$(PY) -m grader feedback $(LESSON)

export: setup ## (instructors) write grades.csv with a status column
	$(PY) -m grader export

report: setup ## (instructors) per-exercise class statistics, table and figure [LESSON=id]
	$(PY) -m grader report $(LESSON)

check: $(COURSE_STAMP) ## (students) run a lesson's visible tests (your fetched copy if any): make check LESSON=03_layers
	@test -n "$(LESSON)" || { echo "usage: make check LESSON=03_layers"; exit 2; }
	@$(PY) -m grader check --lesson $(LESSON)

submit: $(COURSE_STAMP) ## (students, no server) check a lesson and write the one file to upload: make submit LESSON=03_layers
	@test -n "$(LESSON)" || { echo "usage: make submit LESSON=03_layers"; exit 2; }
	$(PY) -m grader submit $(LESSON)

bench: $(TEST_STAMP) ## benchmarks printed as tables: nnlib vs torch, GEMM share, import time, autograde speedup (long)
	$(PY) benchmarks/run.py
	$(PY) benchmarks/bench_autograde.py $(BENCH_AUTOGRADE_ARGS)
	$(PY) benchmarks/bench_hub.py

clean: ## remove the venv and the runtime state (keeps state/student and state/to-upload: your work)
	rm -rf $(VENV)
	@test ! -d state || find state -mindepth 1 -maxdepth 1 ! -name student ! -name to-upload -exec rm -rf {} +

# The two set-up commands of the README: `make run` (the main job) and `make test` (the test suite).
# Both install into a project-local virtual environment (.venv), from the hashed lock file requirements.lock, so
# they work on an externally managed system Python (Debian, Ubuntu) as on pyenv, and never touch the global
# `sitrep` command. The install is redone only when requirements.lock or pyproject.toml change (a stamp file).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PIP_QUIET := --quiet --disable-pip-version-check
# a service or test that runs `sitrep` or `python` by name gets this checkout's
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: install jars run test lint unit bench lock clean distclean

install: $(STAMP)

$(PY):
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "error: '$(PYTHON) -m venv' failed; on Debian or Ubuntu: apt-get install python3-venv" >&2; exit 1; }

$(STAMP): requirements.lock pyproject.toml | $(PY)
	@echo "installing the locked dependencies into $(VENV) (once; again only when the lock changes) ..."
	$(PY) -m pip install $(PIP_QUIET) --require-hashes -r requirements.lock
	$(PY) -m pip install $(PIP_QUIET) --no-deps --no-build-isolation -e .
	@touch $@

# regenerate the locks from pyproject.toml, every file's hash included, with pip-tools in a throwaway environment of
# its own: requirements.lock (runtime + test tools: make run, make test, CI) and requirements-runtime.lock (the
# Docker image)
LOCK_TOOLS := .venv-lock
COMPILE := $(LOCK_TOOLS)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
  --no-emit-find-links --no-emit-index-url
lock:
	@[ -x $(LOCK_TOOLS)/bin/pip-compile ] || { $(PYTHON) -m venv $(LOCK_TOOLS) && \
	  $(LOCK_TOOLS)/bin/python -m pip install $(PIP_QUIET) pip-tools==7.6.2; }
	$(COMPILE) --extra test -o requirements.lock pyproject.toml
	$(COMPILE) -o requirements-runtime.lock pyproject.toml

# the Apache Kafka broker's jars, from Maven Central (cached in ~/.m2); skipped when KAFKA_BOOTSTRAP_SERVERS is set
jars: $(STAMP)
	@if [ -z "$$KAFKA_BOOTSTRAP_SERVERS" ]; then $(PY) -m sitrep.cli broker fetch; fi

# `make run RUN_ARGS="--port-base 19402"` passes options on (sitrep run --help)
RUN_ARGS ?=
run: $(STAMP) jars
	$(PY) -m sitrep.cli run $(RUN_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check services tests bench
	$(PY) -m mypy

unit: $(STAMP)
	$(PY) -m pytest tests/unit -q

# unit + integration tests against the real broker, SQLite and PostgreSQL; no retries: a flaky test is a bug
test: $(STAMP) jars lint
	$(PY) -m pytest tests -q

# benchmarks (not tests): each prints a table and writes bench/results/*.json
bench: $(STAMP) jars
	$(PY) -m pip install $(PIP_QUIET) -e '.[bench]'
	$(PY) bench/dedup_bench.py
	taskset -c 0 $(PY) bench/extract_bench.py --docs 300
	$(PY) bench/e2e.py

clean:
	-[ -x $(PY) ] && $(PY) -m sitrep.cli broker stop
	rm -rf .sitrep deploy/kafka/target

distclean: clean
	rm -rf $(VENV) $(LOCK_TOOLS)

# The two set-up commands of the README: `make run` (the main job) and `make test` (the test suite).
PYTHON ?= python3
PIP := $(PYTHON) -m pip

.PHONY: install jars run test lint unit bench clean

install:
	$(PIP) install --quiet --disable-pip-version-check -e '.[test]'

# the Apache Kafka broker's jars, from Maven Central (cached in ~/.m2); skipped when KAFKA_BOOTSTRAP_SERVERS is set
jars:
	@if [ -z "$$KAFKA_BOOTSTRAP_SERVERS" ]; then $(PYTHON) -m sitrep.cli broker fetch; fi

run: install jars
	$(PYTHON) -m sitrep.cli run

lint:
	$(PYTHON) -m ruff check services tests bench
	$(PYTHON) -m mypy

unit: install
	$(PYTHON) -m pytest tests/unit -q

# integration tests time real processes on a shared 2-core machine: a failure is retried once (and reported as such)
test: install jars lint
	$(PYTHON) -m pytest tests -q --reruns 1 --reruns-delay 2

# benchmarks (not tests): each prints a table and writes bench/results/*.json
bench: install jars
	$(PYTHON) bench/dedup_bench.py
	taskset -c 0 $(PYTHON) bench/extract_bench.py --docs 300
	$(PYTHON) bench/e2e.py

clean:
	-$(PYTHON) -m sitrep.cli broker stop
	rm -rf .sitrep deploy/kafka/target

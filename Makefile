VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: install run test lint lock wheel-check clean soak bench

install: $(VENV)/.installed

# Exact versions from requirements.lock (hash-checked), so a replayed decision runs on the same libraries;
# then the project itself, editable, without re-resolving its dependencies.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	PYTHONWARNINGS=ignore $(PY) -m pip install -q --no-deps -e .  # setuptools' notes on editable installs are not problems
	touch $@

# Re-resolve requirements.lock after changing dependencies in pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --extra test --extra dev --extra postgres --python-version 3.11 \
		--generate-hashes -o requirements.lock

run: install
	$(VENV)/bin/regimes serve --host 127.0.0.1 --port 8000

test: install lint
	REGIMES_REQUIRE_COVERAGE=1 $(VENV)/bin/pytest -q

soak: install
	REGIMES_SOAK_CASES=100000 $(VENV)/bin/pytest -q -p no:cacheprovider tests/test_differential.py -k matches
	$(VENV)/bin/python -m bench.soak

bench: install
	$(VENV)/bin/python -m bench.run

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# Build the wheel, install it into a fresh virtualenv outside the checkout, and use it there.
wheel-check: install
	bash .ci/wheel-check

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache

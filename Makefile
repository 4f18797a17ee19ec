VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: install run test lint clean soak bench

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

run: install
	$(VENV)/bin/regimes serve --host 127.0.0.1 --port 8000

test: install
	$(VENV)/bin/ruff check .
	REGIMES_REQUIRE_COVERAGE=1 $(VENV)/bin/pytest -q

soak: install
	REGIMES_SOAK_CASES=100000 $(VENV)/bin/pytest -q -p no:cacheprovider tests/test_differential.py -k matches
	$(VENV)/bin/python -m bench.soak

bench: install
	$(VENV)/bin/python -m bench.run

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache

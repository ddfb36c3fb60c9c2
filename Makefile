# The two commands that matter: `make demo` and `make test`.
# Both set up what they need: system packages (OBS Studio, Xvfb, fonts) with apt-get
# when run as root, and a virtual environment in .venv with the project installed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSTEM_PACKAGES := obs-studio curl xvfb xauth ffmpeg fonts-noto-core libegl1 libgl1 libxkbcommon-x11-0 libxcb-cursor0 poppler-utils
PYTEST_ARGS ?=

.PHONY: help deps venv demo demo-replay run test lint typecheck architecture unit bench clean

help:
	@echo "make demo   set everything up and run the console on the demo show with a private OBS"
	@echo "make demo-replay  fill the demo database with a simulated finished show day and review it"
	@echo "make run    run the console against your own OBS (default ws://127.0.0.1:4455)"
	@echo "make test   set everything up and run the whole test suite"
	@echo "make bench  run the benchmarks (prints ratios; not a pass/fail test)"

# Installs the missing system packages as root; otherwise prints the one command to run.
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if ! command -v apt-get >/dev/null; then \
			echo "error: missing$$missing and no apt-get here: install OBS Studio and Xvfb yourself"; exit 1; \
		elif [ "$$(id -u)" -ne 0 ]; then \
			echo "error: missing system packages:$$missing"; \
			echo "run:   sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
		fi; \
		echo "installing system packages:$$missing"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "error: Python 3.11 or newer is needed ($(PYTHON) is older)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ echo "error: cannot create a virtual environment: run 'sudo apt-get install python3-venv'"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

demo: deps venv
	$(BIN)/conference-console demo

demo-replay: venv
	$(BIN)/conference-console demo --replay --open-review

run: venv
	$(BIN)/conference-console run

lint: venv
	$(BIN)/ruff check console tests bench

typecheck: venv
	$(BIN)/mypy

architecture: venv
	$(BIN)/lint-imports

test: deps venv lint typecheck architecture
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: deps venv
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

# The two commands of the README: `make demo` and `make test`.
# Both set up everything they need first (Debian packages, a virtual
# environment with pinned packages) and are safe to run again.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
DEBS   := python3-venv chromium fonts-noto-cjk redis-server
DATA   ?= fakegov-data

.PHONY: setup demo test bench clean

setup: .debs-installed $(VENV)/.installed

.debs-installed:
	@if ! dpkg -s $(DEBS) >/dev/null 2>&1; then \
	  echo "installing Debian packages: $(DEBS)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(DEBS) >/dev/null; \
	fi
	@touch $@

$(VENV)/.installed: pyproject.toml | .debs-installed
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

demo: setup
	$(BIN)/fakegov demo --data $(DATA)

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/fakegov bench detectors
	$(BIN)/fakegov bench crawl

clean:
	rm -rf $(VENV) .debs-installed $(DATA)

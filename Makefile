# The README's two commands: `make test` and `make demo`. Each installs what is missing
# (Debian packages as root, a .venv with the project, npm packages for Allure Report 3) and is
# fast and idempotent when everything is already there.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SYSTEM_PACKAGES := chromium libzbar0 prometheus prometheus-pushgateway prometheus-alertmanager
PYTEST_ARGS ?= -n 2

.PHONY: test demo setup system-packages lint clean

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

demo: setup
	$(PY) -m reports demo

lint: setup
	$(VENV)/bin/ruff check .

setup: system-packages $(VENV)/.installed $(if $(wildcard package-lock.json),node_modules/.installed)

# Install only the Debian packages that are missing; as non-root, say what to run instead.
system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "missing Debian packages:$$missing; run 'sudo apt-get install -y$$missing' then 'make' again" >&2; exit 2; \
	  fi; \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

clean:
	rm -rf $(VENV) node_modules out .pytest_cache

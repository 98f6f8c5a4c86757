# The README's two commands: `make test` and `make demo`. Each installs what is missing
# (Debian packages as root, a .venv from the hashed lock files, npm packages for Allure Report 3)
# and is fast and idempotent when everything is already there. `make lock` re-pins the Python
# dependencies after pyproject.toml changed; `make image` / `make image-test` build and try the
# container image with podman.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SYSTEM_PACKAGES := chromium chromium-headless-shell libzbar0 \
	prometheus prometheus-pushgateway prometheus-alertmanager
IMAGE_PACKAGES := podman runc mmdebstrap
# Three workers per core: a browser test spends much of its time waiting (a child process, an
# alert's delay, a fresh TOTP step, a second sandbox), which other workers' tests fill. A worker
# holds at most two tests ahead, so the longest files (taken first, by .test_durations) spread
# over the workers instead of all landing in the first worker's opening chunk.
WORKERS ?= $(shell echo $$((3 * $$(nproc))))
PYTEST_ARGS ?= -n $(WORKERS) --maxschedchunk 1
SOURCES := adhoc authenticator bench monitors pages reports sandbox wording
LOCK := requirements/lock.txt
DEV_LOCK := requirements/dev.lock.txt
# `make lock UPGRADE=1` moves every pin to the newest version that fits pyproject.toml.
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
# No registry is reachable from our machines: the default base is built from Debian's packages
# (mmdebstrap) and imported. Elsewhere: make image BASE_IMAGE=docker.io/library/python:3.11-slim-bookworm
IMAGE ?= localhost/eespresso-monitors:dev
LOCAL_BASE := localhost/eespresso-base:bookworm
BASE_IMAGE ?= $(LOCAL_BASE)
BASE_TAR := out/image/base-bookworm.tar
# runc, host network and explicit ulimits: see deploy/containers.conf.
PODMAN := CONTAINERS_CONF=$(CURDIR)/deploy/containers.conf podman
# The host's CA bundle, handed to the build as a secret (pip behind a TLS-inspecting proxy).
CA_BUNDLE ?= $(wildcard /etc/ssl/certs/ca-certificates.crt)
, := ,
CA_SECRET := $(if $(CA_BUNDLE),--secret id=ca-bundle$(,)src=$(CA_BUNDLE))

.PHONY: test test-modules demo setup system-packages image-packages lock image base-image image-test lint clean clean-image

# The image is not built first: the run starts `make image` in the background when it collects a
# container test, and those tests run last (tests/fixtures/scheduling.py).
# Failed tests run once more with their Playwright traces kept (scrubbed, under test-results/),
# as Playwright Test's `trace: on-first-retry`; the status stays the first run's: a test that
# passes on its second try is still a failure.
test: setup
	@$(MAKE) -s --no-print-directory -j 2 image-packages test-modules
	@$(PY) -m pytest $(PYTEST_ARGS) || { status=$$?; [ $$status != 1 ] || { \
	  echo "re-running the failed tests once to keep their traces (test-results/)"; \
	  $(PY) -m pytest $(PYTEST_ARGS) --last-failed --tracing=retain-on-failure; \
	  echo "make test: FAILED (see the first run above; the re-run only kept traces)"; }; \
	  exit $$status; }

demo: setup
	$(PY) -m reports demo

lint: setup
	$(VENV)/bin/ruff check .

# The project's own modules byte-compiled (only those changed since): where Python may not write
# bytecode (PYTHONDONTWRITEBYTECODE), every process would compile each module it imports, about
# 40 ms per command-line start. (Test modules are compiled by pytest, which rewrites them.)
# The venv and the npm packages install side by side (neither uses apt).
setup: system-packages
	@$(MAKE) -s --no-print-directory -j 2 $(VENV)/.installed \
	  $(if $(wildcard package-lock.json),node_modules/.installed)
	@$(PY) -m compileall -q -j 0 $(SOURCES) >/dev/null

# pytest rewrites the asserts of each test module it imports, and keeps the result only where
# Python may write bytecode: rewritten here once (two collections side by side), not by each
# worker of the run (about 3 s each) nor by each pytest the suite starts itself; while the
# container tools install.
test-modules: $(VENV)/.installed
	@for part in tests/unit tests/e2e; do \
	  env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -q --collect-only -p no:cacheprovider \
	    $$part >/dev/null & \
	done; wait

# Install only the Debian packages that are missing; as non-root, say what to run instead.
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "missing Debian packages:$$missing; run 'sudo apt-get install -y$$missing' then 'make' again" >&2; exit 2; \
	  fi; \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

system-packages:
	$(call apt_install,$(SYSTEM_PACKAGES))

image-packages:
	$(call apt_install,$(IMAGE_PACKAGES))

# The venv installs exactly the locked versions (every file checked against its hash), then the
# project itself without dependencies; a lock older than pyproject.toml stops here in one line.
$(VENV)/.installed: pyproject.toml $(LOCK) $(DEV_LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r $(DEV_LOCK)
	$(PY) requirements/check_lock.py
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	@touch $@

# Re-pin after pyproject.toml changed (e.g. after a merge): keeps every pin that still fits,
# adds what is new. The dev lock first; the runtime lock takes the same versions from it.
lock:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(VENV)/bin/uv || $(PY) -m pip install -q "$$(grep -m1 '^uv==' $(DEV_LOCK) | cut -d' ' -f1)"
	$(PY) -c 'import tomllib; print("# Generated by make lock from pyproject.toml [build-system] requires.");\
	  [print(r) for r in tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]]' \
	  > requirements/build.in
	$(UV_COMPILE) --extra dev pyproject.toml requirements/build.in -o $(DEV_LOCK)
	$(UV_COMPILE) pyproject.toml requirements/build.in -c $(DEV_LOCK) -o $(LOCK)
	$(PY) requirements/check_lock.py

# Cached: the Debian tarball in out/image/ and the imported image; `make clean-image` drops both.
base-image: image-packages
	@$(PODMAN) image exists $(LOCAL_BASE) || { \
	  mkdir -p $(dir $(BASE_TAR)); \
	  if [ ! -s $(BASE_TAR) ]; then \
	    echo "building $(LOCAL_BASE) from Debian's packages (mmdebstrap, about a minute)"; \
	    mmdebstrap --quiet --format=tar --variant=minbase bookworm $(BASE_TAR).part \
	      && mv $(BASE_TAR).part $(BASE_TAR); \
	  fi && $(PODMAN) import --quiet $(BASE_TAR) $(LOCAL_BASE) >/dev/null; }

# Layers are cached by podman: a rebuild after a code change only reinstalls the project. The
# image it replaces is removed, so rebuilds do not fill the disk.
image: image-packages $(if $(filter $(LOCAL_BASE),$(BASE_IMAGE)),base-image)
	@old=$$($(PODMAN) image inspect --format '{{.Id}}' $(IMAGE) 2>/dev/null); \
	$(PODMAN) build --quiet --file deploy/Containerfile --build-arg BASE_IMAGE=$(BASE_IMAGE) \
	  $(CA_SECRET) --tag $(IMAGE) . >/dev/null || exit 1; \
	new=$$($(PODMAN) image inspect --format '{{.Id}}' $(IMAGE)); \
	if [ -n "$$old" ] && [ "$$old" != "$$new" ]; then $(PODMAN) rmi "$$old" >/dev/null 2>&1 || true; fi; \
	$(PODMAN) image inspect --format 'image $(IMAGE): {{.Size}} bytes' $(IMAGE)

# One probe inside the image (non-root, read-only root filesystem, tmpfs /tmp, no capability,
# deploy/seccomp/eespresso-chromium.json) against a sandbox on the host's loopback, and
# chrome://sandbox read in the image: tests/e2e/test_container_image.py.
image-test: setup image
	$(PY) -m pytest -p no:xdist -m container tests/e2e/test_container_image.py

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

clean:
	rm -rf $(VENV) node_modules out .pytest_cache

clean-image:
	-$(PODMAN) rmi --force $(IMAGE) $(LOCAL_BASE)
	rm -f $(BASE_TAR)

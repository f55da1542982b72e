# Two commands do everything on a fresh Debian machine: `make demo` and `make test`.
# Each installs what is missing (Debian packages, then a .venv with the package and its dev extras) and runs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := espeak-ng libespeak-ng1 libportaudio2 pulseaudio pulseaudio-utils libasound2-plugins alsa-utils sox chromium chromium-driver openssl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test test-fast system-deps venv fixtures bench clean

demo: system-deps venv
	$(BIN)/voice-interviewer demo $(DEMO_ARGS)

test: system-deps venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Only what needs none of the slow tiers (see the markers in pyproject.toml): pure tests, under 2 minutes.
test-fast: venv
	$(BIN)/python -m pytest -m "not model and not sound and not cli and not browser and not root and not wheel and not slow" $(PYTEST_ARGS)

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

venv: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

fixtures: system-deps venv
	$(BIN)/python audio_fixtures/make_fixtures.py

bench: system-deps venv
	$(BIN)/python benchmarks/latency.py --quick

clean:
	rm -rf $(VENV) .pytest_cache test-output

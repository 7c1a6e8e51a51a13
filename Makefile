# Yinjian — two commands: `make run` and `make test`. Each installs what is missing
# (only from the package registries) and is safe to repeat.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
SITE := $(CURDIR)/target/site
WASM_BINDGEN_VERSION := 0.2.130
NODE_BIN := $(CURDIR)/end2end/node_modules/.bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
export TEST_DATABASE_URL
# wasm features rustc enables by default for wasm32-unknown-unknown
WASM_OPT_FEATURES := --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
	--enable-mutable-globals --enable-reference-types --enable-multivalue

SEAL_DEV ?= $(CURDIR)/../shared/seal-dev

.PHONY: eval stress bench bench-load test-deploy bench-wasm fuzz run test deps deps-browser deps-clamav deps-rsyslog build site-debug site-release bundle server-debug server-release \
	fmt-check clippy unit e2e pg-check clean

## ---- setup ---------------------------------------------------------------------------------

deps:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if ! wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)"; then \
		echo ">> installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); fi
	@if [ ! -x "$(NODE_BIN)/playwright" ] || [ ! -x "$(NODE_BIN)/wasm-opt" ]; then \
		echo ">> installing end2end npm packages"; \
		cd end2end && npm ci --no-audit --no-fund; fi

deps-browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		echo ">> installing Chromium from Debian's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; fi

# ClamAV's daemon for the malware-scanning tests, which start their own clamd (private socket,
# one-signature database): the package's own service and freshclam are not used.
deps-clamav:
	@if ! command -v clamd >/dev/null && [ ! -x /usr/sbin/clamd ]; then \
		echo ">> installing clamd from Debian's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clamav-daemon; fi

# rsyslog, the reference collector of the audit-forwarding test (which starts its own, on a
# private port and config); the package's own service is not used.
deps-rsyslog:
	@if [ ! -x /usr/sbin/rsyslogd ]; then \
		echo ">> installing rsyslog from Debian's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsyslog; fi

## ---- build -----------------------------------------------------------------------------------

# The browser bundle: cargo + wasm-bindgen (+ wasm-opt in release) into target/site/pkg.
bundle:
	mkdir -p $(SITE)/pkg
	wasm-bindgen --target web --no-typescript --out-dir $(SITE)/pkg --out-name yinjian \
		$(TARGET_DIR)/wasm32-unknown-unknown/$(PROFILE_DIR)/frontend.wasm
	mv -f $(SITE)/pkg/yinjian_bg.wasm $(SITE)/pkg/yinjian.wasm
	cat style/main.css $(filter-out style/main.css style/print.css,$(sort $(wildcard style/*.css))) style/print.css > $(SITE)/pkg/yinjian.css
	cp public/* $(SITE)/
	cp public/matcher-worker.js $(SITE)/pkg/matcher-worker.js

site-debug: deps
	cargo build -p frontend --target wasm32-unknown-unknown
	$(MAKE) --no-print-directory bundle PROFILE_DIR=debug

site-release: deps
	cargo build -p frontend --target wasm32-unknown-unknown --profile wasm-release
	$(MAKE) --no-print-directory bundle PROFILE_DIR=wasm-release
	$(NODE_BIN)/wasm-opt -Oz $(WASM_OPT_FEATURES) $(SITE)/pkg/yinjian.wasm -o $(SITE)/pkg/yinjian.wasm
	@ls -l $(SITE)/pkg/yinjian.wasm | awk '{ printf ">> wasm bundle: %d KB\n", $$5/1024 }'

server-debug:
	cargo build -p server

server-release:
	cargo build -p server --release

build: site-debug server-debug

## ---- make run --------------------------------------------------------------------------------

run: deps site-release server-release
	mkdir -p data
	DATABASE_URL="$${DATABASE_URL:-sqlite://data/yinjian.db}" YINJIAN_DEMO="$${YINJIAN_DEMO:-true}" \
		$(TARGET_DIR)/release/yinjian serve

## ---- make test -------------------------------------------------------------------------------

fmt-check:
	cargo fmt --all -- --check

clippy:
	cargo clippy -p app -p server --features app/ssr --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# Decide whether the PostgreSQL half runs: required when a server answers, loudly skipped otherwise.
pg-check:
	@if timeout 5 psql "$(TEST_DATABASE_URL)" -qtAc 'select 1' >/dev/null 2>&1; then \
		echo ">> PostgreSQL answers at $(TEST_DATABASE_URL): store tests run on both databases"; \
		echo 1 > $(TARGET_DIR)/.pg-required; \
	else \
		echo ""; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!!! NO PostgreSQL at $(TEST_DATABASE_URL): running the SQLite half ONLY."; \
		echo "!!! Start one (see README) or set TEST_DATABASE_URL; CI always runs both."; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo ""; \
		echo 0 > $(TARGET_DIR)/.pg-required; \
	fi

unit: pg-check
	YINJIAN_REQUIRE_PG=$$(cat $(TARGET_DIR)/.pg-required) cargo test -p app --features ssr
	YINJIAN_REQUIRE_PG=$$(cat $(TARGET_DIR)/.pg-required) cargo test -p server

e2e: deps deps-browser site-debug server-debug
	cd end2end && YINJIAN_BIN=$(TARGET_DIR)/debug/yinjian YINJIAN_SITE_ROOT=$(SITE) $(NODE_BIN)/playwright test

# docs/deploy.md on this machine: two instances on one PostgreSQL behind nginx with TLS, and a
# browser smoke test through https:// (deploy/try-local.sh).
test-deploy: deps deps-browser site-debug server-debug
	YINJIAN_BIN=$(TARGET_DIR)/debug/yinjian YINJIAN_SITE_ROOT=$(SITE) deploy/try-local.sh

test: deps deps-browser deps-clamav deps-rsyslog
	@mkdir -p $(TARGET_DIR)
	$(MAKE) --no-print-directory fmt-check
	$(MAKE) --no-print-directory clippy
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory e2e
	$(MAKE) --no-print-directory test-deploy

## ---- the seal matcher's figures ------------------------------------------------------------

# Accuracy, alignment and speed on the development set (path configurable: SEAL_DEV=…).
eval:
	cargo run --release -p app --example eval -- $(SEAL_DEV)

# A harsher synthetic stress set made from the registered impressions (see app/examples/stress.rs).
stress:
	cargo run --release -p app --example stress -- $(SEAL_DEV)

# Criterion benchmarks of the matcher (native, one thread).
bench:
	cargo bench -p app --bench matcher

# The matcher in headless Chromium, release bundle (median per pair).
# The load benchmark (#14): real release servers, N clerks in a closed loop. Figures in the README.
LOAD_CLERKS ?= 100
LOAD_SECS ?= 20
LOAD_SHARE ?= 0.1
LOAD_OUT ?= $(TARGET_DIR)/bench-load.json
bench-load: pg-check
	cargo build --release -p server --bin yinjian --example load
	rm -f $(LOAD_OUT)
	@set -e; L=$(TARGET_DIR)/release/examples/load; C="--clerks $(LOAD_CLERKS) --secs $(LOAD_SECS) --json $(LOAD_OUT)"; \
	$$L --db sqlite --instances 1 --submit-share 0 $$C; \
	$$L --db sqlite --instances 1 --submit-share 0 --sync normal $$C; \
	$$L --db sqlite --instances 1 --submit-share $(LOAD_SHARE) $$C; \
	if [ "$$(cat $(TARGET_DIR)/.pg-required)" = 1 ]; then \
	  $$L --db postgres --instances 1 --submit-share 0 $$C; \
	  $$L --db postgres --instances 3 --submit-share 0 $$C; \
	  $$L --db postgres --instances 1 --submit-share $(LOAD_SHARE) $$C; \
	  $$L --db postgres --instances 3 --submit-share $(LOAD_SHARE) $$C; \
	fi
	@echo ">> figures in $(LOAD_OUT)"

bench-wasm: deps deps-browser site-release server-debug
	cd end2end && YINJIAN_BIN=$(TARGET_DIR)/debug/yinjian YINJIAN_SITE_ROOT=$(SITE) \
		$(NODE_BIN)/playwright test -c playwright.bench.config.ts

# Fuzz decode + match with libFuzzer on stable (no sanitizer); FUZZ_SECONDS=60 by default.
FUZZ_SECONDS ?= 60
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	mkdir -p app/fuzz/corpus/decode_match
	cd app/fuzz && cargo fuzz run -s none decode_match corpus/decode_match ../tests/fixtures/seal/registered \
		-- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096

clean:
	cargo clean
	rm -rf end2end/test-results end2end/.run

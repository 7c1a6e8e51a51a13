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

.PHONY: eval stress synth-eval bench bench-load bench-load-page bench-inbox test-deploy bench-wasm fuzz run test deps deps-browser deps-clamav deps-rsyslog build site-debug site-release bundle wasm-split-tool server-debug server-release \
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
# private port and config); the package's own service is not used. rsyslog-gnutls for its TLS
# listener (syslog+tls://, RFC 5425).
deps-rsyslog:
	@if [ ! -x /usr/sbin/rsyslogd ] || ! ls /usr/lib/*/rsyslog/lmnsd_gtls.so >/dev/null 2>&1; then \
		echo ">> installing rsyslog and rsyslog-gnutls from Debian's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsyslog rsyslog-gnutls; fi

## ---- build -----------------------------------------------------------------------------------

# The browser bundle: cargo + wasm-bindgen (+ wasm-opt in release) into target/site/pkg.
# The application's module is split at its lazy routes first (crates/wasm-split: the page
# modules split_*.wasm, shared chunk_*.wasm, the link module and its manifest), then wasm-bindgen
# runs on the main module (keeping the exports the link module needs).
WASM_DIR = $(TARGET_DIR)/wasm32-unknown-unknown/$(PROFILE_DIR)
bundle:
	mkdir -p $(SITE)/pkg
	$(TARGET_DIR)/release/yinjian-wasm-split $(WASM_DIR)/frontend.wasm $(WASM_DIR)/frontend_split.wasm $(SITE)/pkg
	wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle --out-dir $(SITE)/pkg --out-name yinjian \
		$(WASM_DIR)/frontend_split.wasm
	mv -f $(SITE)/pkg/yinjian_bg.wasm $(SITE)/pkg/yinjian.wasm
	wasm-bindgen --target web --no-typescript --out-dir $(SITE)/pkg --out-name matcher \
		$(TARGET_DIR)/wasm32-unknown-unknown/$(PROFILE_DIR)/matcher_wasm.wasm
	mv -f $(SITE)/pkg/matcher_bg.wasm $(SITE)/pkg/matcher.wasm
	cat style/main.css $(filter-out style/main.css style/print.css,$(sort $(wildcard style/*.css))) style/print.css > $(SITE)/pkg/yinjian.css
	cp public/* $(SITE)/
	cp public/matcher-worker.js $(SITE)/pkg/matcher-worker.js

# The splitter needs the application's module linked with its relocations (--emit-relocs, on
# the frontend crate alone: its dependencies are not rebuilt).
wasm-split-tool:
	cargo build --release -p wasm-split

# The page's WASM stack (in linear memory; Rust's default is 1 MiB). Rendering a deep page (a
# slip with its timeline inside the menu's layout) in a debug build overran 1 MiB, which shows
# as "memory access out of bounds" in the page, not as a stack overflow.
WASM_STACK := -C link-arg=-zstack-size=8388608

site-debug: deps wasm-split-tool
	cargo build -p matcher-wasm --target wasm32-unknown-unknown
	cargo rustc -p frontend --lib --crate-type cdylib --target wasm32-unknown-unknown -- -C link-arg=--emit-relocs $(WASM_STACK)
	$(MAKE) --no-print-directory bundle PROFILE_DIR=debug
	node frontend/fingerprint.mjs $(SITE)/pkg 4

site-release: deps wasm-split-tool
	cargo build -p matcher-wasm --target wasm32-unknown-unknown --profile wasm-release
	cargo rustc -p frontend --lib --crate-type cdylib --target wasm32-unknown-unknown --profile wasm-release -- -C link-arg=--emit-relocs $(WASM_STACK)
	$(MAKE) --no-print-directory bundle PROFILE_DIR=wasm-release
	@# (chunks under 4 KB, most of them, gain nothing from it)
	@ls $(SITE)/pkg/yinjian.wasm $(SITE)/pkg/split_*.wasm $(SITE)/pkg/chunk_*.wasm | \
	  while read -r f; do if [ "$$(stat -c %s "$$f")" -ge 4096 ]; then echo "$$f"; fi; done | \
	  xargs -r -P 2 -I{} $(NODE_BIN)/wasm-opt -Oz $(WASM_OPT_FEATURES) {} -o {}
	$(NODE_BIN)/wasm-opt -O3 $(WASM_OPT_FEATURES) $(SITE)/pkg/matcher.wasm -o $(SITE)/pkg/matcher.wasm
	node frontend/fingerprint.mjs $(SITE)/pkg

server-debug:
	cargo build -p server

server-release:
	cargo build -p server --release

build: site-debug server-debug

## ---- make run --------------------------------------------------------------------------------

run: deps site-release server-release
	mkdir -p -m 0700 data
	DATABASE_URL="$${DATABASE_URL:-sqlite://data/yinjian.db}" YINJIAN_DEMO="$${YINJIAN_DEMO:-true}" \
		$(TARGET_DIR)/release/yinjian serve

## ---- make test -------------------------------------------------------------------------------

fmt-check:
	cargo fmt --all -- --check

clippy:
	cargo clippy -p matcher -p matcher-protocol -p wasm-split --all-targets -- -D warnings
	cargo clippy -p app -p server --features app/ssr --all-targets -- -D warnings
	cargo clippy -p frontend -p matcher-wasm --target wasm32-unknown-unknown -- -D warnings

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
	cargo test -p matcher -p matcher-protocol
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
	cargo run --release -p matcher --example eval -- $(SEAL_DEV)

# A harsher synthetic stress set made from the registered impressions (see crates/matcher/examples/stress.rs).
stress:
	cargo run --release -p matcher --example stress -- $(SEAL_DEV)

# Our own synthetic pairs on CJK fonts the dev set does not use, scored with the shipped
# weights and bands (fonts from Debian, installed here only; SYNTH_DIR=… to keep the sets).
SYNTH_DIR ?= $(TARGET_DIR)/synth
SYNTH_FONTS = /usr/share/fonts/truetype/arphic-bkai00mp/bkai00mp.ttf /usr/share/fonts/truetype/arphic-bsmi00lp/bsmi00lp.ttf \
	/usr/share/fonts/truetype/cwtex/cwkai.ttf /usr/share/fonts/truetype/cwtex/cwming.ttf /usr/share/fonts/truetype/cwtex/cwfs.ttf
synth-eval:
	@for f in $(SYNTH_FONTS); do test -f $$f || { apt-get install -y fonts-arphic-bkai00mp fonts-arphic-bsmi00lp fonts-cwtex-kai fonts-cwtex-ming fonts-cwtex-fs; break; }; done
	cargo build --release -p matcher --example synth --example eval
	$(TARGET_DIR)/release/examples/synth $(SYNTH_DIR)/normal $(addprefix --font ,$(SYNTH_FONTS)) --count 150 --seed 7
	$(TARGET_DIR)/release/examples/synth $(SYNTH_DIR)/harsh $(addprefix --font ,$(SYNTH_FONTS)) --count 150 --seed 11 --harsh
	$(TARGET_DIR)/release/examples/eval $(SYNTH_DIR)/normal | sed -n '/^bands at shipped/,$$p'
	$(TARGET_DIR)/release/examples/eval $(SYNTH_DIR)/harsh | sed -n '/^bands at shipped/,$$p'

# Criterion benchmarks of the matcher (native, one thread).
bench:
	cargo bench -p matcher --bench matcher

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
	$$L --db sqlite --instances 1 --submit-share 0 --login-flood 8 $$C; \
	if [ "$$(cat $(TARGET_DIR)/.pg-required)" = 1 ]; then \
	  $$L --db postgres --instances 1 --submit-share 0 $$C; \
	  $$L --db postgres --instances 3 --submit-share 0 $$C; \
	  $$L --db postgres --instances 1 --submit-share $(LOAD_SHARE) $$C; \
	  $$L --db postgres --instances 3 --submit-share $(LOAD_SHARE) $$C; \
	  $$L --db postgres --instances 1 --submit-share 0 --login-flood 8 $$C; \
	fi
	@echo ">> figures in $(LOAD_OUT)"

# The menu's counts and the inbox with a year of look-ups (100,000; #39): p50/p95 per role, on
# SQLite and (when PostgreSQL is there) PostgreSQL. Not part of `make test`.
bench-inbox: pg-check
	cargo build --release -p server --example bench_inbox
	$(TARGET_DIR)/release/examples/bench_inbox --db sqlite
	@if [ "$$(cat $(TARGET_DIR)/.pg-required)" = 1 ]; then $(TARGET_DIR)/release/examples/bench_inbox --db postgres; fi

bench-wasm: deps deps-browser site-release server-debug
	cd end2end && YINJIAN_BIN=$(TARGET_DIR)/debug/yinjian YINJIAN_SITE_ROOT=$(SITE) \
		$(NODE_BIN)/playwright test -c playwright.bench.config.ts matcher workbench

# Cold page loads with Chromium's CPU throttled 4× (a tablet): bytes (gzip and over the wire) for
# /login and /compare, navigation → hydrated, → first click handled. Release server and bundle.
bench-load-page: deps deps-browser site-release server-release
	cd end2end && YINJIAN_BIN=$(TARGET_DIR)/release/yinjian YINJIAN_SITE_ROOT=$(SITE) \
		$(NODE_BIN)/playwright test -c playwright.bench.config.ts page-load

# Fuzz decode + match with libFuzzer on stable (no sanitizer); FUZZ_SECONDS=60 by default.
FUZZ_SECONDS ?= 60
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	mkdir -p crates/matcher/fuzz/corpus/decode_match
	cd crates/matcher/fuzz && cargo fuzz run -s none decode_match corpus/decode_match ../tests/fixtures/seal/registered \
		-- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096

clean:
	cargo clean
	rm -rf end2end/test-results end2end/.run

# `make run` and `make test` work on a fresh machine: each installs what is missing first.
SHELL := bash
# binaryen's wasm-opt from node_modules must come first: Trunk checks its version.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true

.PHONY: run test parity build size bench bench-native fuzz tools-build tools-test tools-fuzz clean

## run: build the release page and serve it on http://127.0.0.1:8080 until stopped, with the
## same-origin relay (crates/relay) so the live check works for workspaces that refuse browsers
run: build
	cargo run --release --locked -p dbx-check-relay -- --dist dist --port 8080

## test: formatting, lints, native, browser and end-to-end tests; ends with "N passed, N failed"
test: tools-test
	scripts/test.sh

## parity: Airflow's own Databricks provider (the Airflow venvs of the tests) and the core's
## check against the same fake workspace, every scenario and sign-in; fails on any difference
## in what is sent or concluded, prints the header differences; table in artifacts/parity.md
parity:
	scripts/parity.sh

## build: the release build in dist/ (wasm-opt -Oz)
build: tools-build
	cargo fetch --locked
	trunk build --release

## size: bytes of each file of the release build, raw, gzip -9 and brotli
size: build
	node scripts/size.mjs dist

## bench: one table of figures beside their references: bytes over the wire and time to
## interactive (the floor: bench/floor, a minimal Yew page), analysis time per keystroke
## (in Chromium and natively), time to a verdict (the page's check and `airflow connections test`)
bench: tools-test build
	scripts/bench.sh

## bench-native: only the native analysis timings, whole-form figure last (no browser).
bench-native:
	scripts/bench.sh --native

## fuzz: coverage-guided fuzzing of every core entry point (cargo-fuzz on nightly), one
## table of executions, exec/s, slowest unit and crashes; crash inputs go to fuzz/regressions/.
## FUZZ_RUNS (default 1000000) and FUZZ_SECONDS (default 600) bound each target.
fuzz: tools-fuzz
	scripts/fuzz.sh

tools-build:
	scripts/tools.sh build

tools-test:
	scripts/tools.sh test

tools-fuzz:
	scripts/tools.sh fuzz

clean:
	cargo clean
	rm -rf dist artifacts bench/floor/dist

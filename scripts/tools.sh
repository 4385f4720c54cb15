#!/usr/bin/env bash
# Installs what the project needs, skipping whatever is already present at the right
# version. Usage: scripts/tools.sh build   (wasm target, Trunk, wasm-bindgen, wasm-opt)
#                 scripts/tools.sh test    (the above, plus Chromium and its driver, zsh, and the
#                                           Airflow 2 and 3 venvs of scripts/airflow-venvs.sh)
#                 scripts/tools.sh fuzz    (cargo-fuzz, for `make fuzz` on the nightly toolchain)
# Pins and why (docs/toolchain.md): newer Trunk needs a newer rustc, and the wasm-bindgen
# CLI must equal the wasm-bindgen crate in Cargo.lock.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# One source of truth for the wasm-bindgen version: the lock file.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

say() { printf '==> %s\n' "$*" >&2; }

# True when COMMAND exists and `COMMAND --version` mentions VERSION.
has_version() {
    command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"
}

ensure_wasm_target() {
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        say "adding the wasm32-unknown-unknown target"
        rustup target add wasm32-unknown-unknown
    fi
}

ensure_trunk() {
    if ! has_version trunk "$TRUNK_VERSION"; then
        # A debug build of Trunk is twice as quick to install and builds the same output.
        say "installing Trunk $TRUNK_VERSION (a few minutes, once)"
        cargo install --locked --debug "trunk@$TRUNK_VERSION"
    fi
}

ensure_wasm_bindgen() {
    if ! has_version wasm-bindgen "$WASM_BINDGEN_VERSION" || ! command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
        # No --locked: the CLI's own lock file names a crate version this registry lacks.
        say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
        cargo install --force "wasm-bindgen-cli@$WASM_BINDGEN_VERSION"
    fi
}

ensure_node_packages() {
    # npm ci is quick but not free; skip it when node_modules matches the lock file.
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        say "installing node packages (binaryen's wasm-opt, playwright-core)"
        npm ci --no-audit --no-fund --loglevel=error
    fi
}

ensure_chromium() {
    if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
        say "installing Debian's chromium and chromium-driver"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq chromium chromium-driver >/dev/null
    fi
}

ensure_zsh() {
    # The terminal block is tested in zsh (macOS's default shell) as well as bash.
    if ! command -v zsh >/dev/null 2>&1; then
        say "installing Debian's zsh"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq zsh >/dev/null
    fi
}

ensure_cargo_fuzz() {
    # libFuzzer's instrumentation needs nightly; cargo-fuzz itself builds on stable.
    if ! rustup toolchain list | grep -q '^nightly'; then
        say "installing the nightly toolchain (for cargo-fuzz's sanitizer flags)"
        rustup toolchain install nightly --profile minimal
    fi
    if ! command -v cargo-fuzz >/dev/null 2>&1; then
        say "installing cargo-fuzz (a few minutes, once)"
        cargo install --locked cargo-fuzz
    fi
}

ensure_target_cache() {
    # Compiled crates are kept outside the clone, as the venvs are: a fresh clone on this machine
    # then compiles only the project's own crates (cargo reuses the dependencies by their hashes).
    # An existing target/ or a CARGO_TARGET_DIR is left alone.
    if [ ! -e target ] && [ -z "${CARGO_TARGET_DIR:-}" ]; then
        local cached=${DBX_CHECK_CACHE:-$HOME/.cache/dbx-check}/target
        mkdir -p "$cached"
        ln -s "$cached" target
        say "target/ is $cached (shared by the clones on this machine)"
    fi
}

ensure_airflow_venvs() {
    # Real Airflow 2.10 and 3.x for the connection-values round trip, cached outside the clone.
    # A failed install must not stop the other tests: the airflow stages then fail on their own.
    scripts/airflow-venvs.sh >/dev/null || say "the Airflow venvs could not be installed; the airflow test stages will fail"
}

case "${1:-build}" in
    build) ensure_target_cache; ensure_wasm_target; ensure_node_packages; ensure_trunk; ensure_wasm_bindgen ;;
    test) ensure_target_cache; ensure_wasm_target; ensure_node_packages; ensure_chromium; ensure_zsh; ensure_trunk; ensure_wasm_bindgen; ensure_airflow_venvs ;;
    fuzz) ensure_cargo_fuzz ;;
    *) echo "usage: $0 build|test|fuzz" >&2; exit 2 ;;
esac

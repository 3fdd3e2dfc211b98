#!/usr/bin/env bash
# Idempotent machine set-up shared by README, scripts/test.sh and .ci/run:
#   Debian packages (docker.io, debootstrap, wrk, chromium, iproute2) when missing,
#   a running Docker engine, the .venv, the Toxiproxy binary and a base image.
# Installing packages and starting dockerd need root (run with sudo, or as root in CI).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
CACHE=${PEAKDRILL_CACHE:-$REPO/.cache}
mkdir -p "$CACHE"
export PATH=$PATH:/usr/local/go/bin:/usr/sbin:/sbin
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
log() { echo "bootstrap: $*" >&2; }

install_missing_packages() {
    local missing=()
    command -v dockerd >/dev/null || docker info >/dev/null 2>&1 || missing+=(docker.io)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v wrk >/dev/null || missing+=(wrk)
    command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing+=(chromium)
    command -v ip >/dev/null || missing+=(iproute2)
    command -v python3.11 >/dev/null || missing+=(python3.11)
    python3.11 -c "import ensurepip" 2>/dev/null || missing+=(python3.11-venv)
    if [ ${#missing[@]} -eq 0 ]; then return 0; fi
    log "installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

start_engine() {
    if docker info >/dev/null 2>&1; then return 0; fi
    local logfile="$CACHE/dockerd.log"
    log "no Docker engine answers: starting dockerd (log: $logfile)"
    $SUDO sh -c "nohup dockerd >'$logfile' 2>&1 &"
    for _ in $(seq 1 60); do
        if docker info >/dev/null 2>&1; then log "dockerd is up"; return 0; fi
        sleep 1
    done
    log "dockerd did not answer within 60 s; see $logfile"
    return 1
}

make_venv() {
    local stamp=.venv/.pyproject.sha256 want
    want=$(sha256sum pyproject.toml | cut -d' ' -f1)
    if [ -x .venv/bin/python ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
    [ -x .venv/bin/python ] || python3.11 -m venv .venv
    log "installing Python dependencies into .venv"
    .venv/bin/pip install -q --disable-pip-version-check -e '.[dev]'
    echo "$want" > "$stamp"
}

build_toxiproxy() {
    # stack/toxibin.py owns the version and flags; it builds only when the binary is not cached
    .venv/bin/python -c "from stack import toxibin; print(toxibin.ensure_binary())" >/dev/null
}

ensure_base_image() {
    local img
    for img in ${PEAKDRILL_BASE_IMAGE:-} debian:bookworm-slim peakdrill/base:bookworm; do
        if docker image inspect "$img" >/dev/null 2>&1; then return 0; fi
    done
    # an offline machine fails every pull: give the registry a short chance only
    if timeout 20 docker pull -q debian:bookworm-slim >/dev/null 2>&1; then return 0; fi
    log "no registry answers: making peakdrill/base:bookworm with debootstrap"
    bash scripts/make-base-image.sh
}

install_missing_packages
start_engine
make_venv
build_toxiproxy
ensure_base_image
log "ready"

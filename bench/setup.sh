#!/usr/bin/env bash
# Idempotently install what the benchmarks need:
#   - wrk + hyperfine (Debian packages)
#   - peer runtimes workerd, deno, bun from npm into bench/.peers/ (gitignored)
# A peer that fails to install is reported and skipped; the run scripts skip it too.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PEERS_DIR="$BENCH_DIR/.peers"
BIN="$PEERS_DIR/node_modules/.bin"

log() { printf '[setup] %s\n' "$*" >&2; }

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

# --- system tools -----------------------------------------------------------
need_apt=()
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
command -v hyperfine >/dev/null 2>&1 || need_apt+=(hyperfine)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v ss >/dev/null 2>&1 || need_apt+=(iproute2)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if ((${#need_apt[@]})); then
  log "installing via apt: ${need_apt[*]}"
  if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"; then
    log "apt-get install failed; running apt-get update and retrying"
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
  fi
else
  log "wrk, hyperfine, curl already installed"
fi

# --- peer runtimes from npm --------------------------------------------------
if ! command -v npm >/dev/null 2>&1; then
  log "npm not found: cannot install peers (workerd, deno, bun); run scripts will skip them"
  exit 0
fi

mkdir -p "$PEERS_DIR"
if [[ ! -f "$PEERS_DIR/package.json" ]]; then
  printf '{ "name": "nano-bench-peers", "private": true }\n' >"$PEERS_DIR/package.json"
fi

# check a peer binary actually runs; prints its version line
peer_ok() {
  local name=$1
  [[ -x "$BIN/$name" ]] || return 1
  timeout 20 "$BIN/$name" --version 2>&1 | head -n1
}

for peer in workerd deno bun; do
  if v=$(peer_ok "$peer") && [[ -n $v ]]; then
    log "$peer already installed: $v"
    continue
  fi
  log "npm install $peer into $PEERS_DIR"
  if ! timeout 600 npm install --no-audit --no-fund --prefix "$PEERS_DIR" "$peer" >"$PEERS_DIR/npm-$peer.log" 2>&1; then
    log "npm install $peer FAILED (see $PEERS_DIR/npm-$peer.log):"
    tail -n 15 "$PEERS_DIR/npm-$peer.log" >&2 || true
  fi
  if v=$(peer_ok "$peer") && [[ -n $v ]]; then
    log "$peer OK: $v"
  else
    log "$peer NOT runnable after install; benchmarks will skip it."
    if [[ -e "$BIN/$peer" ]]; then
      log "  running '$BIN/$peer --version' gives:"
      timeout 20 "$BIN/$peer" --version 2>&1 | tail -n 5 >&2 || true
    else
      log "  $BIN/$peer does not exist"
    fi
  fi
done

log "summary:"
for tool in wrk hyperfine; do
  printf '  %-10s %s\n' "$tool" "$(command -v "$tool" || echo MISSING)" >&2
done
for peer in workerd deno bun; do
  printf '  %-10s %s\n' "$peer" "$(peer_ok "$peer" || echo MISSING)" >&2
done

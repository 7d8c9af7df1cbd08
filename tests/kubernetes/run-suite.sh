#!/usr/bin/env bash
# Kubernetes manifests suite: renders deploy/kubernetes/overlays/* and validates every object offline
# (deploy/kubernetes/README.md, "Validation"). `npm ci` installs the validators pinned in package-lock.json, then
# `node --test`; the last line is "N passed, N failed" and the exit code is non-zero when anything failed.
set -uo pipefail
SUITE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$SUITE_DIR"
log() { printf '[%s] kubernetes: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() { log "$*"; echo; echo "0 passed, 1 failed"; exit 1; }

command -v npm >/dev/null 2>&1 || fail "npm is not installed"
if ! npm ci --no-audit --no-fund --loglevel=error >npm-ci.log 2>&1; then
  tail -n 20 npm-ci.log >&2
  fail "npm ci failed (tests/kubernetes/npm-ci.log)"
fi
out="$(mktemp)"
node --test --test-reporter=spec manifests.test.mjs 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
p="$(sed -nE 's/^ℹ pass ([0-9]+)$/\1/p' "$out" | tail -n 1)"
f="$(sed -nE 's/^ℹ fail ([0-9]+)$/\1/p' "$out" | tail -n 1)"
rm -f "$out"
[ -n "$p" ] && [ -n "$f" ] || fail "node --test printed no counts (exit $rc)"
if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
echo
echo "$p passed, $f failed"
[ "$f" = 0 ]

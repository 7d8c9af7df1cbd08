#!/usr/bin/env bash
# Write a shared-access policies file with new random keys (the gateway's IotHub__PoliciesFile).
#   scripts/new-policies.sh [file]     default: .local/secrets/policies.json
# Refuses to overwrite an existing file. Folder mode 700, file mode 600 (for compose's container
# user see the comment at the top of compose.yaml).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
IOTHUB_REPO_ROOT="$(pwd)"
. scripts/infra.sh
. scripts/services.sh
POLICIES_FILE="${1:-$IOTHUB_REPO_ROOT/.local/secrets/policies.json}"
[ -e "$POLICIES_FILE" ] && die "$POLICIES_FILE exists; not overwriting it"
mkdir -p "$(dirname "$POLICIES_FILE")"
chmod 700 "$(dirname "$POLICIES_FILE")"
ensure_policies
log "wrote $POLICIES_FILE"

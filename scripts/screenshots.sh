#!/usr/bin/env bash
# Remakes the dashboard screenshots in docs/screenshots/ (the README shows one): runs the dashboard specs, which save a
# picture of each page they visit into IOTHUB_SCREENSHOTS_DIR. Extra arguments go to ./test.sh (ports, for example
# through IOTHUB_TEST_* variables in the environment).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p docs/screenshots
IOTHUB_SCREENSHOTS_DIR="$(pwd)/docs/screenshots" exec ./test.sh --filter "FullyQualifiedName~Dashboard.DashboardSpecs|FullyQualifiedName~Dashboard.DashboardRolloutSpecs" "$@"

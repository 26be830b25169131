#!/usr/bin/env bash
# Run the test suite (installs what it needs first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec python3 -m pytest -q -n 2 -p no:cacheprovider "$@"

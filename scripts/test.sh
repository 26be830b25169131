#!/usr/bin/env bash
# Check the import layers, then run the test suite (installs what it needs first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
lint-imports  # the layers contract in pyproject.toml: no upward import, wgpu only in the device layer
python3 scripts/import_graph.py --check  # no import cycle, no function-level import inside the package
exec python3 -m pytest -q -n 2 -p no:cacheprovider "$@"

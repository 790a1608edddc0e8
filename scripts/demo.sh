#!/usr/bin/env bash
# One command: install RBL into ./.venv, build the Achterhoek demo region (SQLite)
# and serve the web application on http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
exec .venv/bin/rbl demo --serve "$@"

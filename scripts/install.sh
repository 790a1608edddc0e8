#!/usr/bin/env bash
# Creates ./.venv (Python 3.11+) and installs RBL into it. Used by demo.sh and test.sh.
# Usage: scripts/install.sh [extra]   e.g. scripts/install.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for c in python3.11 python3.12 python3.13 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then PY=$c; break; fi
  done
fi
[ -n "$PY" ] || { echo "RBL heeft Python 3.11 of nieuwer nodig." >&2; exit 2; }
# WeasyPrint (PDF) needs Pango from the operating system, and HarfBuzz's subsetter
# to embed only the glyphs a PDF uses (without it WeasyPrint warns it will need it).
if ! ldconfig -p 2>/dev/null | grep -q libpango-1.0 || ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null
  else
    echo "Let op: installeer Pango (Debian: apt install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0) voor PDF-uitvoer." >&2
  fi
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
extra=${1:-}
spec="."
[ -n "$extra" ] && spec=".[$extra]"
.venv/bin/python -m pip install -q --disable-pip-version-check -e "$spec"
# The tests log in against a real OpenID Connect provider (npm oidc-provider, run by Node.js).
if [ "$extra" = test ]; then
  if command -v npm >/dev/null 2>&1; then
    [ -d tests/oidc_provider/node_modules/oidc-provider ] || (cd tests/oidc_provider && npm ci --no-audit --no-fund --loglevel=error)
  else
    echo "Let op: Node.js/npm ontbreekt; de OIDC-tests worden overgeslagen (Debian: apt install nodejs npm)." >&2
  fi
fi

#!/usr/bin/env bash
# One command: install RBL with its test tools into ./.venv and run every check:
# lint, format, migrations, the tests on SQLite and (when reachable) PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh test
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff (lint, format)"
ruff check src tests bench
ruff format --check src tests bench

echo "== migrations are complete"
env -u DATABASE_URL RBL_DB="$(mktemp -d)/check.sqlite3" rbl makemigrations --check --dry-run

echo "== tests on SQLite"
env -u DATABASE_URL pytest -n 2 -q "$@"

PG_URL=${DATABASE_URL:-}
if [ -z "$PG_URL" ] && python - <<'PY' 2>/dev/null
import psycopg; psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=2).close()
PY
then PG_URL="postgres://postgres@127.0.0.1:5432/test"; fi
if [ -n "$PG_URL" ]; then
  echo "== tests on PostgreSQL"
  DATABASE_URL="$PG_URL" pytest -n 2 -q "$@"
else
  echo "== tests on PostgreSQL: OVERGESLAGEN — geen PostgreSQL bereikbaar (zet DATABASE_URL)"
fi

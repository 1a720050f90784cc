#!/usr/bin/env bash
# Runs the platform on this machine: Redis (if none answers), a Celery worker with its scheduler, the web server.
# Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.dev}"

started_redis=$(scripts/ensure-redis.sh)
children=()
cleanup() {
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ -n "$started_redis" ]]; then kill "$started_redis" 2>/dev/null || true; fi
}
trap cleanup INT TERM EXIT

.venv/bin/celery -A config worker -Q pdf,default -B --concurrency 2 --loglevel INFO \
  --schedule var/celerybeat-schedule >var/worker.log 2>&1 &
children+=($!)

cat <<MSG

  Curriculum Commons is running:   http://127.0.0.1:${PORT}/
  Admin:                           http://127.0.0.1:${PORT}/en/admin/
  Demo logins (password "demo-password"):
    admin (superuser), secretariat, partner-editor, partner-editor-tj,
    affiliate-editor, translator-ar, translator-fa, translator-ru, trainer
  Worker log: var/worker.log          Press Ctrl-C to stop everything.

MSG
$PY manage.py runserver "127.0.0.1:${PORT}" &
children+=($!)
wait -n "${children[@]}"

#!/usr/bin/env bash
# `make run`: migrate, load the demo data, start a Celery worker with beat, serve the console.
# Safe to run again: migrations and seed_demo are idempotent.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
bin=.venv/bin
mkdir -p var/log

$bin/python manage.py migrate --noinput
$bin/python manage.py seed_demo

# One worker with an embedded beat: enough for a console on one machine. The production shape
# (separate worker and beat) is in docker-compose.yml.
$bin/celery -A heart worker --beat --loglevel=info --concurrency=2 \
  --schedule var/celerybeat-schedule --logfile var/log/celery.log &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM

broker=${REDIS_URL:-"the filesystem queue under var/celery (no server needed)"}
cat <<MSG

  Fifth Branch is starting on http://$host:$port/
  Celery worker + beat: pid $worker, broker $broker, log var/log/celery.log
  Demo logins (password: ${DEMO_PASSWORD:-heart-demo-2026}):
    calltaker, dispatcher, responder, ccd, navigator, supervisor, admin

MSG
$bin/python manage.py runserver "$host:$port"

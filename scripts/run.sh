#!/usr/bin/env bash
# `make run`: migrate, load the demo data, start a Celery worker with beat, serve the console.
# Safe to run again: migrations and seed_demo are idempotent (DEMO=0 skips the demo data). Ctrl+C or SIGTERM stops both
# processes within 10 s.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
bin=.venv/bin
log_dir=${VAR_DIR:-var}/log
mkdir -p "$log_dir"

$bin/python manage.py migrate --noinput
if [ "${DEMO:-1}" != 0 ]; then
  $bin/python manage.py seed_demo
  # The demo's units keep reporting their positions (demo/tasks.py), so "nearest" keeps working.
  export DEMO_AVL_SECONDS="${DEMO_AVL_SECONDS:-30}"
fi

# Each child runs in a session of its own (setsid), so that a Ctrl+C reaches only this script,
# which then stops them in order. Otherwise the terminal's SIGINT also lands in the worker's
# pool processes halfway through Celery's warm shutdown, which then waits forever for them.
pids=()
stopping=
stop() {
  [ -n "$stopping" ] && return
  stopping=1
  trap - INT TERM HUP
  echo "Stopping the console and the worker..."
  # Only the main processes: each stops its own children (pool, reloader) in order.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Celery's warm shutdown finishes the task in hand; its tasks are acks_late and idempotent, so
  # a cold stop after 8 s loses nothing (the broker hands the task out again).
  for _ in $(seq 80); do
    alive=
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && return
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM HUP
trap stop EXIT

# One worker with an embedded beat: enough for a console on one machine. The production shape
# (separate worker and beat) is in docker-compose.yml.
setsid $bin/celery -A heart worker --beat --loglevel=info --concurrency=2 \
  --logfile "$log_dir/celery.log" &
worker=$!
pids+=("$worker")

broker=${REDIS_URL:-"the filesystem queue under ${VAR_DIR:-var}/celery (no server needed)"}
cat <<MSG

  Fifth Branch is starting on http://$host:$port/
  Celery worker + beat: pid $worker, broker $broker, log $log_dir/celery.log
  Demo logins (password: ${DEMO_PASSWORD:-heart-demo-2026}):
    calltaker, dispatcher, responder, ccd, navigator, supervisor, admin
  Stop with Ctrl+C.

MSG
setsid $bin/python manage.py runserver "$host:$port" </dev/null &
pids+=("$!")
# Whichever stops first (a crash, or a signal to this script) stops the other.
wait -n || true

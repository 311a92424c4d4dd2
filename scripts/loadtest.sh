#!/usr/bin/env bash
# Load test: gunicorn (DEBUG off) on loopback, wrk against the main pages.
# Usage: make loadtest [DURATION=10s] [CONNECTIONS=8] [WORKERS=2]
# Uses its own SQLite file with the demo data unless DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
WORKERS=${WORKERS:-2}
PORT=${PORT:-8765}
if ! command -v wrk >/dev/null; then
  echo "wrk is not installed: apt-get install wrk (Debian package)" >&2
  exit 1
fi

work=$(mktemp -d)
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="loadtest-$(date +%s)-not-a-real-secret-key-only-for-loopback"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECURE_SSL_REDIRECT=0
export DATABASE_URL=${DATABASE_URL:-sqlite:///$work/loadtest.sqlite3}
export LOG_LEVEL=WARNING

.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py load_demo --if-empty -v0
.venv/bin/python manage.py collectstatic --no-input -v0

.venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --log-level warning >"$work/gunicorn.log" 2>&1 &
gunicorn_pid=$!
trap 'kill "$gunicorn_pid" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.2
done

base="http://127.0.0.1:$PORT"
departure=$(.venv/bin/python manage.py shell -c \
  "from departures.models import Departure; print(Departure.objects.published().first().get_absolute_url())" 2>/dev/null | tail -1)
person=$(.venv/bin/python manage.py shell -c \
  "from people.models import Person; print(Person.objects.filter(roles__departures__published_at__isnull=False).first().get_absolute_url())" 2>/dev/null | tail -1)
organization=$(.venv/bin/python manage.py shell -c \
  "from people.models import Organization; print(Organization.objects.filter(roles__departures__published_at__isnull=False).first().get_absolute_url())" 2>/dev/null | tail -1)

printf '%s\n' "wrk -c$CONNECTIONS -d$DURATION, gunicorn $WORKERS workers, $(nproc) cores"
printf '| %-40s | %9s | %8s | %8s | %6s |\n' URL "req/s" p50 p99 errors
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..42})" ----------- ---------- ---------- --------
for path in "/" "/?reason=new_role&from=2023" "$departure" "$person" "$organization"; do
  # Bounded: wrk's own duration plus time to report (a DURATION like 30s).
  out=$(timeout $(( ${DURATION%s} + 15 )) wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$base$path" || true)
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  socket=$(awk -F'[ ,]+' '/Socket errors/ {print $4+$6+$8+$10}' <<<"$out")
  errors=$(( ${non2xx:-0} + ${socket:-0} ))
  printf '| %-40s | %9s | %8s | %8s | %6s |\n' "$path" "${rps:-?}" "${p50:-?}" "${p99:-?}" "$errors"
done

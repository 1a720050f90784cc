#!/usr/bin/env bash
# Makes sure a Redis answers on $REDIS_PORT (default 6379) of loopback; starts one if none does.
# Prints the PID of the server it started (nothing if one was already answering).
set -euo pipefail
port="${REDIS_PORT:-6379}"
if redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
  exit 0
fi
mkdir -p var
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$PWD/var/redis-$port.pid" --logfile "$PWD/var/redis-$port.log" --maxmemory-policy noeviction
for _ in $(seq 50); do
  redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && { cat "var/redis-$port.pid"; exit 0; }
  sleep 0.1
done
echo "Redis did not start on port $port; see var/redis-$port.log" >&2
exit 1

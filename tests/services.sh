#!/usr/bin/env bash
# Make sure the local RabbitMQ, PostgreSQL and Redis that the integration tests use are up,
# starting them when they are installed but stopped. Prints what it did.
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure_rabbitmq() {
  if port_open 5672; then echo "rabbitmq: up"; return 0; fi
  if ! command -v rabbitmq-server >/dev/null; then echo "rabbitmq: not installed"; return 1; fi
  echo "rabbitmq: starting"
  rabbitmq-server -detached
  rabbitmqctl await_startup >/dev/null && port_open 5672 && echo "rabbitmq: up"
}

ensure_postgresql() {
  if port_open 5432; then echo "postgresql: up"; return 0; fi
  if ! command -v pg_ctlcluster >/dev/null; then echo "postgresql: not installed"; return 1; fi
  echo "postgresql: starting"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  for _ in $(seq 1 30); do port_open 5432 && { echo "postgresql: up"; return 0; }; sleep 1; done
  return 1
}

ensure_redis() {
  if port_open 6379; then echo "redis: up"; return 0; fi
  if ! command -v redis-server >/dev/null; then echo "redis: not installed"; return 1; fi
  echo "redis: starting"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 30); do port_open 6379 && { echo "redis: up"; return 0; }; sleep 0.2; done
  return 1
}

# Both at once: RabbitMQ takes several seconds to boot, PostgreSQL boots meanwhile.
status=0
ensure_rabbitmq &
rabbitmq=$!
ensure_postgresql || status=1
ensure_redis || status=1
wait "$rabbitmq" || status=1
exit $status

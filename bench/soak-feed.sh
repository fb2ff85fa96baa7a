#!/usr/bin/env bash
# The live feed under faults (issue: "make since truly gap-free"): users created at a steady rate through the
# gateway, websocket clients that drop every few seconds and resume with the last position they received, while
# the stack's RabbitMQ connections are dropped and PostgreSQL is cut, in turn, through the probe's own TCP proxies
# (so no other client of the machine's servers is touched). Prints the probe's JSON and exits 1 unless every client got every created user exactly once, in position
# order, and #user got one message per user.
#
#   bench/soak-feed.sh [--users 12000] [--rate 200] [--clients 20] [--fault-interval-ms 8000] [--cut-ms 2000]
#
# Needs: stack/target/stack.jar and bench/target/bench.jar (mvn -B package -DskipTests), PostgreSQL, Redis and
# RabbitMQ on the local default ports, jq, psql, redis-cli, and rabbitmqctl (to delete the run's queues).
# bench/soak.sh is the same soak with the roles in separate clustered JVMs, JVM kills, and a time limit.
set -euo pipefail
cd "$(dirname "$0")/.."

users=12000 rate=200 clients=20 interval=8000 cut=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --users) users=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --fault-interval-ms) interval=$2; shift 2 ;;
    --cut-ms) cut=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. bench/soak-common.sh
soak_require
soak_setup
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
gateway=$(free_port) user=$(free_port) slack=$(free_port)

java -jar bench/target/bench.jar feedsoak --host 127.0.0.1 --port "$gateway" --pg-host "$PG_HOST" --pg-port "$PG_PORT" \
  --pg-proxy-port-file "$tmp/pg-proxy-port" --amqp-proxy-port-file "$tmp/amqp-proxy-port" --users "$users" --rate "$rate" --clients "$clients" \
  --fault-interval-ms "$interval" --cut-ms "$cut" --tag "soak-$run" >"$tmp/result.json" 2>"$tmp/probe.log" &
probe_pid=$!
echo "$probe_pid" >>"$pids"
for _ in $(seq 1 100); do [ -s "$tmp/pg-proxy-port" ] && [ -s "$tmp/amqp-proxy-port" ] && break; sleep 0.1; done
[ -s "$tmp/amqp-proxy-port" ] || { echo "the probe did not start its proxies (see $tmp/probe.log)" >&2; exit 1; }

PG_URI="postgresql://postgres@127.0.0.1:$(cat "$tmp/pg-proxy-port")/postgres" \
AMQP_URI="amqp://guest:guest@127.0.0.1:$(cat "$tmp/amqp-proxy-port")" \
GATEWAY_HTTP_PORT=$gateway USER_HTTP_PORT=$user SLACK_HTTP_PORT=$slack USER_QUEUE_HTTP_PORT=0 HTTP_HOST=127.0.0.1 \
java -XX:-DontCompileHugeMethods -XX:TrimNativeHeapInterval=1000 -Xmx512m -jar stack/target/stack.jar >"$tmp/stack.log" 2>&1 &
echo $! >>"$pids"

wait "$probe_pid" || { echo "the probe failed (see $tmp/probe.log)" >&2; exit 1; }
cat "$tmp/result.json"
jq -e '.missed == 0 and .duplicates == 0 and .outOfOrder == 0 and .messagesMissing == 0 and .messagesDoubled == 0' \
  "$tmp/result.json" >/dev/null || { echo "FAILED: users missed, doubled or out of order" >&2; exit 1; }
echo "soak passed: every user exactly once, in position order, on every client; one #user message each" >&2

#!/usr/bin/env bash
# Runs the tests of the services and tools in other languages (services/welcome-node with node --test, tools/ with
# pytest) against a real stack: the built stack/target/stack.jar, started here on free ports of 127.0.0.1 with a
# PostgreSQL schema, an events exchange, queues and a Redis key prefix of this run's own and the TCP event-bus bridge
# on (BRIDGE_PORT), then stopped, and its state removed from the servers. The user-queue role takes one command at a
# time (USER_QUEUE_PREFETCH=1), so a test can tell that a command sent before another one was handled.
#
# The edge runs as compose runs it, with AUTH_MODE=jwt and a JWT_SECRET of this run's own (the tests never see it):
# the jar's token command mints each caller a token with exactly the scopes it needs, exported to the tests as
#   WELCOME_TOKEN  users:read messages:write  the Node service's SERVICE_TOKEN (users.get on the bridge, POST /messages)
#   TOOLS_TOKEN    users:read                 the Python feed reader's SERVICE_TOKEN (the bridge)
#   TEST_TOKEN     users:read users:write     the tests' own calls to the gateway (POST /users, GET /users, /messages)
#
# With arguments, runs that command against the stack instead (e.g. services/run-polyglot-tests.sh npm --prefix
# services/welcome-node test), with GATEWAY_URL, BRIDGE_PORT, EVENTS_EXCHANGE, USER_QUEUE, the tokens ... exported.
#
# Needs PG_URI, REDIS_URI and AMQP_URI (the servers), java, node/npm, python3 with pika and pytest. Build the jar
# first (mvn -B package -DskipTests). Under CI=true a missing tool fails the run; otherwise those tests are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${PG_URI:?set PG_URI, REDIS_URI and AMQP_URI to the servers the stack should use}"
: "${REDIS_URI:?}" "${AMQP_URI:?}"
JAR=stack/target/stack.jar
[ -f "$JAR" ] || { echo "$JAR is missing: build it with mvn -B package -DskipTests" >&2; exit 1; }

missing() {
  if [ "${CI:-}" = true ]; then echo "FAIL: $1" >&2; exit 1; fi
  echo "SKIP: $1" >&2
}

# The Debian packages (python3-pika, python3-pytest) belong to /usr/bin/python3, which may not be the python3 on PATH.
PYTHON=
for candidate in ${PYTHON_FOR_TOOLS:-} python3 /usr/bin/python3; do
  if "$candidate" -c 'import pika, pytest' 2>/dev/null; then PYTHON=$candidate; break; fi
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# The edge's keys are this run's own: none of the caller's (they would also reach the tests).
unset JWT_SECRET JWT_PUBLIC_KEY JWT_PRIVATE_KEY JWT_JWKS_URL JWT_ISSUER JWT_AUDIENCE
RUN_SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
RUN="polyglot_$(python3 -c 'import uuid; print(uuid.uuid4().hex[:10])')"
GATEWAY_PORT=$(free_port); USER_PORT=$(free_port); SLACK_PORT=$(free_port); BRIDGE=$(free_port)
LOG_DIR=target/polyglot; mkdir -p "$LOG_DIR"; LOG="$LOG_DIR/stack-$RUN.log"

export GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT" BRIDGE_HOST=127.0.0.1 BRIDGE_PORT=$BRIDGE
export EVENTS_EXCHANGE="$RUN.events" USER_QUEUE="$RUN.user" SLACK_QUEUE="$RUN.slack"
export REDIS_KEY_PREFIX="$RUN:" PG_SCHEMA="$RUN"

HTTP_HOST=127.0.0.1 GATEWAY_HTTP_PORT=$GATEWAY_PORT USER_HTTP_PORT=$USER_PORT USER_SERVICE_PORT=$USER_PORT \
  SLACK_HTTP_PORT=$SLACK_PORT SLACK_SERVICE_PORT=$SLACK_PORT USER_QUEUE_HTTP_PORT=0 \
  USER_QUEUE_PREFETCH=1 AUTH_MODE=jwt JWT_SECRET=$RUN_SECRET \
  java -XX:-DontCompileHugeMethods -XX:TrimNativeHeapInterval=1000 -Xmx384m -jar "$JAR" >"$LOG" 2>&1 &
STACK_PID=$!

clean_up() {
  kill "$STACK_PID" 2>/dev/null && wait "$STACK_PID" 2>/dev/null || true
  "${PYTHON:-python3}" - <<'PY' || echo "clean-up of the run's server state failed (see above)" >&2
import os, subprocess
run = os.environ["PG_SCHEMA"]
try:
    import pika
    connection = pika.BlockingConnection(pika.URLParameters(os.environ["AMQP_URI"]))
    for queue in (os.environ["USER_QUEUE"], os.environ["SLACK_QUEUE"]):
        for name in (queue, queue + ".dlq"):
            channel = connection.channel()
            try:
                channel.queue_delete(name)
            except Exception:
                pass
    connection.channel().exchange_delete(os.environ["EVENTS_EXCHANGE"])
    connection.close()
except Exception as e:
    print("AMQP clean-up:", e)
subprocess.run(["psql", os.environ["PG_URI"], "-q", "-c", f'DROP SCHEMA IF EXISTS "{run}" CASCADE'], check=False)
subprocess.run(["sh", "-c", f'redis-cli -u "$REDIS_URI" --scan --pattern "{run}:*" | xargs -r redis-cli -u "$REDIS_URI" del >/dev/null'], check=False)
PY
}
trap clean_up EXIT

echo "Starting the stack (log: $LOG): gateway $GATEWAY_URL, bridge 127.0.0.1:$BRIDGE_PORT, AUTH_MODE=jwt"
token() { JWT_SECRET=$RUN_SECRET java -jar "$JAR" token --sub "$1" --scope "$2"; }
WELCOME_TOKEN=$(token welcome-node "users:read messages:write")
TOOLS_TOKEN=$(token stack-tools "users:read")
TEST_TOKEN=$(token polyglot-tests "users:read users:write")
export WELCOME_TOKEN TOOLS_TOKEN TEST_TOKEN
for _ in $(seq 1 600); do
  if curl -fsS -o /dev/null "$GATEWAY_URL/health" 2>/dev/null; then break; fi
  kill -0 "$STACK_PID" 2>/dev/null || { echo "The stack exited; its log:" >&2; tail -50 "$LOG" >&2; exit 1; }
  sleep 0.1
done
curl -fsS -o /dev/null "$GATEWAY_URL/health" || { echo "The stack did not become healthy in 60 s; its log:" >&2; tail -50 "$LOG" >&2; exit 1; }

if [ $# -gt 0 ]; then
  "$@"
  exit $?
fi

status=0
if command -v node >/dev/null && command -v npm >/dev/null; then
  echo "== services/welcome-node: node --test"
  (cd services/welcome-node && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm test) || status=1
else
  missing "node and npm are needed for services/welcome-node"
fi
if [ -n "$PYTHON" ]; then
  echo "== tools: pytest ($PYTHON)"
  (cd tools && "$PYTHON" -m pytest -q) || status=1
else
  missing "python3-pika and python3-pytest are needed for tools/"
fi
exit $status

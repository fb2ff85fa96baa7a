# Sourced by bench/soak.sh and bench/soak-feed.sh: the prerequisites, the run's own names, and the clean-up of
# everything a run started or made (its processes, by pid; its schema, Redis keys, queues and exchange).

# soak_require TOOL...: exits 2 naming a missing tool or jar.
soak_require() {
  for tool in java jq psql redis-cli "$@"; do
    command -v "$tool" >/dev/null || {
      echo "$tool is missing (apt-get install -y jq postgresql-client redis-tools; rabbitmqctl comes with rabbitmq-server)" >&2
      exit 2
    }
  done
  [ -f stack/target/stack.jar ] && [ -f bench/target/bench.jar ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 2; }
}

# soak_setup: a temporary directory ($tmp), the run's names exported for the stack's JVMs (they never touch another
# run's data), and the clean-up on exit. Processes the run starts go into $pids, one pid a line.
soak_setup() {
  run=$(date +%s)$$
  tmp=$(mktemp -d /tmp/microservice-stack-soak.XXXX)
  pids=$tmp/pids
  : >"$pids"
  PG_HOST=${PG_HOST:-127.0.0.1} PG_PORT=${PG_PORT:-5432}
  export REDIS_URI=${REDIS_URI:-redis://127.0.0.1:6379}
  export PG_SCHEMA=soak_$run EVENTS_EXCHANGE=soak.$run.events SLACK_QUEUE=soak.$run.slack USER_QUEUE=soak.$run.user
  export REDIS_KEY_PREFIX=soak:$run: CLUSTER_NAME=soak-$run
  trap soak_cleanup EXIT
}

# soak_psql SQL: one value from the run's database.
soak_psql() {
  psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -qtAc "$1" postgres
}

# soak_queue_messages: ready + unacked messages of the run's queues and their dead-letter queues, as "name count" lines.
soak_queue_messages() {
  rabbitmqctl -q list_queues name messages 2>/dev/null | awk -v p="soak.$run." 'index($1, p) == 1 { print $1, $2 }'
}

# soak_ours PID: whether the process is still one this run started (a pid of a JVM the soak killed may have been
# given to another process since): it carries the run's CLUSTER_NAME in its environment.
soak_ours() {
  { tr '\0' '\n' <"/proc/$1/environ"; } 2>/dev/null | grep -qx "CLUSTER_NAME=soak-$run"
}

soak_cleanup() {
  local pid
  while read -r pid; do soak_ours "$pid" && kill "$pid" 2>/dev/null || true; done <"$pids"
  for _ in $(seq 1 100); do
    local alive=
    while read -r pid; do soak_ours "$pid" && alive=1; done <"$pids"
    [ -z "$alive" ] && break
    sleep 0.1
  done
  while read -r pid; do soak_ours "$pid" && kill -9 "$pid" 2>/dev/null || true; done <"$pids"
  soak_psql "DROP SCHEMA IF EXISTS soak_$run CASCADE" >/dev/null 2>&1 || true
  redis-cli -u "$REDIS_URI" --scan --pattern "soak:$run:*" | xargs -r redis-cli -u "$REDIS_URI" del >/dev/null 2>&1 || true
  if command -v rabbitmqctl >/dev/null; then
    for q in "soak.$run.user" "soak.$run.user.dlq" "soak.$run.slack" "soak.$run.slack.dlq"; do
      rabbitmqctl -q delete_queue "$q" >/dev/null 2>&1 || true
    done
    rabbitmqctl -q eval "rabbit_exchange:delete(rabbit_misc:r(<<\"/\">>, exchange, <<\"soak.$run.events\">>), false, <<\"soak\">>)." >/dev/null 2>&1 || true
  fi
  echo "logs: $tmp" >&2
}

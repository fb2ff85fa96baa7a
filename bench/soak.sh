#!/usr/bin/env bash
# The stack under faults for N minutes (issue "Hardening", section 4), with the roles in separate JVMs clustered over
# Hazelcast on 127.0.0.1: a gateway, two user JVMs, user-queue and slack. Users are created through the gateway at a
# steady rate while websocket clients drop every few seconds and resume; in turn, the probe drops the stack's RabbitMQ
# connections and cuts PostgreSQL (through its own TCP proxies: nobody else's connections are touched), kills the
# slack JVM and a user JVM with SIGKILL and starts them again. It exits 1 unless, at the end:
#   - every user that got a 201 has exactly one "User <email> created" message in #user;
#   - every websocket client saw every such user exactly once, in position order;
#   - every failed create is one a fault explains (503 during a cut or while a JVM is away, 502/504 in flight to a
#     killed JVM), except 503s of a service shedding load on a busy machine, at most 1 % of the creates; every fault
#     recovered, and every kind of fault was injected;
#   - the outbox and the run's queues (and their dead-letter queues) drained;
#   - the full run (5 minutes or more, not --ci): each JVM that was not killed has a flat heap after a full GC from
#     the end of the warm-up (a quarter of the run) to the end: at most 25 % + 16 MiB more.
#
#   bench/soak.sh [--minutes 10] [--rate 100] [--clients 20] [--fault-interval-ms 15000] [--cut-ms 3000] [--java-opts "..."]
#   bench/soak.sh --ci        # 2 minutes, 50 users/s, 10 clients, a fault every 8 s, no heap check: for CI
#
# Needs: stack/target/stack.jar and bench/target/bench.jar (mvn -B package -DskipTests), PostgreSQL, Redis and
# RabbitMQ on the local default ports (REDIS_URI, PG_HOST and PG_PORT to change them), jq, psql, redis-cli, rabbitmqctl,
# and for the heap check jcmd (in the JDK).
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=10 rate=100 clients=20 interval=15000 cut=3000 java_opts=""
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --ci) minutes=2 rate=50 clients=10 interval=8000; shift ;;
    --rate) rate=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --fault-interval-ms) interval=$2; shift 2 ;;
    --cut-ms) cut=$2; shift 2 ;;
    --java-opts) java_opts=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
heap_check=false heap_tools=
[ "$minutes" -ge 5 ] && heap_check=true heap_tools=jcmd
. bench/soak-common.sh
soak_require rabbitmqctl $heap_tools
soak_setup

echo "soak: $minutes min at $rate users/s, $clients websocket clients, a fault every $interval ms; logs in $tmp" >&2
java -jar bench/target/bench.jar soak --stack-jar stack/target/stack.jar --log-dir "$tmp" --pid-file "$pids" \
  --pg-host "$PG_HOST" --pg-port "$PG_PORT" --minutes "$minutes" --rate "$rate" --clients "$clients" \
  --fault-interval-ms "$interval" --cut-ms "$cut" --heap-check "$heap_check" --java-opts "$java_opts" --tag "soak-$run" \
  >"$tmp/result.json" 2>"$tmp/probe.log" &
probe=$!
echo "$probe" >>"$pids"
wait "$probe" || { echo "the probe failed (see $tmp/probe.log)" >&2; exit 1; }

# The JVMs keep running after the probe: the outbox and the queues must drain (ready and unacked messages, parked ones).
drained=false
for _ in $(seq 1 120); do
  outbox=$(soak_psql "SELECT count(*) FROM soak_$run.outbox" || echo "unknown")
  queued=$(soak_queue_messages | awk '{ n += $2 } END { print n + 0 }')
  [ "$outbox" = 0 ] && [ "$queued" = 0 ] && { drained=true; break; }
  sleep 1
done
jq --argjson drained "$drained" --arg outbox "$outbox" --arg queues "$(soak_queue_messages | tr '\n' ' ')" \
  '. + {drained: $drained, outboxLeft: $outbox, queues: $queues}' "$tmp/result.json" >"$tmp/final.json"
cat "$tmp/final.json"

failed=0
check() {
  jq -e "$1" "$tmp/final.json" >/dev/null || { echo "FAILED: $2" >&2; failed=1; }
}
check '.users > 0 and .missed == 0 and .duplicates == 0 and .outOfOrder == 0' "a websocket client missed a user, got one twice or out of position order"
check '.messagesMissing == 0 and .messagesDoubled == 0' "a created user has no #user message, or two"
check '.unexpectedFailures == {}' "creates failed in a way no fault explains (unexpectedFailures)"
check '.unexplained503 * 100 <= .posted' "more than 1 % of the creates answered 503 outside any fault (unexplained503)"
check '.faultsNotRecovered == [] and ([.faults.injected[]] | length) == 4' "a fault did not recover, or a kind of fault was never injected"
check '.drained' "the outbox or the queues did not drain (outboxLeft, queues)"
if [ "$heap_check" = true ]; then
  check '.heapMiB.error == null and (.restartedJvms as $killed | [.heapMiB | to_entries[] | select(.key as $k | any($killed[]; . == $k) | not)
    | select(.value.end > .value.warm * 1.25 + 16)] | length == 0)' "the heap after GC of a JVM grew after the warm-up (heapMiB)"
fi
[ "$failed" = 0 ] || exit 1
echo "soak passed: nothing lost, nothing doubled, every failure explained by a fault, everything drained" >&2

#!/usr/bin/env bash
# The benchmark harness of microservice-stack (see bench/README.md): starts the one-JVM stack against the
# machine's PostgreSQL, Redis and RabbitMQ (own ports and names), nginx, and for the RPC figure a clustered user
# JVM; measures; prints a results table beside the limits measured in the same run; writes
# bench/results/<date>.md and .json; and stops everything it started (trap EXIT). Loopback only, 5-10 minutes.
#
# usage: bench/run.sh [--quick] [--duration S] [--subscribers N] [--rate N] [--keep-data] [--java-opts "..."]
#   --quick          short phases (3 s) and 2000 subscribers: checks the harness in about 3 minutes
#   --duration S     seconds per POST /user and pgbench level (default 10)
#   --subscribers N  websocket subscribers of the fan-out figure (default 10000)
#   --rate N         users per second of the latency figure (default: a third of this run's c=32 throughput)
#   --keep-data      leave the run's schema, Redis keys, queues and exchange in place
#   --cpu-only       only CPU per user at c=32, PerfTest, pgbench's latency (to compare builds): 3-6 minutes
#   --java-opts "."  JVM flags of the stack JVMs (default: $STACK_JAVA_OPTS, else the defaults below)
#   --variant V      default (metrics on, tracing and auth off); tracing (10 % sampled, Zipkin exporter to a local
#                    nginx that answers 202); jwt (AUTH_MODE=jwt, wrk sends a token from the jar's token command).
#                    stages (tracing at 100 % to the bench jar's span sink; after the c=32 phase, the latency probe,
#                    and where each create's time went, stage by stage, from its spans).
#                    tracing, jwt and stages imply --cpu-only (stages adds the latency phase)
#   --cluster-point  --cpu-only, then the same c=32 phase through two clustered gateway JVMs (one wrk each) in front
#                    of two clustered user JVMs and a slack JVM: CPU per user per JVM against the one-JVM stack
# Environment: PG_URI, REDIS_URI, AMQP_URI (default: the local servers), STACK_ENV (extra VAR=value settings
# for the stack JVMs, e.g. "USER_INSTANCES=2 PG_POOL_SIZE=32"), STACK_JAR (another build of the stack, e.g. the
# one before a change, to measure both in the same conditions), PGHOST/PGPORT/PGUSER/PGDATABASE for pgbench.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
STACK_JAR=${STACK_JAR:-$ROOT/stack/target/stack.jar}
BENCH_JAR=$BENCH_DIR/target/bench.jar

DURATION=10; POST_WARMUP=5; HOP_SECONDS=8; GATEWAY_WARMUP=8; HOP_CONCURRENCY=32
CONCURRENCIES="1 8 32 64"; RATE=auto; LAT_SECONDS=10; LAT_WARMUP=15; SUBSCRIBERS=10000; EVENTS=20; EVENT_INTERVAL_MS=200
RPC_WARMUP_MS=2000; RPC_MEASURE_MS=3000; KEEP_DATA=false; CPU_ONLY=false; VARIANT=default; CLUSTER_POINT=false
# CPU per created user (c=32): warm-up in JIT_CHUNK s steps until the JIT compiler spends less than JIT_SETTLED_PERCENT
# of a step compiling (at least JIT_MIN_CHUNKS steps, at most JIT_MAX_CHUNKS); the idle background is measured for
# IDLE_SECONDS first. (A method count does not settle on a busy box: C2 keeps recompiling a few dozen small ones.)
# The cap is 4 minutes: on a slow machine of this kind C2's queue took 3.5 minutes of c=32 to drain, a third of the
# stack JVM's CPU until then; on the faster ones it settled within a minute.
JIT_CHUNK=5; JIT_MIN_CHUNKS=2; JIT_MAX_CHUNKS=48; JIT_SETTLED_PERCENT=2; IDLE_SECONDS=3; PG_LAT_SECONDS=10
# The defaults chosen from the runs in bench/README.md ("Settings").
# SerialGC with a bounded heap: the smallest RSS on 2 cores at no cost in throughput here; 384 MB because 10,000
# websockets hold about 170 MB of live heap in the gateway (-Xmx160m ran out of memory at about 9,000).
# -XX:-DontCompileHugeMethods -XX:TrimNativeHeapInterval=1000 as the image has them: the gateway's body validator is
# a method too big to be compiled without the first, and compiling it leaves RSS 70-130 MB higher without the second
# (docs/edge.md).
STACK_JAVA_OPTS=${STACK_JAVA_OPTS:--XX:-DontCompileHugeMethods -XX:TrimNativeHeapInterval=1000 -XX:+UseSerialGC -Xms64m -Xmx384m -XX:MaxMetaspaceSize=128m -Xss512k}
STACK_ENV=${STACK_ENV:-}
# The latency probe's JVM shares the two cores with the stack it measures. C1 alone and the serial collector halve
# what it costs (10-12 s of CPU against 19-25 s for a 25 s probe at 200 users/s on a slow machine of this kind), and
# with them every p99 of the probe came out lower (bench/README.md, "The tails, stage by stage").
PROBE_JAVA_OPTS=${PROBE_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) DURATION=3; POST_WARMUP=3; HOP_SECONDS=3; GATEWAY_WARMUP=6; LAT_SECONDS=3; LAT_WARMUP=1; SUBSCRIBERS=2000; EVENTS=10
             RPC_WARMUP_MS=1000; RPC_MEASURE_MS=1500; JIT_CHUNK=3; JIT_MAX_CHUNKS=4; IDLE_SECONDS=2; PG_LAT_SECONDS=3 ;;
    --duration) DURATION=$2; shift ;;
    --subscribers) SUBSCRIBERS=$2; shift ;;
    --rate) RATE=$2; shift ;;
    --keep-data) KEEP_DATA=true ;;
    --cpu-only) CPU_ONLY=true; CONCURRENCIES=32 ;;
    --java-opts) STACK_JAVA_OPTS=$2; shift ;;
    --variant) VARIANT=$2; shift ;;
    --cluster-point) CLUSTER_POINT=true; CPU_ONLY=true; CONCURRENCIES=32 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$VARIANT" in
  default) ;;
  tracing|jwt|stages) CPU_ONLY=true; CONCURRENCIES=32 ;; # the probes of the full run send no token and are not the point here
  *) echo "unknown variant $VARIANT (default, tracing, jwt or stages)" >&2; exit 2 ;;
esac

PG_URI=${PG_URI:-postgresql://postgres@127.0.0.1:5432/postgres}
REDIS_URI=${REDIS_URI:-redis://127.0.0.1:6379}
AMQP_URI=${AMQP_URI:-amqp://guest:guest@127.0.0.1:5672}

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---- tools ------------------------------------------------------------------------------------------------
need() { # need <command> <how to install>
  command -v "$1" >/dev/null 2>&1 || die "$1 is missing: $2"
}
need java "install a JDK 17 (Debian: apt-get install -y openjdk-17-jdk-headless)"
need wrk "apt-get install -y wrk"
need nginx "apt-get install -y nginx (run.sh starts its own nginx with its own config; the system service is not used)"
need pgbench "apt-get install -y postgresql-client (pgbench is in the PostgreSQL client package)"
need psql "apt-get install -y postgresql-client"
need redis-cli "apt-get install -y redis-tools"
need curl "apt-get install -y curl"
need jq "apt-get install -y jq"
need unzip "apt-get install -y unzip"
need jstat "install a full JDK 17 (jstat reads the JIT compiler's counters)"
HAVE_RABBITMQCTL=true
command -v rabbitmqctl >/dev/null 2>&1 || HAVE_RABBITMQCTL=false
if [ ! -f "$STACK_JAR" ] || [ ! -f "$BENCH_JAR" ]; then
  need mvn "apt-get install -y maven"
  log "building the jars (mvn -o -DskipTests package)"
  [ -f "$STACK_JAR" ] || (cd "$ROOT" && mvn -B -q -o -DskipTests package)
  [ -f "$BENCH_JAR" ] || (cd "$ROOT" && mvn -B -q -o -pl bench -am -DskipTests package)
fi
# RabbitMQ's PerfTest (the limit beside the stack's RabbitMQ CPU), fetched by Maven once; not part of the build.
PERF_TEST_CP="$BENCH_DIR/target/perf-test/*"
if ! ls "$BENCH_DIR"/target/perf-test/perf-test-*.jar >/dev/null 2>&1; then
  need mvn "apt-get install -y maven"
  log "fetching RabbitMQ PerfTest (mvn -f bench/perf-test/pom.xml dependency:copy-dependencies)"
  mvn -B -q -f "$BENCH_DIR/perf-test/pom.xml" dependency:copy-dependencies || die "could not fetch PerfTest with Maven"
fi

# ---- names, ports, clean-up -------------------------------------------------------------------------------
RUN=$(date +%Y%m%d%H%M%S)$((RANDOM % 1000))
DATE=$(date +%Y-%m-%d-%H%M)
SCHEMA=bench_$RUN
PREFIX=bench:$RUN:
EXCHANGE=bench.$RUN.events
SLACK_Q=bench.$RUN.slack-user-created
USER_Q=bench.$RUN.user
CLUSTER_NAME=bench-$RUN
WORK=$(mktemp -d /tmp/microservice-stack-bench.XXXXXX)
PSQL=(psql "$PG_URI" -X -q -At -v ON_ERROR_STOP=1)
REDIS=(redis-cli -u "$REDIS_URI")

free_port() { # a port nothing listens on, from 20000-32000
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 12000))
    if ! ss -Htln "sport = :$port" | grep -q .; then echo "$port"; return; fi
  done
  die "no free port found"
}
GW_PORT=$(free_port); USER_PORT=$(free_port); SLACK_PORT=$(free_port); NGINX_PORT=$(free_port); QUEUE_PORT=$(free_port)
RPC_USER_PORT=$(free_port); CLUSTER_PORT=$(free_port); SINK_PORT=$(free_port)

PIDS=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "$KEEP_DATA" = false ]; then
    "${PSQL[@]}" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
    "${REDIS[@]}" --scan --pattern "${PREFIX}*" 2>/dev/null | xargs -r -n 500 "${REDIS[@]}" unlink >/dev/null 2>&1 || true
    if [ "$HAVE_RABBITMQCTL" = true ]; then
      for q in "$SLACK_Q" "$SLACK_Q.dlq" "$USER_Q" "$USER_Q.dlq"; do rabbitmqctl -q delete_queue "$q" >/dev/null 2>&1 || true; done
      rabbitmqctl -q eval "rabbit_exchange:delete(rabbit_misc:r(<<\"/\">>, exchange, <<\"$EXCHANGE\">>), false, <<\"bench\">>)." >/dev/null 2>&1 || true
    fi
  fi
  log "logs of this run: $WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

NOFILE=$(ulimit -Hn)
[ "$NOFILE" = unlimited ] && NOFILE=1048576
ulimit -n "$NOFILE" 2>/dev/null || true
if [ "$(ulimit -n)" -lt $((SUBSCRIBERS + 2000)) ]; then
  SUBSCRIBERS=$(( $(ulimit -n) - 2000 ))
  log "ulimit -n is $(ulimit -n): fan-out lowered to $SUBSCRIBERS subscribers"
fi

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
rss_mb() { awk '{printf "%.0f", $1/1024}' <<<"$(ps -o rss= -p "$1")"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

wait_http() { # wait_http <url> <pid> <seconds>: polls every 20 ms
  local deadline=$(( $(now_ms) + $3 * 1000 ))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    kill -0 "$2" 2>/dev/null || return 1
    curl -sf -o /dev/null --max-time 1 "$1" && return 0
    sleep 0.02
  done
  return 1
}

# wrk_rps <log> -> "rps non2xx p50ms p99ms"
wrk_run() { # wrk_run <name> <concurrency> <seconds> <url> [lua args...]
  local name=$1 c=$2 s=$3 url=$4; shift 4
  local t=$(( c < 2 ? 1 : 2 ))
  if [ $# -gt 0 ]; then
    wrk -t"$t" -c"$c" -d"${s}s" --latency -s "$BENCH_DIR/post-user.lua" "$url" -- "$@" ${WRK_TOKEN:+"$WRK_TOKEN"} > "$WORK/wrk-$name.txt" 2>&1
  else
    wrk -t"$t" -c"$c" -d"${s}s" --latency "$url" > "$WORK/wrk-$name.txt" 2>&1
  fi
  local rps non2xx p50 p99
  rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$WORK/wrk-$name.txt")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk-$name.txt"); non2xx=${non2xx:-0}
  p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk-$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk-$name.txt")
  echo "${rps:-0} $non2xx ${p50:-?} ${p99:-?}"
}

RESULTS=$WORK/results.json
echo '{}' > "$RESULTS"
json_line() { # json_line <file>: a probe's JSON result (its last line that is one; a library may log to stdout)
  grep '^{' "$1" | tail -1
}
put() { # put <jq path> <json value>
  jq --argjson v "$2" "$1 = \$v" "$RESULTS" > "$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS"
}

# POST /user at c=32 through every gateway of $GW_PORTS: one wrk per gateway, the 32 connections split evenly.
post_load() { # post_load <name> <seconds> <email tag> -> "rps non2xx p50 p99" (p50, p99: each gateway's, comma-separated)
  local name=$1 seconds=$2 tag=$3 ports=($GW_PORTS) i=0 pids=()
  if [ ${#ports[@]} = 1 ]; then wrk_run "$name" 32 "$seconds" "http://127.0.0.1:${ports[0]}/user" "$tag"; return; fi
  for port in "${ports[@]}"; do
    i=$((i + 1))
    wrk_run "$name-$i" $((32 / ${#ports[@]})) "$seconds" "http://127.0.0.1:$port/user" "$tag-$i" > "$WORK/$name-$i.sum" &
    pids+=($!)
  done
  wait "${pids[@]}"
  cat "$WORK/$name"-*.sum | awk '{rps += $1; bad += $2; p50 = p50 (NR > 1 ? "," : "") $3; p99 = p99 (NR > 1 ? "," : "") $4}
    END {print rps, bad, p50, p99}'
}

# ---- CPU by process group (bench/src/main/java/.../CpuSampler.java) ----------------------------------------------
HZ=$(getconf CLK_TCK)
# The stack's JVMs as name:pid (one "stack:<pid>", or one per role and instance for the cluster point).
JVMS=""
jvm_pids() { local sep=${1:- } out="" j; for j in $JVMS; do out+="${out:+$sep}${j#*:}"; done; echo "$out"; }
jvm_ticks() { # jvm_ticks: "name:ticks ..." (utime + stime of every stack JVM, from /proc/<pid>/stat)
  local j out=""
  for j in $JVMS; do out+="${j%%:*}:$(sed 's/.*) //' "/proc/${j#*:}/stat" | awk '{print $12 + $13}') "; done
  echo "$out"
}
cpu_start() { # cpu_start <name> [load pids]: starts the sampler; returns once it has its first reading
  rm -f "$WORK/cpu-$1.stop" "$WORK/cpu-$1.ready"
  java -Xmx64m -XX:TieredStopAtLevel=1 -jar "$BENCH_JAR" cpu --stop-file "$WORK/cpu-$1.stop" --ready-file "$WORK/cpu-$1.ready" \
    --stack-pids "$(jvm_pids ,)" --load-pids "${2:-}" --hz "$HZ" > "$WORK/cpu-$1.json" 2> "$WORK/cpu-$1.log" &
  CPU_SAMPLER=$!; PIDS+=("$CPU_SAMPLER") # stopped by the clean-up too, should the run end between start and stop
  for _ in $(seq 400); do [ -f "$WORK/cpu-$1.ready" ] && return; sleep 0.025; done
  die "the CPU sampler did not start: $(tail -3 "$WORK/cpu-$1.log")"
}
cpu_stop() { # cpu_stop <name>: stops the sampler; $WORK/cpu-<name>.json holds its seconds per group
  touch "$WORK/cpu-$1.stop"; wait "$CPU_SAMPLER" || die "the CPU sampler failed: $(tail -3 "$WORK/cpu-$1.log")"
}
jit() { # jit: "<methods compiled> <CPU seconds of the compiler threads>" of the stack JVMs (summed)
  # The methods from the JVM's perf counters (jstat); the CPU from /proc, thread by thread: jstat's compile time is
  # elapsed time, which on a busy box counts the compiler's waits for a core (up to 3 x its CPU on a slow machine).
  local pid task
  for pid in $(jvm_pids); do
    printf '%s ' "$(jstat -compiler "$pid" | awk 'NR == 2 {print $1}')"
    for task in /proc/"$pid"/task/*; do
      case "$(cat "$task/comm" 2>/dev/null)" in "C1 CompilerThre"*|"C2 CompilerThre"*) sed 's/.*) //' "$task/stat" 2>/dev/null ;; esac
    done | awk -v hz="$HZ" '{t += $12 + $13} END {print t / hz}'
  done | awk '{m += $1; t += $2} END {print m, t}'
}
wrk_total() { # wrk_total <name>: requests answered 2xx/3xx in a wrk run (or in the runs <name>-1, -2... of post_load)
  local f files=()
  for f in "$WORK/wrk-$1".txt "$WORK/wrk-$1"-[0-9].txt; do [ -f "$f" ] && files+=("$f"); done
  awk '/requests in/ {n += $1} /Non-2xx/ {bad += $5} END {print n - bad}' "${files[@]}"
}
per_unit() { # per_unit <cpu json> <units>: the groups' µs of CPU per unit, as JSON
  jq --argjson n "$2" '.cpuSeconds | with_entries(.value = (if $n > 0 then (.value * 1e6 / $n | round) else null end))
    | . + {postgres: (.postgresRun + .postgresBackground)}' "$1"
}
pg_latency() { # pg_latency <rate> -> JSON of pgbench's own latency at a fixed rate (open loop: -R, schedule lag included)
  local dir="$WORK/pglat-$1"; mkdir -p "$dir"
  (cd "$dir" && pgbench "$PG_URI" -n -M prepared -c 16 -j 2 -R "$1" -T "$PG_LAT_SECONDS" -D n=0 -D run="${RUN}r$1" \
    -f "$WORK/pgbench-insert.sql" -l --log-prefix=lat > "$dir/out.txt" 2>&1) || { log "pgbench -R $1 failed"; echo null; return; }
  cat "$dir"/lat.* | awk '{print $3 / 1000}' | sort -n | awk -v rate="$1" '{v[NR] = $1}
    END { if (NR == 0) { print "null"; exit }
          printf "{\"rate\": %d, \"count\": %d, \"p50\": %.2f, \"p99\": %.2f, \"max\": %.2f}\n", rate, NR, v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1], v[NR] }'
}

# ---- the variant: tracing at 10 % to a sink that costs little, or JWT auth with a minted token ------------------
VARIANT_ENV=""; WRK_TOKEN=""; JWT_SECRET_OF_RUN=""
case "$VARIANT" in
  tracing)
    # No collector on this box: a local nginx answers every Zipkin POST with 202 and reads nothing (a collector's
    # cost is its own machine's). Its CPU lands in the "other" group, not in any row of the table.
    mkdir -p "$WORK/sink/logs"
    cat > "$WORK/sink/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/sink/nginx.pid;
error_log $WORK/sink/logs/error.log warn;
events { worker_connections 256; }
http { access_log $WORK/sink/logs/access.log; server { listen 127.0.0.1:$SINK_PORT; location / { return 202; } } }
NGINX
    nginx -p "$WORK/sink" -c "$WORK/sink/nginx.conf" -g 'daemon off;' > "$WORK/sink/logs/stdout.log" 2>&1 &
    SINK_PID=$!; PIDS+=("$SINK_PID")
    wait_http "http://127.0.0.1:$SINK_PORT/" "$SINK_PID" 10 || die "the trace sink (nginx) did not start; see $WORK/sink/logs"
    VARIANT_ENV="OTEL_TRACES_EXPORTER=zipkin OTEL_EXPORTER_ZIPKIN_ENDPOINT=http://127.0.0.1:$SINK_PORT/api/v2/spans OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.1" ;;
  stages)
    # Every create traced, to a span sink of the bench jar that records only during the latency phase.
    java -Xmx256m -XX:+UseSerialGC -jar "$BENCH_JAR" spans --port "$SINK_PORT" --out "$WORK/spans.jsonl" > "$WORK/spans.log" 2>&1 &
    SINK_PID=$!; PIDS+=("$SINK_PID")
    wait_http "http://127.0.0.1:$SINK_PORT/recording" "$SINK_PID" 30 || die "the span sink did not start; see $WORK/spans.log"
    # Batches every 100 ms and a queue that holds the latency phase's spans: a span dropped leaves its create out.
    VARIANT_ENV="OTEL_TRACES_EXPORTER=zipkin OTEL_EXPORTER_ZIPKIN_ENDPOINT=http://127.0.0.1:$SINK_PORT/api/v2/spans"
    VARIANT_ENV+=" OTEL_BSP_SCHEDULE_DELAY=100 OTEL_BSP_MAX_QUEUE_SIZE=32768" ;;
  jwt)
    JWT_SECRET_OF_RUN="bench-$RUN-a-development-secret-of-at-least-32-bytes"
    VARIANT_ENV="AUTH_MODE=jwt JWT_SECRET=$JWT_SECRET_OF_RUN"
    WRK_TOKEN=$(JWT_SECRET="$JWT_SECRET_OF_RUN" java -jar "$STACK_JAR" token --sub bench --scope "users:write users:read" --ttl 7200) \
      || die "java -jar stack.jar token failed" ;;
esac

log "run $RUN: gateway :$GW_PORT, user :$USER_PORT, slack :$SLACK_PORT, nginx :$NGINX_PORT, schema $SCHEMA, logs $WORK"
log "variant $VARIANT; stack JVM flags: $STACK_JAVA_OPTS; settings: ${STACK_ENV:-defaults}${VARIANT_ENV:+; variant settings: $VARIANT_ENV}"

# ---- 6. the one-JVM stack: time to healthy, RSS at rest ---------------------------------------------------
JVM_MS_START=$(now_ms); java $STACK_JAVA_OPTS -version >/dev/null 2>&1; JVM_MS=$(( $(now_ms) - JVM_MS_START ))
STACK_START=$(now_ms)
env PG_URI="$PG_URI" REDIS_URI="$REDIS_URI" AMQP_URI="$AMQP_URI" HTTP_HOST=127.0.0.1 \
  GATEWAY_HTTP_PORT="$GW_PORT" USER_HTTP_PORT="$USER_PORT" SLACK_HTTP_PORT="$SLACK_PORT" USER_QUEUE_HTTP_PORT="$QUEUE_PORT" \
  USER_SERVICE_PORT="$USER_PORT" SLACK_SERVICE_PORT="$SLACK_PORT" \
  PG_SCHEMA="$SCHEMA" EVENTS_EXCHANGE="$EXCHANGE" SLACK_QUEUE="$SLACK_Q" USER_QUEUE="$USER_Q" REDIS_KEY_PREFIX="$PREFIX" \
  $STACK_ENV $VARIANT_ENV java $STACK_JAVA_OPTS -jar "$STACK_JAR" > "$WORK/stack.log" 2>&1 &
STACK_PID=$!; PIDS+=("$STACK_PID"); JVMS="stack:$STACK_PID"; GW_PORTS=$GW_PORT
wait_http "http://127.0.0.1:$GW_PORT/health" "$STACK_PID" 60 || die "the stack did not become healthy; see $WORK/stack.log"
STARTUP_MS=$(( $(now_ms) - STACK_START ))
if [ "$VARIANT" = jwt ]; then # the variant is in force: without the token a create is refused
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"name":"x","email":"x@bench.example"}' "http://127.0.0.1:$GW_PORT/user")
  [ "$code" = 401 ] || die "AUTH_MODE=jwt, yet POST /user without a token answered $code"
fi
sleep 2
RSS_REST=$(rss_mb "$STACK_PID")
log "stack healthy in $STARTUP_MS ms (a bare JVM starts in $JVM_MS ms); RSS at rest $RSS_REST MB"
put .startup "{\"healthyMs\": $STARTUP_MS, \"bareJvmMs\": $JVM_MS, \"rssRestMb\": $RSS_REST}"

# ---- 1. POST /user through the gateway vs pgbench INSERT ... RETURNING -------------------------------------
"${PSQL[@]}" <<SQL
CREATE TABLE $SCHEMA.bench_users (
  id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       VARCHAR(64),
  email      VARCHAR(254),
  created_at TIMESTAMPTZ DEFAULT now()
);
CREATE UNIQUE INDEX ON $SCHEMA.bench_users (lower(email));
SQL
cat > "$WORK/pgbench-insert.sql" <<SQL
\set r random(1, 1000000000)
\set n :n + 1
INSERT INTO $SCHEMA.bench_users (name, email) VALUES ('bench ' || :r, 'p' || :run || '-' || :client_id || '-' || :n || '@bench.example') RETURNING id, created_at;
SQL
pgbench_run() { # pgbench_run <concurrency> <seconds> <tag> -> tps
  local c=$1 j=$(( $1 < 2 ? 1 : 2 ))
  pgbench "$PG_URI" -n -M prepared -c "$c" -j "$j" -T "$2" -D n=0 -D run="$3" -f "$WORK/pgbench-insert.sql" \
    > "$WORK/pgbench-c$c.txt" 2>&1 || { log "pgbench failed: $(tail -3 "$WORK/pgbench-c$c.txt")"; echo 0; return; }
  awk '/^tps/ && /without initial/ {printf "%.0f", $3}' "$WORK/pgbench-c$c.txt"
}

log "warming up POST /user through the gateway (${POST_WARMUP} s at c=32)"
wrk_run post-warmup 32 "$POST_WARMUP" "http://127.0.0.1:$GW_PORT/user" "${RUN}w" > /dev/null
RSS_LOAD=0
# Before the c=32 phase, whose CPU per user is the headline: warm up at c=32 until the JIT compiler has settled
# (it spends less than JIT_SETTLED_PERCENT of a JIT_CHUNK s step compiling, in every stack JVM together: the
# threshold is per JVM), then measure the idle background of the shared servers (other users of this machine), then
# the phase itself. <json prefix> is "" for the one-JVM stack (.jit, .cpu...), ".cluster" for the cluster point.
settle_jit() { # settle_jit <json prefix> <email tag>
  local step=0 before after steps="[]" ms n_jvms settled_ms
  n_jvms=$(wc -w <<<"$JVMS"); settled_ms=$(( JIT_CHUNK * 10 * JIT_SETTLED_PERCENT * n_jvms ))
  before=$(jit)
  while [ "$step" -lt "$JIT_MAX_CHUNKS" ]; do
    step=$((step + 1))
    post_load "jit-warmup$1-$step" "$JIT_CHUNK" "${2}j$step" > /dev/null
    after=$(jit)
    read -r m0 t0 <<<"$before"; read -r m1 t1 <<<"$after"; before=$after
    ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", (b - a) * 1000}')
    steps=$(jq -c --argjson m $((m1 - m0)) --argjson ms "$ms" '. + [{methods: $m, compilerCpuMs: $ms}]' <<<"$steps")
    log "JIT warm-up step $step ($JIT_CHUNK s at c=32): $((m1 - m0)) methods compiled, $ms ms of the compiler threads' CPU"
    [ "$step" -ge "$JIT_MIN_CHUNKS" ] && [ "$ms" -lt "$settled_ms" ] && break
  done
  put "$1.jit" "{\"stepSeconds\": $JIT_CHUNK, \"settledBelowMs\": $settled_ms, \"warmup\": $steps}"
}
measure_c32() { # measure_c32 <json prefix> <phase name> <email tag>: JIT warm-up, idle background, DURATION s at c=32 with
  # the CPU sampler; sets RPS NON2XX P50 P99 USERS; writes <prefix>.cpu.{idle,post} (per group and per stack JVM)
  local prefix=$1 name=$2 ticks0 ticks1 rss_pid
  settle_jit "$prefix" "$3"
  sleep 1
  cpu_start "idle$prefix"; sleep "$IDLE_SECONDS"; cpu_stop "idle$prefix"
  put "$prefix.cpu.idle" "$(jq '.cpuSeconds | with_entries(.value = (.value * 100 / '"$IDLE_SECONDS"' | round))' "$WORK/cpu-idle$prefix.json")"
  rss_pid=$(jvm_pids | cut -d' ' -f1)
  ( for _ in $(seq $((DURATION * 4 + 8))); do ps -o rss= -p "$rss_pid" 2>/dev/null || break; sleep 0.25; done ) > "$WORK/rss-$name.txt" &
  SAMPLER=$!
  JIT_BEFORE=$(jit); ticks0=$(jvm_ticks)
  cpu_start "$name"
  read -r RPS NON2XX P50 P99 <<<"$(post_load "$name" "$DURATION" "$3")"
  cpu_stop "$name"
  ticks1=$(jvm_ticks)
  read -r m0 t0 <<<"$JIT_BEFORE"; read -r m1 t1 <<<"$(jit)"
  put "$prefix.jit.measured" "{\"methods\": $((m1 - m0)), \"compilerCpuMs\": $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", (b - a) * 1000}')}"
  kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true
  RSS_LOAD=$(sort -n "$WORK/rss-$name.txt" | tail -1 | awk '{printf "%.0f", $1/1024}')
  USERS=$(wrk_total "$name")
  put "$prefix.cpu.post" "$(jq --argjson users "$USERS" --argjson failed "$NON2XX" --argjson rps "$RPS" \
    '{users: $users, failed: $failed, rps: $rps, seconds: .seconds, cpuSeconds: .cpuSeconds}' "$WORK/cpu-$name.json")"
  put "$prefix.cpu.post.perUserUs" "$(per_unit "$WORK/cpu-$name.json" "$USERS")"
  # Each stack JVM's own CPU per user (exact: every JVM lives through the whole phase).
  put "$prefix.cpu.post.perJvmUs" "$(echo "$ticks0 $ticks1" | tr ' ' '\n' | grep . | awk -F: -v users="$USERS" -v hz="$HZ" '
    { if ($1 in t0) d[$1] = $2 - t0[$1]; else { t0[$1] = $2; order[++n] = $1 } }
    END { printf "{"; for (i = 1; i <= n; i++) printf "%s\"%s\": %d", (i > 1 ? ", " : ""), order[i], (users > 0 ? d[order[i]] * 1e6 / hz / users : 0); print "}" }')"
  log "CPU per created user (µs, $name): $(jq -c "$prefix.cpu.post.perUserUs" "$RESULTS"); per JVM: $(jq -c "$prefix.cpu.post.perJvmUs" "$RESULTS")"
}
for c in $CONCURRENCIES; do
  if [ "$c" = 32 ]; then
    measure_c32 "" "post-c32" "${RUN}c32"
    cpu_start pgbench
  else
    read -r RPS NON2XX P50 P99 <<<"$(wrk_run "post-c$c" "$c" "$DURATION" "http://127.0.0.1:$GW_PORT/user" "${RUN}c$c")"
  fi
  TPS=$(pgbench_run "$c" "$DURATION" "${RUN}$c")
  if [ "$c" = 32 ]; then
    cpu_stop pgbench
    INSERTS=$(awk '/number of transactions actually processed/ {print $6}' "$WORK/pgbench-c$c.txt" | cut -d/ -f1)
    put .cpu.pgbench "$(jq --argjson n "${INSERTS:-0}" '{inserts: $n, seconds: .seconds, cpuSeconds: .cpuSeconds}' "$WORK/cpu-pgbench.json")"
    put .cpu.pgbench.perInsertUs "$(per_unit "$WORK/cpu-pgbench.json" "${INSERTS:-0}")"
    log "per pgbench INSERT (µs): $(jq -c .cpu.pgbench.perInsertUs "$RESULTS")"
  fi
  log "POST /user c=$c: $RPS req/s (non-2xx $NON2XX, p50 $P50, p99 $P99); pgbench INSERT: $TPS tps; ratio $(ratio "$RPS" "$TPS")"
  put ".post.c$c" "{\"rps\": $RPS, \"non2xx\": $NON2XX, \"p50\": \"$P50\", \"p99\": \"$P99\", \"pgbenchTps\": ${TPS:-0}, \"ratio\": $(ratio "$RPS" "$TPS" | sed s/n.a/null/)}"
done
put .startup.rssLoadMb "$RSS_LOAD"

# Every created user's event must leave the outbox and reach #user.
drain() { # drain <name> <timeout s>: how long until the outbox is empty and #user holds a message per user
  local start; start=$(now_ms)
  local deadline=$(( start + $2 * 1000 )) outbox_ms=-1 slack_ms=-1 counts outbox users llen
  while [ "$(now_ms)" -lt "$deadline" ]; do
    counts=$("${PSQL[@]}" -F ' ' -c "SELECT (SELECT count(*) FROM $SCHEMA.outbox), (SELECT count(*) FROM $SCHEMA.users)")
    read -r outbox users <<<"$counts"
    llen=$("${REDIS[@]}" llen "${PREFIX}messages:#user")
    [ "$outbox_ms" -lt 0 ] && [ "$outbox" = 0 ] && outbox_ms=$(( $(now_ms) - start ))
    [ "$slack_ms" -lt 0 ] && [ "$llen" -ge "$users" ] && slack_ms=$(( $(now_ms) - start ))
    [ "$outbox_ms" -ge 0 ] && [ "$slack_ms" -ge 0 ] && break
    sleep 0.02
  done
  log "drain after $1: outbox empty after $outbox_ms ms, #user complete after $slack_ms ms ($llen messages for $users users)"
  put ".drain.$1" "{\"outboxMs\": $outbox_ms, \"slackMs\": $slack_ms, \"users\": $users, \"messages\": $llen}"
}
drain post 30

# ---- 1b. RabbitMQ's PerfTest at the c=32 rate: CPU per persistent, confirmed, acked message ---------------
# One producer, one consumer, persistent 300-byte messages to a durable queue, at most 100 unconfirmed, prefetch
# 100, manual acks one by one (PerfTest's default): the stack's event path without the stack.
PT_RATE=$(jq -r '.post.c32.rps // 1000' "$RESULTS"); PT_RATE=$(( PT_RATE > 0 ? PT_RATE : 1000 ))
PT_MESSAGES=$(( PT_RATE * DURATION ))
log "RabbitMQ PerfTest: $PT_MESSAGES persistent, confirmed, acked messages at $PT_RATE/s"
cpu_start idle-perftest; sleep "$IDLE_SECONDS"; cpu_stop idle-perftest
put .cpu.idlePerftest "$(jq '.cpuSeconds | with_entries(.value = (.value * 100 / '"$IDLE_SECONDS"' | round))' "$WORK/cpu-idle-perftest.json")"
cpu_start perftest
java -Xmx256m -cp "$PERF_TEST_CP" com.rabbitmq.perf.PerfTest -h "$AMQP_URI" -x 1 -y 1 -u "bench.$RUN.perftest" -ad true \
  -f persistent -c 100 -q 100 -s 300 -r "$PT_RATE" -C "$PT_MESSAGES" -D "$PT_MESSAGES" > "$WORK/perftest.log" 2>&1 &
PT_PID=$!; PIDS+=("$PT_PID")
wait "$PT_PID" || log "PerfTest failed: $(tail -3 "$WORK/perftest.log")"
cpu_stop perftest
put .cpu.perftest "$(jq --argjson n "$PT_MESSAGES" --argjson r "$PT_RATE" '{messages: $n, rate: $r, seconds: .seconds, cpuSeconds: .cpuSeconds}' "$WORK/cpu-perftest.json")"
put .cpu.perftest.perMessageUs "$(per_unit "$WORK/cpu-perftest.json" "$PT_MESSAGES")"
log "PerfTest CPU per message (µs): $(jq -c .cpu.perftest.perMessageUs "$RESULTS")"

latency_phase() { # the latency probe at $RATE users/s: .latency
  log "latency at $RATE users/s for $LAT_SECONDS s"
  java $PROBE_JAVA_OPTS -jar "$BENCH_JAR" latency --host 127.0.0.1 --port "$GW_PORT" --redis "$REDIS_URI" --prefix "$PREFIX" \
    --amqp "$AMQP_URI" --exchange "$EXCHANGE" --rate "$RATE" --seconds "$LAT_SECONDS" --warmup "$LAT_WARMUP" --tag "l$RUN" \
    > "$WORK/latency.json" 2> "$WORK/latency.log" || die "the latency probe failed: $(tail -5 "$WORK/latency.log")"
  put .latency "$(json_line "$WORK/latency.json")"
  log "latency: $(cat "$WORK/latency.json")"
}

# ---- 1c. pgbench's own latency at a fixed rate: the floor under every create -> event figure ---------------
[ "$RATE" = auto ] && RATE=$(( $(jq -r '.post.c32.rps // 3000' "$RESULTS") / 3 ))
[ "$RATE" -gt 0 ] || RATE=100
for r in 1000 "$RATE"; do
  put ".pgLatency.r$r" "$(pg_latency "$r")"
  log "pgbench at $r/s: $(jq -c ".pgLatency.r$r" "$RESULTS")"
done
put .pgLatency.latencyRate "$RATE"

# ---- 7. the cluster point: two gateway and two user JVMs, clustered, against the one JVM above -------------------
# gateway-1 proxies to user-1 and gateway-2 to user-2 (USER_SERVICE_PORT: one upstream per gateway), one wrk with 16
# connections per gateway; a slack JVM consumes the events. The user-queue role is left out (no load reaches it). The
# users.created announcements and the feed's reads now cross JVMs over the clustered event bus.
if [ "$CLUSTER_POINT" = true ]; then
  log "cluster point: stopping the one-JVM stack, starting gateway x2, user x2 and slack, clustered on 127.0.0.1"
  kill -TERM "$STACK_PID" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$STACK_PID" 2>/dev/null || break; sleep 0.1; done
  JVMS=""
  cluster_jvm() { # cluster_jvm <name> <role> VAR=value...: starts one clustered JVM of the stack in the background
    local name=$1 role=$2; shift 2
    env PG_URI="$PG_URI" REDIS_URI="$REDIS_URI" AMQP_URI="$AMQP_URI" HTTP_HOST=127.0.0.1 \
      PG_SCHEMA="$SCHEMA" EVENTS_EXCHANGE="$EXCHANGE" SLACK_QUEUE="$SLACK_Q" USER_QUEUE="$USER_Q" REDIS_KEY_PREFIX="$PREFIX" \
      CLUSTER_NAME="$CLUSTER_NAME" CLUSTER_PORT="$CLUSTER_PORT" "$@" $STACK_ENV $VARIANT_ENV \
      java $STACK_JAVA_OPTS -jar "$STACK_JAR" "$role" --cluster > "$WORK/$name.log" 2>&1 &
    PIDS+=("$!"); JVMS+="${JVMS:+ }$name:$!"
  }
  U1=$(free_port); U2=$(free_port); G1=$(free_port); G2=$(free_port); S1=$(free_port)
  cluster_jvm user-1 user USER_HTTP_PORT="$U1"
  cluster_jvm user-2 user USER_HTTP_PORT="$U2"
  cluster_jvm slack slack SLACK_HTTP_PORT="$S1"
  cluster_jvm gateway-1 gateway GATEWAY_HTTP_PORT="$G1" USER_SERVICE_PORT="$U1" SLACK_SERVICE_PORT="$S1"
  cluster_jvm gateway-2 gateway GATEWAY_HTTP_PORT="$G2" USER_SERVICE_PORT="$U2" SLACK_SERVICE_PORT="$S1"
  CLUSTER_START=$(now_ms)
  for j in $JVMS; do
    case ${j%%:*} in user-1) url=$U1/ping ;; user-2) url=$U2/ping ;; slack) url=$S1/ping ;; gateway-1) url=$G1/health ;; gateway-2) url=$G2/health ;; esac
    wait_http "http://127.0.0.1:$url" "${j#*:}" 120 || die "the clustered JVM ${j%%:*} did not become healthy; see $WORK/${j%%:*}.log"
  done
  CLUSTER_HEALTHY_MS=$(( $(now_ms) - CLUSTER_START ))
  log "5 clustered JVMs healthy in $CLUSTER_HEALTHY_MS ms"
  GW_PORTS="$G1 $G2"
  post_load cluster-warmup "$POST_WARMUP" "${RUN}kw" > /dev/null
  measure_c32 .cluster cluster-c32 "${RUN}k"
  log "cluster point: $RPS req/s (non-2xx $NON2XX; per gateway p50 $P50, p99 $P99)"
  put .cluster.post "{\"rps\": $RPS, \"non2xx\": $NON2XX, \"p50\": \"$P50\", \"p99\": \"$P99\", \"healthyMs\": $CLUSTER_HEALTHY_MS}"
  drain cluster 30
fi

if [ "$CPU_ONLY" = false ]; then
# ---- 2. the gateway hop beside nginx ----------------------------------------------------------------------
mkdir -p "$WORK/nginx/logs"
cat > "$WORK/nginx/nginx.conf" <<NGINX
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream user_service {
    server 127.0.0.1:$USER_PORT;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://user_service;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
NGINX
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' > "$WORK/nginx/logs/stdout.log" 2>&1 &
NGINX_PID=$!; PIDS+=("$NGINX_PID")
wait_http "http://127.0.0.1:$NGINX_PORT/ping" "$NGINX_PID" 10 || die "nginx did not start; see $WORK/nginx/logs"

log "warming up the gateway (${GATEWAY_WARMUP} s of /ping and POST /user) and nginx"
wrk_run hop-warm-gw-ping "$HOP_CONCURRENCY" $((GATEWAY_WARMUP / 2)) "http://127.0.0.1:$GW_PORT/ping" > /dev/null
wrk_run hop-warm-gw-post "$HOP_CONCURRENCY" $((GATEWAY_WARMUP / 2)) "http://127.0.0.1:$GW_PORT/user" "${RUN}hw" > /dev/null
wrk_run hop-warm-nginx "$HOP_CONCURRENCY" 2 "http://127.0.0.1:$NGINX_PORT/ping" > /dev/null
for route in ping post; do
  for via in direct gateway nginx; do
    case $via in direct) port=$USER_PORT ;; gateway) port=$GW_PORT ;; nginx) port=$NGINX_PORT ;; esac
    if [ "$route" = ping ]; then
      read -r RPS NON2XX P50 P99 <<<"$(wrk_run "hop-$route-$via" "$HOP_CONCURRENCY" "$HOP_SECONDS" "http://127.0.0.1:$port/ping")"
    else
      read -r RPS NON2XX P50 P99 <<<"$(wrk_run "hop-$route-$via" "$HOP_CONCURRENCY" "$HOP_SECONDS" "http://127.0.0.1:$port/user" "${RUN}h$via")"
    fi
    log "$route via $via: $RPS req/s (non-2xx $NON2XX, p50 $P50, p99 $P99)"
    put ".hop.$route.$via" "{\"rps\": $RPS, \"non2xx\": $NON2XX, \"p50\": \"$P50\", \"p99\": \"$P99\"}"
  done
done
kill -TERM "$NGINX_PID" 2>/dev/null || true
drain hop 30

# ---- 3. create -> websocket frame and create -> slack message at a fixed rate ------------------------------
latency_phase

# ---- 5. websocket fan-out ---------------------------------------------------------------------------------
log "fan-out: $SUBSCRIBERS subscribers, $EVENTS events ${EVENT_INTERVAL_MS} ms apart"
( for _ in $(seq 600); do ps -o rss= -p "$STACK_PID" 2>/dev/null || break; sleep 0.25; done ) > "$WORK/rss-fanout.txt" &
SAMPLER=$!
java -Xss512k -jar "$BENCH_JAR" fanout --host 127.0.0.1 --port "$GW_PORT" --subscribers "$SUBSCRIBERS" --events "$EVENTS" \
  --interval-ms "$EVENT_INTERVAL_MS" --tag "f$RUN" --event-loops 4 > "$WORK/fanout.json" 2> "$WORK/fanout.log" \
  || die "the fan-out probe failed: $(tail -5 "$WORK/fanout.log")"
kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true
put .fanout "$(json_line "$WORK/fanout.json")"
put .startup.rssFanoutMb "$(sort -n "$WORK/rss-fanout.txt" | tail -1 | awk '{printf "%.0f", $1/1024}')"
log "fan-out: $(cat "$WORK/fanout.json")"

# ---- 4. event-bus RPC across two JVMs ---------------------------------------------------------------------
unzip -p "$STACK_JAR" cluster.xml > "$WORK/cluster.xml"
env PG_URI="$PG_URI" REDIS_URI="$REDIS_URI" AMQP_URI="$AMQP_URI" HTTP_HOST=127.0.0.1 USER_HTTP_PORT="$RPC_USER_PORT" \
  PG_SCHEMA="$SCHEMA" EVENTS_EXCHANGE="$EXCHANGE" USER_QUEUE="$USER_Q" \
  CLUSTER_NAME="$CLUSTER_NAME" CLUSTER_PORT="$CLUSTER_PORT" \
  java $STACK_JAVA_OPTS -jar "$STACK_JAR" user --cluster > "$WORK/user-clustered.log" 2>&1 &
USER_PID=$!; PIDS+=("$USER_PID")
wait_http "http://127.0.0.1:$RPC_USER_PORT/ping" "$USER_PID" 60 || die "the clustered user JVM did not start; see $WORK/user-clustered.log"
log "RPC: users.ping from a second clustered JVM"
java -jar "$BENCH_JAR" rpc --cluster-xml "$WORK/cluster.xml" --cluster-name "$CLUSTER_NAME" --cluster-port "$CLUSTER_PORT" \
  --warmup-ms "$RPC_WARMUP_MS" --measure-ms "$RPC_MEASURE_MS" --concurrency 16 > "$WORK/rpc.json" 2> "$WORK/rpc.log" \
  || die "the RPC probe failed: $(tail -5 "$WORK/rpc.log")"
put .rpc "$(json_line "$WORK/rpc.json")"
log "rpc: $(cat "$WORK/rpc.json")"
kill -TERM "$USER_PID" 2>/dev/null || true
fi # CPU_ONLY

if [ "$VARIANT" = stages ]; then # the latency phase with every create's spans recorded, then its stages
  drain stages 30
  curl -sf -X PUT --data on "http://127.0.0.1:$SINK_PORT/recording" || die "the span sink did not start recording"
  latency_phase
  consumed() { grep -o '"kind":"CONSUMER"' "$WORK/spans.jsonl" 2>/dev/null | wc -l; }
  deadline=$(( $(now_ms) + 15000 )) # the last creates' spans arrive with the exporter's next batches
  while [ "$(consumed)" -lt "$(jq -r '.latency.sent + .latency.warmupSent' "$RESULTS")" ] && [ "$(now_ms)" -lt "$deadline" ]; do
    sleep 0.2
  done
  curl -sf -X PUT --data off "http://127.0.0.1:$SINK_PORT/recording" || true
  java -jar "$BENCH_JAR" stages --spans "$WORK/spans.jsonl" --last $(( RATE * LAT_SECONDS )) > "$WORK/stages.json" 2> "$WORK/stages.log" \
    || die "the stage breakdown failed: $(tail -5 "$WORK/stages.log")"
  put .stages "$(json_line "$WORK/stages.json")"
  log "stages: $(cat "$WORK/stages.json")"
fi

# ---- end of the run: nothing left behind ------------------------------------------------------------------
drain end 30
QUEUE_LEFT=-1
if [ "$HAVE_RABBITMQCTL" = true ]; then
  QUEUE_LEFT=$(rabbitmqctl -q list_queues name messages 2>/dev/null | awk -v q="$SLACK_Q" '$1 == q {print $2}')
  QUEUE_LEFT=${QUEUE_LEFT:--1}
fi
put .drain.end.slackQueueMessages "$QUEUE_LEFT"

if [ "$VARIANT" = tracing ]; then # the variant was in force: the stack exported spans to the sink
  put .tracing "{\"exportPosts\": $(grep -c 'POST /api/v2/spans' "$WORK/sink/logs/access.log" || true)}"
  log "trace sink: $(jq -c .tracing "$RESULTS") Zipkin export requests"
fi

# ---- report -----------------------------------------------------------------------------------------------
mkdir -p "$BENCH_DIR/results"
OUT_MD=$BENCH_DIR/results/$DATE.md
OUT_JSON=$BENCH_DIR/results/$DATE.json
jq --arg run "$RUN" --arg date "$(date -Iseconds)" --arg opts "$STACK_JAVA_OPTS" --arg env "$STACK_ENV" \
  --arg variant "$VARIANT" --arg variantEnv "${VARIANT_ENV//$JWT_SECRET_OF_RUN/<secret of the run>}" \
  --arg cpus "$(nproc)" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
  '. + {run: $run, date: $date, javaOpts: $opts, stackEnv: $env, variant: $variant, variantEnv: $variantEnv, cpus: $cpus, loadAvgAtEnd: $load}' "$RESULTS" > "$OUT_JSON"
"$BENCH_DIR/report.sh" "$OUT_JSON" > "$OUT_MD"
cat "$OUT_MD"
log "results written to $OUT_MD and $OUT_JSON"

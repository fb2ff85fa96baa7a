#!/usr/bin/env bash
# Renders a bench/run.sh results JSON as the Markdown results table: each figure beside the limit measured in
# the same run, the ratio, the target and whether it is met.  usage: bench/report.sh results/<date>.json
set -euo pipefail
J=$1
q() { jq -r "$1 // \"n/a\"" "$J"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a ~ /^[0-9.]+$/) printf "%.2f", a / b; else print "n/a" }'; }
met() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
  if (v == "n/a" || v == "") { print "n/a"; exit }
  ok = (op == ">=") ? (v + 0 >= t + 0) : (v + 0 <= t + 0); print ok ? "**met**" : "**missed**" }'; }

echo "# microservice-stack benchmark, $(q .date)"
echo
echo "Run \`$(q .run)\` on $(q .cpus) cores, a shared machine (other builds and tests ran beside it; load generator on the same box; load average at the end: $(q .loadAvgAtEnd))."
echo "Stack JVM flags: \`$(q .javaOpts)\`; extra settings: \`$(q .stackEnv)\`; variant: $(q .variant) \`$(q .variantEnv)\`$([ "$(q .variant)" = tracing ] && echo " ($(q .tracing.exportPosts) Zipkin export requests reached the sink)")."
echo
echo "## 1. POST /user through the gateway vs pgbench (one INSERT ... RETURNING per transaction)"
echo
echo "| concurrency | POST /user via gateway (req/s) | non-2xx | p50 / p99 | pgbench INSERT (tps) | ratio |"
echo "|---|---|---|---|---|---|"
for c in $(jq -r '.post | keys[]' "$J" | sed 's/c//' | sort -n); do
  echo "| $c | $(q ".post.c$c.rps") | $(q ".post.c$c.non2xx") | $(q ".post.c$c.p50") / $(q ".post.c$c.p99") | $(q ".post.c$c.pgbenchTps") | $(q ".post.c$c.ratio") |"
done
echo
echo "### CPU per created user, by process group (c=32, after the JIT settled; shared machine)"
echo
u() { q ".cpu.post.perUserUs.$1"; }; g() { q ".cpu.pgbench.perInsertUs.$1"; }; pt() { q ".cpu.perftest.perMessageUs.$1"; }
derived() { jq -r -L "$(dirname "$0")" "include \"derived\"; $1" "$J"; } # figures of bench/derived.jq
idle() { q ".cpu.idle.$1"; }
sum() { awk 'BEGIN { s = 0; for (i = 1; i < ARGC; i++) { if (ARGV[i] == "n/a") { print "n/a"; exit } s += ARGV[i] } print s }' "$@"; }
total=$(sum "$(u stack)" "$(u postgres)" "$(u rabbitmq)" "$(u redis)" "$(u load)")
pgtotal=$(sum "$(g postgres)" "$(g load)")
failed=$(q .cpu.post.failed)
if [ "$failed" != n/a ] && [ "$failed" -gt $(( $(q .cpu.post.users) / 200 )) ]; then
  echo "**Not valid: $failed requests of the c=32 phase failed** (more than 0.5 %; a machine stalled for seconds opens the gateway's circuit breaker), so their CPU is counted against fewer users."
  echo
fi
echo "From /proc/<pid>/stat (utime + stime) sampled every 50 ms: $(q .cpu.post.users) users in $(q .cpu.post.seconds) s; pgbench: $(q .cpu.pgbench.inserts) INSERTs; PerfTest: $(q .cpu.perftest.messages) messages at $(q .cpu.perftest.rate)/s. The idle column is what each group used with no load of this run (other users of the shared servers), in % of a core."
echo
echo "| process group | µs per created user | pgbench, µs per INSERT | PerfTest, µs per message | ratio | idle (% of a core) |"
echo "|---|---|---|---|---|---|"
echo "| stack JVM | $(u stack) | | | | $(idle stack) |"
echo "| of which the JIT compiler compiling ($(derived jit_source); what is left once it has settled: $(derived stack_less_jit)) | $(derived jit_us) | | | | |"
echo "| PostgreSQL: this run's backends + the server's own processes | $(u postgres) | $(g postgres) | | $(ratio "$(u postgres)" "$(g postgres)") × pgbench | $(idle postgresBackground) (own processes) |"
echo "| of which backends / own processes | $(u postgresRun) / $(u postgresBackground) | $(g postgresRun) / $(g postgresBackground) | | | |"
echo "| RabbitMQ (beam.smp and helpers) | $(u rabbitmq) | | $(pt rabbitmq) | $(ratio "$(u rabbitmq)" "$(pt rabbitmq)") × PerfTest | $(idle rabbitmq) (before PerfTest: $(q .cpu.idlePerftest.rabbitmq)) |"
echo "| Redis | $(u redis) | | | | $(idle redis) |"
echo "| load generator (wrk; pgbench; PerfTest's JVM) | $(u load) | $(g load) | $(pt load) | | |"
echo "| **whole box** (the rows above) | **$total** | **$pgtotal** | | **$(ratio "$total" "$pgtotal") × pgbench** | |"
echo "| not counted: other clients' PostgreSQL backends, other processes | $(u postgresOthers), $(u other) | $(g postgresOthers), $(g other) | $(pt postgresOthers), $(pt other) | | $(idle postgresOthers), $(idle other) |"
echo
jit_ms=$(derived 'compile_ms(.jit.measured // {}) // "n/a"')
echo "JIT ($(derived jit_source), methods from \`jstat -compiler\`): warm-up at c=32 in $(q .jit.stepSeconds) s steps until a step spent less than $(q .jit.settledBelowMs) ms compiling; methods compiled / ms compiling per step: $(jq -r '[.jit.warmup[]? | "\(.methods) / \(.compilerCpuMs // .compileMs)"] | join(", ")' "$J"); during the measured phase: $(q .jit.measured.methods) methods, $jit_ms ms of compiling ($(awk -v a="$jit_ms" -v b="$(q .cpu.post.cpuSeconds.stack)" 'BEGIN { if (b + 0 > 0) printf "%.1f", a / 10 / b; else print "n/a" }') % of the stack JVM's CPU in the phase)."
echo
echo "pgbench's own latency, INSERT ... RETURNING at a fixed rate (\`-R\`, -c 16, schedule lag included): at $(q .pgLatency.r1000.rate)/s p50 $(q .pgLatency.r1000.p50) ms, p99 $(q .pgLatency.r1000.p99) ms; at the latency phase's $(q .pgLatency.latencyRate)/s p50 $(q ".pgLatency.r$(q .pgLatency.latencyRate).p50") ms, p99 $(q ".pgLatency.r$(q .pgLatency.latencyRate).p99") ms."
echo
echo "| drain after | outbox empty after (ms) | every user's #user message after (ms) | users | messages |"
echo "|---|---|---|---|---|"
for d in post hop end; do
  echo "| $d | $(q ".drain.$d.outboxMs") | $(q ".drain.$d.slackMs") | $(q ".drain.$d.users") | $(q ".drain.$d.messages") |"
done
echo
echo "Slack queue at the end (ready + unacked, rabbitmqctl): $(q .drain.end.slackQueueMessages)."
echo
if [ "$(jq 'has("cluster")' "$J")" = true ]; then
  echo "## 7. Two gateway and two user JVMs, clustered, against the one-JVM stack (c=32, same run; shared machine)"
  echo
  echo "One wrk with 16 connections per gateway; gateway-1 proxies to user-1, gateway-2 to user-2; a slack JVM. Healthy in $(q .cluster.post.healthyMs) ms. JIT during the measured phase: $(derived 'compile_ms(.cluster.jit.measured // {}) // "n/a"') ms of compiling over the JVMs (one JVM: $jit_ms ms)."
  echo
  k() { q ".cluster.cpu.post.perUserUs.$1"; }
  ktotal=$(sum "$(k stack)" "$(k postgres)" "$(k rabbitmq)" "$(k redis)" "$(k load)")
  echo "| | one JVM | 2 gateway + 2 user + 1 slack JVMs | ratio |"
  echo "|---|---|---|---|"
  echo "| users/s at c=32 (failed) | $(q .cpu.post.rps) ($(q .cpu.post.failed)) | $(q .cluster.cpu.post.rps) ($(q .cluster.cpu.post.failed)) | $(ratio "$(q .cluster.cpu.post.rps)" "$(q .cpu.post.rps)") |"
  for grp in stack postgres rabbitmq redis load; do
    echo "| $grp, µs per user | $(u $grp) | $(k $grp) | $(ratio "$(k $grp)" "$(u $grp)") |"
  done
  echo "| **whole box**, µs per user | **$total** | **$ktotal** | **$(ratio "$ktotal" "$total")** |"
  for jvm in $(jq -r '.cluster.cpu.post.perJvmUs | keys_unsorted[]' "$J"); do
    echo "| JVM $jvm, µs per user | | $(q ".cluster.cpu.post.perJvmUs[\"$jvm\"]") | |"
  done
  echo
fi
echo "## 2. The gateway hop beside nginx (same origin: the user service; c=32)"
echo
echo "| route | direct (req/s) | gateway | nginx | gateway/direct | nginx/direct | gateway/nginx |"
echo "|---|---|---|---|---|---|---|"
for r in ping post; do
  d=$(q ".hop.$r.direct.rps"); g=$(q ".hop.$r.gateway.rps"); n=$(q ".hop.$r.nginx.rps")
  label=$([ "$r" = ping ] && echo "GET /ping" || echo "POST /user")
  echo "| $label | $d | $g | $n | $(ratio "$g" "$d") | $(ratio "$n" "$d") | $(ratio "$g" "$n") |"
done
echo
echo "The gateway answers \`GET /ping\` itself (it is not proxied); nginx proxies it to the user service."
echo
echo "## 3-5. Latencies"
echo
echo "| figure | p50 (ms) | p99 (ms) | max (ms) | count | limit in this run | ratio (p50, p99) |"
echo "|---|---|---|---|---|---|---|"
hp50=$(q .latency.http.p50); hp99=$(q .latency.http.p99)
echo "| POST /user answered, at $(q .latency.rate)/s after $(q .latency.warmupSent) warm-up users (the floor of the two below) | $hp50 | $hp99 | $(q .latency.http.max) | $(q .latency.http.count) | | |"
for f in ws slack; do
  label=$([ "$f" = ws ] && echo "create → websocket frame" || echo "create → #user message")
  echo "| $label, at $(q .latency.rate)/s | $(q ".latency.$f.p50") | $(q ".latency.$f.p99") | $(q ".latency.$f.max") | $(q ".latency.$f.count") of $(q .latency.sent) | create answered: $hp50 / $hp99 | $(ratio "$(q ".latency.$f.p50")" "$hp50"), $(ratio "$(q ".latency.$f.p99")" "$hp99") |"
done
if [ "$(q .latency.broker.count)" != "n/a" ]; then
  echo "| create → the event delivered to a queue of the probe's own (the create, the relay's publish, the broker) | $(q .latency.broker.p50) | $(q .latency.broker.p99) | $(q .latency.broker.max) | $(q .latency.broker.count) | | |"
  echo "| that delivery → the \`#user\` message, per event (the slack service's part) | $(q .latency.slackAfterBroker.p50) | $(q .latency.slackAfterBroker.p99) | $(q .latency.slackAfterBroker.max) | $(q .latency.slackAfterBroker.count) | | |"
fi
ep50=$(q .rpc.echo.p50); ep99=$(q .rpc.echo.p99)
echo "| RPC users.ping across JVMs, sequential ($(q .rpc.sequential.rps)/s) | $(q .rpc.sequential.p50) | $(q .rpc.sequential.p99) | $(q .rpc.sequential.max) | $(q .rpc.sequential.count) | TCP echo: $ep50 / $ep99 ($(q .rpc.echo.rps)/s) | $(ratio "$(q .rpc.sequential.p50)" "$ep50"), $(ratio "$(q .rpc.sequential.p99)" "$ep99") |"
echo "| RPC users.ping, $(q .rpc.concurrent.concurrency) in flight ($(q .rpc.concurrent.rps)/s) | $(q .rpc.concurrent.p50) | $(q .rpc.concurrent.p99) | $(q .rpc.concurrent.max) | $(q .rpc.concurrent.count) | | |"
wsp50=$(q .latency.ws.p50)
echo "| fan-out: create answered → all $(q .fanout.connected) subscribers have the frame | $(q .fanout.allReached.p50) | $(q .fanout.allReached.p99) | $(q .fanout.allReached.max) | $(q .fanout.events) events | create → frame, 1 subscriber: $wsp50 | $(ratio "$(q .fanout.allReached.p50)" "$wsp50") |"
echo
echo "The latency probe's own JVM, on the same cores as the stack, used $(q .latency.probeCpuSeconds) s of CPU (start-up, warm-up and measurement)."
echo
echo "Fan-out: $(q .fanout.connected) of $(q .fanout.subscribers) connected in $(q .fanout.connectSeconds) s, frames $(q .fanout.framesReceived) of $(q .fanout.framesExpected), events not reaching everyone: $(q .fanout.incompleteEvents), sockets closed early: $(q .fanout.closedEarly)."
echo
if [ "$(q .stages.creates)" != "n/a" ]; then
  echo "## Where a create's time goes (every create traced; the latency phase's last $(q .stages.creates) creates)"
  echo
  echo "From the spans: time 0 is the gateway's server span starting. The slowest 1 % are the creates slowest from there to the \`#user\` write."
  echo
  echo "| stage | p50 (ms) | p99 (ms) | max (ms) | mean of the slowest 1 % (ms) |"
  echo "|---|---|---|---|---|"
  while IFS='|' read -r key label; do
    echo "| $label | $(q ".stages.stages.$key.p50") | $(q ".stages.stages.$key.p99") | $(q ".stages.stages.$key.max") | $(q ".stages.stages.$key.slowestMean") |"
  done <<'STAGES'
gatewayIn|the gateway: request in → its proxy request out
toUser|the hop: proxy request → the user service's server span
userBeforeInsert|the user service before its INSERT
insert|the INSERT (user and outbox row, committed)
answerBack|the answer: INSERT done → the user service's answer proxied and written by the gateway
gateway|= the create as the gateway saw it
commitToPublish|commit → the relay's publish starts
publishToConsumer|publish → the slack consumer starts (worker hand-off, broker, delivery)
consumer|the slack consumer (the Redis script)
total|= gateway start → the `#user` message written
publishToConfirm|(beside) publish → the broker's confirm
commitToFeedRead|(beside) commit → the live feed's read of it done
STAGES
  echo
fi
echo "## 6. The one-JVM stack"
echo
echo "| figure | value | limit in this run | ratio |"
echo "|---|---|---|---|"
echo "| \`java -jar\` → gateway /health 200 | $(q .startup.healthyMs) ms | bare JVM start (\`java -version\`): $(q .startup.bareJvmMs) ms | $(ratio "$(q .startup.healthyMs)" "$(q .startup.bareJvmMs)") |"
echo "| RSS at rest | $(q .startup.rssRestMb) MB | | |"
echo "| RSS under POST /user c=32 (max of samples every 250 ms) | $(q .startup.rssLoadMb) MB | | |"
echo "| RSS with $(q .fanout.connected) websockets (max during the fan-out) | $(q .startup.rssFanoutMb) MB | | |"
echo
echo "## Targets"
echo
c32=$(q .post.c32.ratio)
delivered=$(jq -r 'if (.drain.post.messages // 0) >= (.drain.post.users // 1) and (.drain.end.messages // 0) >= (.drain.end.users // 1) then 1 else 0 end' "$J")
post_met=$(met "$c32" ">=" 0.30); [ "$delivered" = 1 ] || post_met="**missed** (events missing)"
gp=$(ratio "$(q .hop.ping.gateway.rps)" "$(q .hop.ping.nginx.rps)")
gd=$(ratio "$(q .hop.post.gateway.rps)" "$(q .hop.post.direct.rps)")
fan_p99=$(q .fanout.allReached.p99)
fan_met=$(met "$fan_p99" "<=" 1000); [ "$(q .fanout.incompleteEvents)" = 0 ] || fan_met="**missed** (events not delivered to all)"
echo "| target | measured | |"
echo "|---|---|---|"
echo "| POST /user via gateway at c=32, every event delivered: ≥ 0.30 × pgbench | $c32 × (delivered: $([ "$delivered" = 1 ] && echo yes || echo no)) | $post_met |"
echo "| GET /ping through the gateway ≥ nginx | gateway/nginx $gp | $(met "$gp" ">=" 1) |"
echo "| POST /user through the gateway ≥ 0.85 × direct | $gd | $(met "$gd" ">=" 0.85) |"
echo "| create → websocket p99 ≤ 20 ms at $(q .latency.rate)/s | $(q .latency.ws.p99) ms | $(met "$(q .latency.ws.p99)" "<=" 20) |"
echo "| create → slack message p99 ≤ 50 ms at $(q .latency.rate)/s | $(q .latency.slack.p99) ms | $(met "$(q .latency.slack.p99)" "<=" 50) |"
lr=$(q .pgLatency.latencyRate); pg99=$(q ".pgLatency.r$lr.p99")
echo "| whole box CPU per user ≤ 3 × pgbench's per INSERT (shared machine) | $(ratio "$total" "$pgtotal") × | $(met "$(ratio "$total" "$pgtotal")" "<=" 3) |"
echo "| stack JVM ≤ 200 µs per user | $(u stack) µs | $(met "$(u stack)" "<=" 200) |"
echo "| RabbitMQ ≤ 1.3 × PerfTest's CPU per message | $(ratio "$(u rabbitmq)" "$(pt rabbitmq)") × | $(met "$(ratio "$(u rabbitmq)" "$(pt rabbitmq)")" "<=" 1.3) |"
echo "| PostgreSQL ≤ 1.3 × pgbench's CPU per INSERT | $(ratio "$(u postgres)" "$(g postgres)") × | $(met "$(ratio "$(u postgres)" "$(g postgres)")" "<=" 1.3) |"
echo "| create → websocket p99 ≤ 2 × pgbench's p99 at the same rate ($lr/s) | $(q .latency.ws.p99) / $pg99 = $(ratio "$(q .latency.ws.p99)" "$pg99") × | $(met "$(ratio "$(q .latency.ws.p99)" "$pg99")" "<=" 2) |"
echo "| create → #user message p99 ≤ 3 × pgbench's p99 at the same rate | $(q .latency.slack.p99) / $pg99 = $(ratio "$(q .latency.slack.p99)" "$pg99") × | $(met "$(ratio "$(q .latency.slack.p99)" "$pg99")" "<=" 3) |"
echo "| RPC across JVMs p50 ≤ 0.5 ms | $(q .rpc.sequential.p50) ms | $(met "$(q .rpc.sequential.p50)" "<=" 0.5) |"
echo "| RPC across JVMs p99 ≤ 5 ms | $(q .rpc.sequential.p99) ms | $(met "$(q .rpc.sequential.p99)" "<=" 5) |"
echo "| $(q .fanout.subscribers) websocket subscribers: each event reaches all, p99 ≤ 1 s | $fan_p99 ms | $fan_met |"
echo "| one-JVM stack healthy ≤ 3 s | $(q .startup.healthyMs) ms | $(met "$(q .startup.healthyMs)" "<=" 3000) |"
echo "| RSS ≤ 256 MB under load | $(q .startup.rssLoadMb) MB | $(met "$(q .startup.rssLoadMb)" "<=" 256) |"

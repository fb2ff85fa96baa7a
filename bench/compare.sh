#!/usr/bin/env bash
# Puts the CPU figures of several bench/run.sh results side by side, one column per run (e.g. the variants default,
# tracing and jwt run one after the other), each beside the limits measured in its own run.
#   usage: bench/compare.sh results/<date>.json results/<date>.json ...
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 results/<date>.json ..." >&2; exit 2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a ~ /^[0-9.]+$/) printf "%.2f", a / b; else print "n/a" }'; }
q() { jq -r "$2 // \"n/a\"" "$1"; }
whole() { # whole <json> <path of a per-unit object>: the sum of the groups the report counts
  jq -r "$2 | if . == null then \"n/a\" else ((.stack // 0) + (.postgres // 0) + (.rabbitmq // 0) + (.redis // 0) + (.load // 0)) end" "$1"
}
row() { # row <label> <jq expression or function, evaluated per file>
  local label=$1 f; shift
  printf '| %s |' "$label"
  for f in "${FILES[@]}"; do printf ' %s |' "$("$@" "$f")"; done
  echo
}
FILES=("$@")
col() { q "$2" "$1"; }                    # col <jq path> <file>
per_user() { q "$2" ".cpu.post.perUserUs.$1"; }
total_user() { whole "$1" .cpu.post.perUserUs; }
total_pg() { jq -r '.cpu.pgbench.perInsertUs | if . == null then "n/a" else .postgres + .load end' "$1"; } # as report.sh
box_ratio() { ratio "$(total_user "$1")" "$(total_pg "$1")"; }
pg_ratio() { ratio "$(per_user postgres "$1")" "$(q "$1" .cpu.pgbench.perInsertUs.postgres)"; }
mq_ratio() { ratio "$(per_user rabbitmq "$1")" "$(q "$1" .cpu.perftest.perMessageUs.rabbitmq)"; }
jit_share() { awk -v a="$(jq -r -L "$(dirname "$0")" 'include "derived"; compile_ms(.jit.measured // {}) // "n/a"' "$1")" -v b="$(q "$1" .cpu.post.cpuSeconds.stack)" \
  'BEGIN { if (b + 0 > 0) printf "%.0f %%", a / 10 / b; else print "n/a" }'; }
less_jit() { jq -r -L "$(dirname "$0")" 'include "derived"; stack_less_jit' "$1"; } # bench/derived.jq
eval_users() { echo "$(q "$1" .post.c32.rps) ($(q "$1" .cpu.post.failed))"; }
name() { echo "$(q "$1" .variant) (\`$(basename "$1" .json)\`)"; }

row "run" name
printf '|---|'; for _ in "${FILES[@]}"; do printf -- '---|'; done; echo
row "users/s at c=32 (failed)" eval_users
row "stack JVM, µs per user" per_user stack
row "stack JVM less the JIT's compiling in the phase" less_jit
row "PostgreSQL, µs per user" per_user postgres
row "RabbitMQ, µs per user" per_user rabbitmq
row "Redis, µs per user" per_user redis
row "wrk, µs per user" per_user load
row "**whole box, µs per user**" total_user
row "pgbench, whole box µs per INSERT" total_pg
row "whole box ÷ pgbench (target ≤ 3)" box_ratio
row "PostgreSQL ÷ pgbench's (target ≤ 1.3)" pg_ratio
row "RabbitMQ ÷ PerfTest's at the same rate (target ≤ 1.3)" mq_ratio
row "JIT compiling in the phase, % of the stack's CPU" jit_share
row "load average at the end" col .loadAvgAtEnd

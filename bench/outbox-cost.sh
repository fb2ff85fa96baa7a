#!/usr/bin/env bash
# What the outbox costs PostgreSQL per created user, statement by statement, with pgbench at 32 clients.
#
# usage: bench/outbox-cost.sh [--seconds S] [--rounds N] [--logical]
#        (defaults: 10 s per variant, 2 rounds: about 2 minutes)
#
# Five variants (six with --logical), each run to saturation (PostgreSQL on every core), in rounds that alternate them:
#   plain          bench/run.sh's reference INSERT (a table with a primary key and a unique lower(email) index)
#   user           the user row alone, as a create writes it (the users table of the migrations)
#   user+outbox    the create statement itself (UserRepository's INSERT_WITH_EVENT: the user and its outbox row)
#   +delete/8      the same, with the relay's DELETE of published rows, 8 rows per statement (one per 8 creates)
#   +delete/64     the same, 64 rows per statement (one per 64 creates)
#   user+message   (--logical) the user row and its event as a transactional logical message
#                  (pg_logical_emit_message: WAL only, no outbox row), read meanwhile from a logical replication
#                  slot by pg_recvlogical (pgoutput, a publication of no tables, messages on): the walsender's
#                  decoding is PostgreSQL CPU too and is counted; pg_recvlogical's own CPU is printed beside it.
#                  Needs wal_level=logical (a server restart); the slot and publication are dropped after each run.
# For each: transactions per second and PostgreSQL's CPU per create (every postgres process, the exited backends
# included through the postmaster's reaped-children time: run it on a machine where nothing else uses the server).
# The schema (the migrations of user-verticle, applied by psql) is dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=10; ROUNDS=2; LOGICAL=
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_EACH=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --logical) LOGICAL=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
PG_URI=${PG_URI:-postgresql://postgres@127.0.0.1:5432/postgres}
command -v pgbench > /dev/null || { echo "pgbench is missing: apt-get install -y postgresql-client" >&2; exit 1; }
SCHEMA="outbox_cost_$$"
WORK=$(mktemp -d)
PSQL=(psql -qAtX -v ON_ERROR_STOP=1 "$PG_URI")
SLOT="$SCHEMA"
cleanup() {
  [ -z "${RECV_PID:-}" ] || kill "$RECV_PID" 2> /dev/null || true
  "${PSQL[@]}" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" > /dev/null 2>&1 || true
  if [ -n "$LOGICAL" ]; then
    "${PSQL[@]}" -c "SELECT pg_drop_replication_slot('$SLOT') FROM pg_replication_slots WHERE slot_name = '$SLOT'" > /dev/null 2>&1 || true
    "${PSQL[@]}" -c "DROP PUBLICATION IF EXISTS $SLOT" > /dev/null 2>&1 || true
  fi
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
if [ -n "$LOGICAL" ]; then
  [ "$("${PSQL[@]}" -c 'SHOW wal_level')" = logical ] || { echo "--logical needs wal_level=logical:" \
    "ALTER SYSTEM SET wal_level = logical, then restart the server (and ALTER SYSTEM RESET wal_level after)" >&2; exit 1; }
  command -v pg_recvlogical > /dev/null || { echo "pg_recvlogical is missing: apt-get install -y postgresql-client" >&2; exit 1; }
fi

PGDATA_DIR=$("${PSQL[@]}" -c "SHOW data_directory")
POSTMASTER=$(head -1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null) \
  || { echo "cannot read $PGDATA_DIR/postmaster.pid: run on the server's machine, as a user who may read it" >&2; exit 1; }
pg_ticks() { # CPU ticks of every postgres process, plus what the postmaster reaped from exited backends
  local total=0 pid stat
  for pid in $(pgrep -x postgres); do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    set -- $stat
    total=$(( total + ${12} + ${13} ))
    [ "$pid" = "$POSTMASTER" ] && total=$(( total + ${14} + ${15} ))
  done
  echo "$total"
}

{
  echo "CREATE SCHEMA $SCHEMA; SET search_path = $SCHEMA;"
  cat $(ls user-verticle/src/main/resources/db/migration/users/V*.sql | sort -V)
  cat <<SQL
CREATE TABLE bench_users (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name VARCHAR(64), email VARCHAR(254),
  created_at TIMESTAMPTZ DEFAULT now());
CREATE UNIQUE INDEX ON bench_users (lower(email));
-- pgbench reads ':name' in a script as a variable, so the timestamp format (HH24:MI:SS) goes through a function
CREATE FUNCTION iso(t timestamptz) RETURNS text LANGUAGE sql STABLE AS \$\$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') \$\$;
SQL
} | "${PSQL[@]}" > /dev/null

# The create statement, taken from the source so that it is measured as it is
python3 - "$SCHEMA" "$WORK" <<'PY'
import re, sys
schema, work = sys.argv[1], sys.argv[2]
src = open('user-verticle/src/main/java/io/microservicestack/user/UserRepository.java').read()
sql = re.search(r'INSERT_WITH_EVENT = """(.*?)""".formatted', src, re.S).group(1)
sql = sql.replace('%s', f'{schema}.iso(created_at)')
sql = sql.replace('INSERT INTO users (', f'INSERT INTO {schema}.users (').replace('INSERT INTO outbox (', f'INSERT INTO {schema}.outbox (')
email = "'oc' || :run || '-' || :client_id || '-' || :n || '@bench.example'"
sql = sql.replace('$1', "'bench ' || :r").replace('$2', email).replace('$3', 'NULL').replace('$4', 'NULL')
head = "\\set r random(1, 1000000000)\n\\set n :n + 1\n"
open(f'{work}/create.sql', 'w').write(head + ' '.join(sql.split()) + ';\n')
user = re.search(r'WITH u AS \((.*?)\), e AS', sql, re.S).group(1)
open(f'{work}/user.sql', 'w').write(head + ' '.join(user.split()) + ';\n')
open(f'{work}/plain.sql', 'w').write(head + f"INSERT INTO {schema}.bench_users (name, email) VALUES ('bench ' || :r, {email}) RETURNING id, created_at;\n")
payload = re.search(r"jsonb_build_object\((.*)\)\s+FROM u, e", sql, re.S).group(0)
payload = payload[:payload.rindex(')') + 1].replace('e.id::text', 'gen_random_uuid()::text')
message = f"WITH u AS ({user}) SELECT u.id, pg_logical_emit_message(true, '{schema}', {payload}::text) FROM u"
open(f'{work}/message.sql', 'w').write(head + ' '.join(message.split()) + ';\n')
for rows in (8, 64):
    open(f'{work}/delete{rows}.sql', 'w').write(f"DELETE FROM {schema}.outbox WHERE id IN (SELECT id FROM {schema}.outbox ORDER BY id LIMIT {rows} FOR UPDATE SKIP LOCKED);\n")
PY

run() { # run <variant> <pgbench script arguments...>: prints "<tps> <µs of PostgreSQL CPU per create>"
  local name=$1; shift
  # every variant starts from an empty outbox, as the stack's is in a steady state (a relay keeps it near empty)
  "${PSQL[@]}" -c "TRUNCATE $SCHEMA.outbox; CHECKPOINT" > /dev/null
  local before after creates tps
  local processes; processes=$(pgrep -xc postgres)
  before=$(pg_ticks)
  pgbench "$PG_URI" -n -M prepared -c 32 -j 2 -T "$SECONDS_EACH" -D n=0 -D run="$name$RANDOM" "$@" > "$WORK/$name.out" 2>&1 \
    || { echo "pgbench failed for $name: $(tail -3 "$WORK/$name.out")" >&2; exit 1; }
  # an exited backend's CPU reaches the postmaster's count once it is reaped: wait until pgbench's 32 are gone
  for _ in $(seq 100); do [ "$(pgrep -xc postgres)" -le "$processes" ] && break; sleep 0.05; done
  after=$(pg_ticks)
  # with several scripts pgbench counts each one; the first is the create
  creates=$(awk '/^SQL script 1/ {s = 1} s && / - [0-9]+ transactions/ {print $2; exit}' "$WORK/$name.out")
  [ -n "$creates" ] || creates=$(awk '/number of transactions actually processed/ {split($6, a, "/"); print a[1]}' "$WORK/$name.out")
  tps=$(awk '/^tps/ && /without initial/ {printf "%.0f", $3}' "$WORK/$name.out")
  echo "$tps $(( (after - before) * 1000000 / $(getconf CLK_TCK) / creates ))"
}

# The user+message variant: a slot created just before (so it decodes only this run's WAL), read all along by
# pg_recvlogical, and dropped once it has read everything; prints "<tps> <µs per create> <pg_recvlogical µs>".
run_logical() {
  "${PSQL[@]}" -c "CREATE PUBLICATION $SLOT" -c "SELECT pg_create_logical_replication_slot('$SLOT', 'pgoutput')" > /dev/null
  pg_recvlogical -d "$PG_URI" --slot "$SLOT" --start -f /dev/null -s 1 -F 1 \
    -o proto_version=1 -o publication_names="$SLOT" -o messages=true 2> "$WORK/recvlogical.err" &
  RECV_PID=$!
  local r; r=$(run message -f "$WORK/message.sql")
  local end; end=$("${PSQL[@]}" -c "SELECT pg_current_wal_lsn()")
  for _ in $(seq 600); do
    [ "$("${PSQL[@]}" -c "SELECT confirmed_flush_lsn >= '$end' FROM pg_replication_slots WHERE slot_name = '$SLOT'")" = t ] && break
    sleep 0.05
  done
  local recv; recv=$(awk '{print $14 + $15}' "/proc/$RECV_PID/stat")
  kill "$RECV_PID"; wait "$RECV_PID" 2> /dev/null || true; RECV_PID=
  "${PSQL[@]}" -c "SELECT pg_drop_replication_slot('$SLOT')" -c "DROP PUBLICATION $SLOT" > /dev/null
  local creates; creates=$(awk '/number of transactions actually processed/ {split($6, a, "/"); print a[1]}' "$WORK/message.out")
  echo "$r $(( recv * 1000000 / $(getconf CLK_TCK) / creates ))"
}

declare -A TPS CPU
VARIANTS=(plain user user+outbox +delete/8 +delete/64)
[ -z "$LOGICAL" ] || VARIANTS+=(user+message)
for round in $(seq "$ROUNDS"); do
  for v in "${VARIANTS[@]}"; do
    case "$v" in
      plain) r=$(run plain -f "$WORK/plain.sql") ;;
      user) r=$(run user -f "$WORK/user.sql") ;;
      user+outbox) r=$(run create -f "$WORK/create.sql") ;;
      +delete/8) r=$(run delete8 -f "$WORK/create.sql@8" -f "$WORK/delete8.sql@1") ;;
      +delete/64) r=$(run delete64 -f "$WORK/create.sql@64" -f "$WORK/delete64.sql@1") ;;
      user+message) r=$(run_logical); RECV="${RECV:+$RECV, }${r##* }"; r=${r% *} ;;
    esac
    TPS[$v]="${TPS[$v]:+${TPS[$v]}, }${r% *}"; CPU[$v]="${CPU[$v]:+${CPU[$v]}, }${r#* }"
    echo "round $round, $v: $r" >&2
  done
done

echo "| variant (pgbench, 32 clients, ${SECONDS_EACH} s, $ROUNDS rounds) | creates per second | PostgreSQL µs of CPU per create |"
echo "|---|---|---|"
for v in "${VARIANTS[@]}"; do
  echo "| $v | ${TPS[$v]} | ${CPU[$v]} |"
done
[ -z "$LOGICAL" ] || echo "pg_recvlogical (the reader, not PostgreSQL), µs of CPU per create: $RECV"


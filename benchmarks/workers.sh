#!/usr/bin/env bash
# Whole-process figure of background sending: 100,000 invitations queued once (`bulkinvite enqueue`) into a throwaway
# PostgreSQL cluster and sent to smtp-sink by `bulkinvite worker --exit-when-idle`, first by one worker, then by two
# workers sharing the one import (it is split into parts of --part-size, 5,000). Each run gets a new database. It prints
# a markdown table of medians: the wall time from the workers' start to the last one's exit, invitations a second, and
# how many invitations the report says were sent (all of them, or the run does not count).
#
#   benchmarks/workers.sh [ENTRIES]          (default 100000)
#
# Environment: RUNS (runs per figure, default 3), BUILD=0 (use the tool built by an earlier run), WORK (build, inputs and cluster, default /tmp/bulkinvite-workers),
# LOCK (a file every CPU-heavy step holds with flock, default /tmp/bulkinvite-build.lock). Needs PostgreSQL's server
# binaries and postfix's smtp-sink (apt-get install -y postgresql postfix). Not run in CI (CI=true does nothing).
set -euo pipefail

if [ "${CI:-}" = true ]; then
  echo "workers.sh: measures on a quiet machine; not run in CI (CI=true)" >&2
  exit 0
fi

entries=${1:-100000}
runs=${RUNS:-3}
work=${WORK:-/tmp/bulkinvite-workers}
lock=${LOCK:-/tmp/bulkinvite-build.lock}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
for tool in dotnet flock python3 /usr/sbin/smtp-sink "$pg_bin/initdb" "$pg_bin/pg_ctl" "$pg_bin/psql"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "workers.sh: $tool is needed (apt-get install -y postgresql postfix)" >&2; exit 1; }
done

rm -rf "$work/pg" && mkdir -p "$work" && chmod 755 "$work"
if [ "${BUILD:-1}" != 0 ] || [ ! -x "$work/cli/BulkInvite.Cli" ]; then
  echo "== building the tool (Release, native, as the tool package ships it)" >&2
  flock "$lock" dotnet publish "$repo/src/BulkInvite.Cli" -c Release -r linux-x64 -o "$work/cli" >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
fi
tool() { "$work/cli/BulkInvite.Cli" "$@"; }

# The cluster, as the postgres user when run as root (the server refuses root).
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$(printf '%q ' "$@")"; else "$@"; fi; }
mkdir -p "$work/pg" && { [ "$(id -u)" != 0 ] || chown postgres:postgres "$work/pg"; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
smtp_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg "$pg_bin/initdb" -D "$work/pg/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
/usr/sbin/smtp-sink -u nobody "127.0.0.1:$smtp_port" 1024 &
sink=$!
cleanup() { kill "$sink" 2>/dev/null || true; as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null 2>&1 || true; }
trap cleanup EXIT

python3 - "$work/input.txt" "$entries" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(f"user{i}@example.com\n")
PY

export BULKINVITE_TOKEN_KEY=$(python3 -c 'import os,base64; print(base64.b64encode(os.urandom(32)).decode())')
measure() {
  local workers=$1 run=$2 db start end id sent
  db="bench_${workers}_$run"
  "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE $db" postgres
  export BULKINVITE_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=$db;Maximum Pool Size=50"
  id=$(tool enqueue "$work/input.txt" --allow-repeat)
  start=$(date +%s.%N)
  local pids=()
  for w in $(seq 1 "$workers"); do
    tool worker --exit-when-idle --smtp "127.0.0.1:$smtp_port" --tls none --name "w$w" --poll-interval 0.2 >"$work/w$w.$run.out" 2>"$work/w$w.$run.err" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  end=$(date +%s.%N)
  sent=$(tool report "$id" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["Invited"])')
  python3 -c "print(f'{$end - $start:.2f} $sent')"
}

# The measuring sitting holds the lock throughout, so that no build runs beside it.
exec 9>"$lock"
flock 9
declare -A times
for workers in 1 2; do
  for r in $(seq 1 "$runs"); do
    echo "== $workers worker(s), run $r" >&2
    result=$(measure "$workers" "$r")
    echo "   $result" >&2
    set -- $result
    [ "$2" = "$entries" ] || { echo "workers.sh: the report says $2 of $entries were sent" >&2; exit 1; }
    times[$workers]+="$1 "
  done
done

echo
echo "| workers | entries | median wall time | invitations / s |"
echo "|---:|---:|---:|---:|"
for workers in 1 2; do
  python3 - "$workers" "$entries" ${times[$workers]} <<'PY'
import statistics, sys
workers, entries, *times = sys.argv[1:]
median = statistics.median(float(t) for t in times)
print(f"| {workers} | {int(entries):,} | {median:.1f} s | {int(entries) / median:,.0f} |")
PY
done

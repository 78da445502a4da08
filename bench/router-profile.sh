#!/usr/bin/env bash
# What a proxy spends per request: perf stat of hoard router or twemproxy (nutcracker) while memcaslap drives
# single gets through it to one memcached, pinned as in router-compare.sh (proxy alone on CPU 1, memcached and
# memcaslap on CPU 0). Prints the proxy's CPU time, context switches and system calls by kind over PERF_SECONDS
# in the middle of the run, and memcaslap's TPS; divide by TPS x PERF_SECONDS for "per request".
#
#   bench/router-profile.sh hoard|twemproxy [DIVISION]       (DIVISION: memcaslap -d, 1 = single gets)
#
# Environment: HOARD_BIN (default src/Hoard.Cli/bin/Release/net10.0/hoard), ROUTER_ARGS, PERF_SECONDS (5).
# Needs perf (linux-perf), memcached, libmemcached-tools, nutcracker, taskset.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
TARGET=${1:?usage: bench/router-profile.sh hoard|twemproxy [division]}
DIVISION=${2:-1}
HOARD_BIN=${HOARD_BIN:-src/Hoard.Cli/bin/Release/net10.0/hoard}
PERF_SECONDS=${PERF_SECONDS:-5}
PYTHON=/usr/bin/python3
die() { echo "error: $*" >&2; exit 1; }
# shellcheck source=bench/server-lib.sh
source "bench/server-lib.sh"
WORK=$(mktemp -d /tmp/hoard-router-profile.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

MEMCACHED_PORT=$(free_port)
taskset -c 0 memcached -u root -U 0 -l 127.0.0.1 -p "$MEMCACHED_PORT" -t 1 -m 2048 -o hashpower=24 >"$WORK/memcached.log" 2>&1 &
SERVER_PID=$!; PIDS+=("$SERVER_PID")
wait_for_port memcached "$MEMCACHED_PORT"
PORT=$(free_port)
case $TARGET in
  hoard)
    printf '{"pools": {"A": {"servers": ["127.0.0.1:%s"]}}, "route": "PoolRoute|A"}\n' "$MEMCACHED_PORT" >"$WORK/router.json"
    # shellcheck disable=SC2086 # ROUTER_ARGS is a list of arguments
    env DOTNET_ReadyToRun=0 taskset -c 1 "$HOARD_BIN" router --config "$WORK/router.json" -l 127.0.0.1 -p "$PORT" -t 1 \
      --lenient-keys ${ROUTER_ARGS:-} >"$WORK/hoard.log" 2>&1 & PIDS+=($!) ;;
  twemproxy)
    printf 'p:\n  listen: 127.0.0.1:%s\n  hash: fnv1a_64\n  distribution: ketama\n  timeout: 5000\n  servers:\n   - 127.0.0.1:%s:1\n' \
      "$PORT" "$MEMCACHED_PORT" >"$WORK/nutcracker.yml"
    taskset -c 1 nutcracker -c "$WORK/nutcracker.yml" -s "$(free_port)" -o "$WORK/twemproxy.log" & PIDS+=($!) ;;
  *) echo "unknown target $TARGET (hoard, twemproxy)" >&2; exit 2 ;;
esac
PROXY_PID=${PIDS[-1]}
SERVER_PID=$PROXY_PID
wait_for_port "$TARGET" "$PORT"
# Fill memcached first (not measured), as router-compare.sh does.
taskset -c 0 memcaslap -s "127.0.0.1:$MEMCACHED_PORT" -T 1 -c 32 -t 5s -X 100 -d "$DIVISION" >/dev/null 2>&1 || true
RUN=$((PERF_SECONDS + 8))
taskset -c 0 memcaslap -s "127.0.0.1:$PORT" -T 1 -c 32 -t "${RUN}s" -X 100 -d "$DIVISION" >"$WORK/memcaslap.out" 2>&1 &
LOAD=$!
sleep 4
events=task-clock,context-switches,raw_syscalls:sys_enter
for call in sendto recvfrom writev read epoll_wait epoll_ctl futex sched_yield; do events+=",syscalls:sys_enter_$call"; done
perf stat -e "$events" -p "$PROXY_PID" -- sleep "$PERF_SECONDS" 2>&1 | grep -E 'task-clock|context|sys_enter' || true
wait "$LOAD" || true
grep -E 'TPS' "$WORK/memcaslap.out" | tail -n1

#!/usr/bin/env bash
# Side-by-side benchmark of hoard and memcached 1.6 in the same run (see bench/README.md).
#
#   bench/memcaslap-compare.sh [throughput] [memory] [latency]      (default: throughput)
#
# throughput  memcaslap, 90/10 get/set, 100-byte values, 32 connections; single gets (-d 1) and 10-key
#             multi-gets (-d 10). Each server pinned to CPU 1 with one worker thread, memcaslap on CPU 0.
#             ROUNDS alternating rounds, a fresh server per run; prints TPS per run, medians, ratio.
# memory      resident memory (VmRSS) of each server started with -m 1024 after 1,000,000 sets of
#             100-byte values.
# latency     p50/p99/p99.9 of single gets (one connection, one request in flight) with 10,000 and with
#             5,000,000 items stored.
#
# Environment:
#   HOARD_BIN         hoard apphost (default src/Hoard.Cli/bin/Release/net10.0/hoard; built if missing)
#   MEMCACHED_BIN     memcached binary (default /usr/bin/memcached)
#   CANDIDATE         "hoard" (default) or "memcached": what runs against the memcached baseline;
#                     CANDIDATE=memcached compares memcached with itself, to check the bench.
#   ROUNDS            alternating rounds per throughput mode (default 3)
#   DURATION          memcaslap run time per run (default 20s)
#   SERVER_CPU / CLIENT_CPU   cores for the server and the load generator (default 1 / 0)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

HOARD_BIN=${HOARD_BIN:-src/Hoard.Cli/bin/Release/net10.0/hoard}
MEMCACHED_BIN=${MEMCACHED_BIN:-/usr/bin/memcached}
CANDIDATE=${CANDIDATE:-hoard}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-20s}
SERVER_CPU=${SERVER_CPU:-1}
CLIENT_CPU=${CLIENT_CPU:-0}
PYTHON=/usr/bin/python3

MODES=("$@")
((${#MODES[@]})) || MODES=(throughput)

WORK=$(mktemp -d /tmp/hoard-bench.XXXXXX)
SERVER_PID=""
SERVER_PORT=""

cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "error: $*" >&2; exit 1; }
# shellcheck source=bench/server-lib.sh
source "bench/server-lib.sh"

for tool in memcaslap taskset "$MEMCACHED_BIN" "$PYTHON"; do
  command -v "$tool" >/dev/null || die "$tool not found (apt-get install memcached libmemcached-tools util-linux python3)"
done

if [[ $CANDIDATE == hoard && ! -x $HOARD_BIN ]]; then
  echo "building $HOARD_BIN ..." >&2
  dotnet build src/Hoard.Cli -c Release -nologo -v q >&2
fi

# start_server NAME EXTRA_ARGS... : starts NAME (hoard|memcached|candidate) pinned to SERVER_CPU with one
# worker thread on an ephemeral port; sets SERVER_PID and SERVER_PORT.
start_server() {
  local name=$1; shift
  [[ $name == candidate ]] && name=$CANDIDATE
  local portfile=$WORK/port.$name
  rm -f "$portfile"
  local cmd
  if [[ $name == memcached ]]; then
    # memcached: -p -1 is "any free port"; -p 0 would turn TCP off.
    cmd=("$MEMCACHED_BIN" -u root -U 0 -l 127.0.0.1 -p -1 -t 1 "$@")
  else
    # memcaslap's keys contain control characters; memcached accepts them, Hoard only with lenient_keys.
    # DOTNET_ReadyToRun=0 as the ./hoard launcher sets it for `server` (see the launcher's comment).
    cmd=(env DOTNET_ReadyToRun="${DOTNET_ReadyToRun:-0}" "$HOARD_BIN" server -U 0 -l 127.0.0.1 -p 0 -t 1 -o lenient_keys "$@")
  fi
  MEMCACHED_PORT_FILENAME=$portfile taskset -c "$SERVER_CPU" "${cmd[@]}" >"$WORK/$name.log" 2>&1 &
  SERVER_PID=$!
  wait_for_listen "$name" "$portfile"
}


label() { [[ $1 == candidate ]] && echo "$CANDIDATE" || echo "$1"; }

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print 0; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# ---------------------------------------------------------------------------------------------------------
run_throughput() {
  local division=$1 title=$2
  echo
  echo "## throughput: $title (memcaslap -T 1 -c 32 -t $DURATION -X 100 -d $division, 90% get / 10% set)"
  printf '%-6s %-10s %12s\n' round server TPS
  : >"$WORK/tps.candidate"; : >"$WORK/tps.memcached"
  for round in $(seq 1 "$ROUNDS"); do
    local order=(candidate memcached)
    ((round % 2)) || order=(memcached candidate)
    for who in "${order[@]}"; do
      start_server "$who"
      local out
      out=$(taskset -c "$CLIENT_CPU" memcaslap -s "127.0.0.1:$SERVER_PORT" -T 1 -c 32 -t "$DURATION" -X 100 -d "$division" 2>&1) || true
      stop_server
      local tps
      tps=$(sed -n 's/.*TPS: *\([0-9]*\).*/\1/p' <<<"$out" | tail -n1)
      [[ -n $tps ]] || { echo "$out" >&2; tps=0; }
      echo "$tps" >>"$WORK/tps.$who"
      printf '%-6s %-10s %12s\n' "$round" "$(label "$who")" "$tps"
    done
  done
  local c m
  c=$(median <"$WORK/tps.candidate"); m=$(median <"$WORK/tps.memcached")
  printf 'median  %s %s TPS, memcached %s TPS, ratio %s/memcached = %s\n' \
    "$CANDIDATE" "$c" "$m" "$CANDIDATE" "$(ratio "$c" "$m")"
}

# load PORT COUNT VALUE_SIZE : pipelined noreply sets of keys key:0..COUNT-1, then waits until all are applied.
load_items() {
  taskset -c "$CLIENT_CPU" "$PYTHON" - "$@" <<'PY'
import socket, sys
port, count, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port)); s.settimeout(300)
value = b"v" * size
batch = 5000
for start in range(0, count, batch):
    s.sendall(b"".join(b"set key:%d 0 0 %d noreply\r\n%s\r\n" % (k, size, value)
                       for k in range(start, min(start + batch, count))))
s.sendall(b"version\r\n")  # replies in order: once this is answered every set has been applied
buf = b""
while b"\r\n" not in buf:
    chunk = s.recv(4096)
    if not chunk: sys.exit("connection closed while loading")
    buf += chunk
if not buf.startswith(b"VERSION"): sys.exit("unexpected reply while loading: %r" % buf[:200])
s.sendall(b"stats\r\n")
buf = b""
while not buf.endswith(b"END\r\n"):
    buf += s.recv(65536)
stats = dict(l.split(" ")[1:3] for l in buf.decode().split("\r\n") if l.startswith("STAT "))
print("curr_items=%s evictions=%s bytes=%s" % (stats.get("curr_items"), stats.get("evictions"), stats.get("bytes")))
PY
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

run_memory() {
  echo
  echo "## memory: VmRSS after 1,000,000 sets of 100-byte values (-m 1024)"
  printf '%-10s %12s %12s  %s\n' server "idle MiB" "loaded MiB" "server stats"
  local who idle loaded stats
  local -A result
  for who in memcached candidate; do
    start_server "$who" -m 1024
    idle=$(rss_kib "$SERVER_PID")
    stats=$(load_items "$SERVER_PORT" 1000000 100)
    sleep 1
    loaded=$(rss_kib "$SERVER_PID")
    stop_server
    result[$who]=$loaded
    printf '%-10s %12.1f %12.1f  %s\n' "$(label "$who")" "$(awk -v k="$idle" 'BEGIN{print k/1024}')" \
      "$(awk -v k="$loaded" 'BEGIN{print k/1024}')" "$stats"
  done
  echo "ratio $CANDIDATE/memcached resident memory = $(ratio "${result[candidate]}" "${result[memcached]}")"
}

# latency PORT COUNT : single connection, one get in flight, random stored keys; prints p50/p99/p99.9 in us.
measure_latency() {
  taskset -c "$CLIENT_CPU" "$PYTHON" - "$@" <<'PY'
import random, socket, sys, time
port, count = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port)); s.settimeout(30)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
rng = random.Random(42)
requests = [b"get key:%d\r\n" % rng.randrange(count) for _ in range(110_000)]
samples = []
misses = 0
clock = time.perf_counter_ns
for i, req in enumerate(requests):
    t0 = clock()
    s.sendall(req)
    buf = s.recv(4096)
    while not buf.endswith(b"END\r\n"):
        buf += s.recv(4096)
    t1 = clock()
    if i >= 10_000:  # warm-up
        samples.append(t1 - t0)
    if buf == b"END\r\n":
        misses += 1
samples.sort()
pct = lambda p: samples[min(len(samples) - 1, int(len(samples) * p))] / 1000
print("%8.1f %8.1f %8.1f   misses=%d" % (pct(0.50), pct(0.99), pct(0.999), misses))
PY
}

run_latency() {
  echo
  echo "## latency: single gets, one connection, 100,000 samples (python client, same for both servers)"
  printf '%-10s %10s %8s %8s %8s\n' server items "p50 us" "p99 us" "p99.9 us"
  local who items line
  for items in 10000 5000000; do
    for who in memcached candidate; do
      start_server "$who" -m 2048
      load_items "$SERVER_PORT" "$items" 32 >/dev/null
      line=$(measure_latency "$SERVER_PORT" "$items")
      stop_server
      printf '%-10s %10s %s\n' "$(label "$who")" "$items" "$line"
    done
  done
}

echo "# hoard vs memcached: candidate=$CANDIDATE ($([[ $CANDIDATE == hoard ]] && echo "$HOARD_BIN" || echo "$MEMCACHED_BIN")), baseline=$("$MEMCACHED_BIN" -V)"
echo "# $(date -u +%FT%TZ) $(uname -r), $(nproc) cores, server on CPU $SERVER_CPU (-t 1), load on CPU $CLIENT_CPU"
for mode in "${MODES[@]}"; do
  case $mode in
    throughput)
      run_throughput 1 "single get"
      run_throughput 10 "multi-get of 10 keys"
      ;;
    memory) run_memory ;;
    latency) run_latency ;;
    *) die "unknown mode '$mode' (throughput, memory, latency)" ;;
  esac
done

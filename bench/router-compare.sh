#!/usr/bin/env bash
# hoard router next to twemproxy (Debian's nutcracker) and next to no proxy at all, in the same run, in front of
# the same memcached 1.6 (see bench/README.md; results in docs/benchmarks.md).
#
#   bench/router-compare.sh [throughput] [latency]          (default: both)
#
# throughput  memcaslap -T 1 -c 32 -t DURATION -X 100 (90% get / 10% set, 100-byte values), single gets (-d 1)
#             and 10-key multi-gets (-d 10), to memcached directly, through hoard router, through twemproxy.
#             ROUNDS rounds, the order of the three rotating each round, a fresh proxy per run; prints TPS per
#             run, each process's CPU use, the per-round and median ratios hoard/twemproxy and proxy/direct.
#             Every run is checked against memcached's own counters: a run whose requests did not reach
#             memcached (a proxy answering errors) is marked INVALID, left out of the medians, and the script
#             exits 1.
# latency     `hoard bench --protocol text` (Hoard.Client, HdrHistogram) through each of the three, same
#             parameters: LATENCY_CONCURRENCY callers on as many connections (memcaslap's shape: one request in
#             flight per connection), then one caller on one connection (the cost of the extra hop). p50/p99/p99.9.
#
# One memcached (-t 1 -m 2048) per mode, shared by every run of the mode: direct, through hoard router (-t 1, its
# default 2 upstream connections, --lenient-keys because memcaslap's keys contain control characters) and through
# nutcracker (hash TWEMPROXY_HASH, ketama, its default 1 connection).
#
# Pinning (2 cores): memcached (-t 1) and the load generator share CPU 0 (CLIENT_CPU); the proxy runs alone on
# CPU 1 (PROXY_CPU), one thread's worth for each: nutcracker is single-threaded, hoard router gets -t 1.
# Going direct, CPU 1 is idle; through a proxy, the proxy's work is added on a core of its own.
#
# Environment:
#   HOARD_BIN        hoard apphost (default src/Hoard.Cli/bin/Release/net10.0/hoard; built if missing). Its
#                    directory is copied first, so a rebuild during the run does not change what is measured.
#   ROUTER_ARGS      extra arguments for `hoard router` (e.g. "--connections-per-server 1")
#   NUTCRACKER_BIN   (default nutcracker), TWEMPROXY_HASH (fnv1a_64), MEMCACHED_BIN (/usr/bin/memcached)
#   ROUNDS (3), DURATION (20s), LATENCY_DURATION (10, seconds), LATENCY_CONCURRENCY (32)
#   WARMUP           memcaslap straight to memcached before the throughput runs of a mode, not counted (10s; 0: none)
#   TARGETS          which of "direct hoard twemproxy" to run (default all three)
#   PROXY_CPU / CLIENT_CPU   (1 / 0)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

HOARD_BIN=${HOARD_BIN:-src/Hoard.Cli/bin/Release/net10.0/hoard}
MEMCACHED_BIN=${MEMCACHED_BIN:-/usr/bin/memcached}
NUTCRACKER_BIN=${NUTCRACKER_BIN:-nutcracker}
TWEMPROXY_HASH=${TWEMPROXY_HASH:-fnv1a_64}
ROUTER_ARGS=${ROUTER_ARGS:-}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-10s}
DURATION=${DURATION:-20s}
LATENCY_DURATION=${LATENCY_DURATION:-10}
LATENCY_CONCURRENCY=${LATENCY_CONCURRENCY:-32}
PROXY_CPU=${PROXY_CPU:-1}
CLIENT_CPU=${CLIENT_CPU:-0}
read -r -a TARGETS <<<"${TARGETS:-direct hoard twemproxy}"
PYTHON=/usr/bin/python3

MODES=("$@")
((${#MODES[@]})) || MODES=(throughput latency)

WORK=$(mktemp -d /tmp/hoard-router-bench.XXXXXX)
SERVER_PID=""      # the proxy of the current run
SERVER_PORT=""
MEMCACHED_PID=""
MEMCACHED_PORT=""
INVALID=0

cleanup() {
  stop_server
  stop_memcached
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "error: $*" >&2; exit 1; }
# shellcheck source=bench/server-lib.sh
source "bench/server-lib.sh"

for tool in memcaslap taskset "$MEMCACHED_BIN" "$NUTCRACKER_BIN" "$PYTHON"; do
  command -v "$tool" >/dev/null || die "$tool not found (apt-get install memcached libmemcached-tools nutcracker util-linux python3)"
done
if [[ ! -x $HOARD_BIN ]]; then
  echo "building $HOARD_BIN ..." >&2
  dotnet build src/Hoard.Cli -c Release -nologo -v q >&2
fi
cp -a "$(dirname "$HOARD_BIN")" "$WORK/hoard-bin"
HOARD=$WORK/hoard-bin/$(basename "$HOARD_BIN")
CLK_TCK=$(getconf CLK_TCK)

# ---------------------------------------------------------------------------------------------------------
# start_memcached: one memcached for every run of a mode, restarted between modes. The multi-get mode alone stores
# some 5 million items (1.1 GB); with -m 2048 none is evicted (mode_end checks), so every run meets the same cache.
# hashpower=24 sizes the hash table for that up front: growing it (a background copy of every bucket, at 1.5
# items per bucket) took memcached's core from the run that happened to cross the line (measured: 0.70 for
# the last run of a mode, against 0.93-0.99 for the others).
start_memcached() {
  stop_memcached
  local portfile=$WORK/port.memcached
  MEMCACHED_PORT_FILENAME=$portfile taskset -c "$CLIENT_CPU" \
    "$MEMCACHED_BIN" -u root -U 0 -l 127.0.0.1 -p -1 -t 1 -m 2048 -o hashpower=24 >"$WORK/memcached.log" 2>&1 &
  SERVER_PID=$!
  wait_for_listen memcached "$portfile"
  MEMCACHED_PID=$SERVER_PID MEMCACHED_PORT=$SERVER_PORT
  SERVER_PID=""
}

stop_memcached() {
  if [[ -n $MEMCACHED_PID ]]; then
    kill "$MEMCACHED_PID" 2>/dev/null || true
    wait "$MEMCACHED_PID" 2>/dev/null || true
    MEMCACHED_PID=""
  fi
}

# start_target NAME: starts the proxy NAME (hoard|twemproxy) pinned to PROXY_CPU in front of memcached and sets
# SERVER_PID/SERVER_PORT; for "direct" points SERVER_PORT at memcached itself.
start_target() {
  local name=$1
  case $name in
    direct)
      SERVER_PORT=$MEMCACHED_PORT
      ;;
    hoard)
      local port
      port=$(free_port)
      printf '{"pools": {"A": {"servers": ["127.0.0.1:%s"]}}, "route": "PoolRoute|A"}\n' "$MEMCACHED_PORT" >"$WORK/router.json"
      # DOTNET_ReadyToRun=0 as the ./hoard launcher sets it for `server`: a long-running process is better
      # served by code JIT-compiled for this CPU.
      # shellcheck disable=SC2086 # ROUTER_ARGS is a list of arguments
      env DOTNET_ReadyToRun="${DOTNET_ReadyToRun:-0}" taskset -c "$PROXY_CPU" \
        "$HOARD" router --config "$WORK/router.json" -l 127.0.0.1 -p "$port" -t 1 --lenient-keys $ROUTER_ARGS >"$WORK/hoard.log" 2>&1 &
      SERVER_PID=$!
      wait_for_port hoard "$port"
      SERVER_PORT=$port
      ;;
    twemproxy)
      local port stats
      port=$(free_port); stats=$(free_port)
      cat >"$WORK/nutcracker.yml" <<EOF
bench:
  listen: 127.0.0.1:$port
  hash: $TWEMPROXY_HASH
  distribution: ketama
  auto_eject_hosts: false
  timeout: 5000
  servers:
   - 127.0.0.1:$MEMCACHED_PORT:1
EOF
      "$NUTCRACKER_BIN" -t -c "$WORK/nutcracker.yml" >"$WORK/twemproxy.log" 2>&1 || { cat "$WORK/twemproxy.log" >&2; die "nutcracker refused its config"; }
      taskset -c "$PROXY_CPU" "$NUTCRACKER_BIN" -c "$WORK/nutcracker.yml" -a 127.0.0.1 -s "$stats" \
        -p "$WORK/nutcracker.pid" -o "$WORK/twemproxy.log" &
      SERVER_PID=$!
      wait_for_port twemproxy "$port"
      SERVER_PORT=$port
      ;;
    *) die "unknown target '$name' (direct, hoard, twemproxy)" ;;
  esac
}

# memcached_counters: "cmd_get cmd_set get_misses curr_items evictions" from memcached's stats.
memcached_counters() {
  local fd line
  local -A stat
  exec {fd}<>"/dev/tcp/127.0.0.1/$MEMCACHED_PORT"
  printf 'stats\r\n' >&"$fd"
  while IFS= read -r -t 5 line <&"$fd"; do
    line=${line%$'\r'}
    [[ $line == END ]] && break
    [[ $line == STAT\ * ]] && { read -r _ name value <<<"$line"; stat[$name]=$value; }
  done
  exec {fd}>&-
  echo "${stat[cmd_get]:-0} ${stat[cmd_set]:-0} ${stat[get_misses]:-0} ${stat[curr_items]:-0} ${stat[evictions]:-0}"
}

# rotation ROUND: the order of the targets in that round, rotated by one each round so each target runs
# first, in the middle and last equally often.
rotation() {
  local round=$1 n=${#TARGETS[@]} i
  for ((i = 0; i < n; i++)); do echo "${TARGETS[$(((i + round - 1) % n))]}"; done
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print 0; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "n/a" }'; }

cpu_percent() { awk -v t="$1" -v hz="$CLK_TCK" -v s="$2" 'BEGIN { printf "%.0f", 100 * t / hz / s }'; }

has_target() { local t; for t in "${TARGETS[@]}"; do [[ $t == "$1" ]] && return 0; done; return 1; }

# mode_end: memcached's item count and evictions after a mode; evictions would mean later runs met a fuller cache.
mode_end() {
  local counters
  read -r -a counters <<<"$(memcached_counters)"
  echo "memcached after this mode: curr_items ${counters[3]}, evictions ${counters[4]}"
  if ((counters[4] > 0)); then
    echo "warning: memcached evicted items during this mode; runs did not all see the same cache" >&2
  fi
}

# ---------------------------------------------------------------------------------------------------------
run_throughput() {
  local division=$1 title=$2
  start_memcached
  echo
  echo "## throughput: $title (memcaslap -T 1 -c 32 -t $DURATION -X 100 -d $division, 90% get / 10% set)"
  echo "# CPU%: of one core, over the run; client = memcaslap. 'seen' = requests memcached counted / memcaslap's ops."
  printf '%-6s %-10s %10s %6s %6s %6s %7s  %s\n' round target TPS proxy mcd client seen check
  local who round
  for who in "${TARGETS[@]}"; do : >"$WORK/tps.$who"; done
  # A fresh memcached grows its hash table and takes slab pages while the first run fills it, which costs that
  # run ~5% (measured: whichever target ran first lost); a direct run, not counted, fills it first.
  if [[ $WARMUP != 0 ]]; then
    taskset -c "$CLIENT_CPU" memcaslap -s "127.0.0.1:$MEMCACHED_PORT" -T 1 -c 32 -t "$WARMUP" -X 100 -d "$division" >/dev/null 2>&1 || true
    local warmed
    read -r -a warmed <<<"$(memcached_counters)"
    echo "# warm-up: memcaslap direct for $WARMUP, memcached holds ${warmed[3]} items"
  fi
  for round in $(seq 1 "$ROUNDS"); do
    local -A round_tps=()
    for who in $(rotation "$round"); do
      start_target "$who"
      local before after proxy_before=0 proxy_after=0 mcd_before mcd_after out times started ended
      read -r -a before <<<"$(memcached_counters)"
      mcd_before=$(cpu_ticks "$MEMCACHED_PID")
      [[ -n $SERVER_PID ]] && proxy_before=$(cpu_ticks "$SERVER_PID")
      started=$(date +%s.%N)
      # bash's time keyword: memcaslap's own CPU use, without another tool.
      times=$( { TIMEFORMAT='%U %S'; time taskset -c "$CLIENT_CPU" memcaslap -s "127.0.0.1:$SERVER_PORT" -T 1 -c 32 \
        -t "$DURATION" -X 100 -d "$division" >"$WORK/memcaslap.out" 2>&1 || true; } 2>&1 )
      ended=$(date +%s.%N)
      [[ -n $SERVER_PID ]] && proxy_after=$(cpu_ticks "$SERVER_PID")
      mcd_after=$(cpu_ticks "$MEMCACHED_PID")
      read -r -a after <<<"$(memcached_counters)"
      stop_server
      out=$(<"$WORK/memcaslap.out")
      local tps="" ops="" seconds seen errors check=ok
      tps=$(sed -n 's/.*TPS: *\([0-9]*\).*/\1/p' <<<"$out" | tail -n1)
      ops=$(sed -n 's/.*Ops: *\([0-9]*\).*/\1/p' <<<"$out" | tail -n1)
      errors=$(grep -c 'ERROR' <<<"$out" || true)
      seconds=$(awk -v a="$started" -v b="$ended" 'BEGIN { print b - a }')
      local served=$(((after[0] - before[0]) + (after[1] - before[1])))
      local misses=$((after[2] - before[2]))
      seen=$(ratio "$served" "${ops:-0}")
      # memcaslap counts an op per key, as memcached does; a proxy that answers errors forwards nothing.
      if [[ -z $tps || -z $ops ]]; then
        check="INVALID: no TPS in memcaslap's output"; echo "$out" >&2
      elif ((errors > 0)); then
        check="INVALID: $errors error replies ($(grep -m1 -o '[A-Z_]*ERROR.*' <<<"$out"))"
      elif ! awk -v s="$seen" 'BEGIN { exit !(s != "n/a" && s >= 0.98 && s <= 1.02) }'; then
        check="INVALID: memcached saw $served requests for $ops ops"
      elif ((misses * 100 > after[0] - before[0])); then
        check="INVALID: $misses get misses"
      fi
      local client_cpu proxy_cpu=- mcd_cpu
      client_cpu=$(awk -v u="${times% *}" -v s="${times#* }" -v w="$seconds" 'BEGIN { printf "%.0f", 100 * (u + s) / w }')
      [[ $who != direct ]] && proxy_cpu=$(cpu_percent $((proxy_after - proxy_before)) "$seconds")
      mcd_cpu=$(cpu_percent $((mcd_after - mcd_before)) "$seconds")
      if [[ $check == ok ]]; then
        echo "$tps" >>"$WORK/tps.$who"
        round_tps[$who]=$tps
      else
        INVALID=1
      fi
      printf '%-6s %-10s %10s %6s %6s %6s %7s  %s\n' "$round" "$who" "${tps:-0}" "$proxy_cpu" "$mcd_cpu" "$client_cpu" "$seen" "$check"
    done
    if [[ -n ${round_tps[hoard]:-} && -n ${round_tps[twemproxy]:-} ]]; then
      echo "       round $round: hoard/twemproxy = $(ratio "${round_tps[hoard]}" "${round_tps[twemproxy]}")"
    fi
  done
  local -A med=()
  local line="median"
  for who in "${TARGETS[@]}"; do
    med[$who]=$(median <"$WORK/tps.$who")
    line+="  $who ${med[$who]}"
  done
  echo "$line TPS"
  if has_target hoard && has_target twemproxy; then
    echo "ratio hoard/twemproxy = $(ratio "${med[hoard]}" "${med[twemproxy]}")"
  fi
  local p
  for p in hoard twemproxy; do
    if has_target direct && has_target "$p"; then
      echo "ratio $p/direct = $(ratio "${med[$p]}" "${med[direct]}")"
    fi
  done
  mode_end
}

# ---------------------------------------------------------------------------------------------------------
run_latency() {
  local concurrency=$1 title=$2
  start_memcached
  echo
  echo "## latency: $title (hoard bench --protocol text --duration $LATENCY_DURATION --concurrency $concurrency --connections $concurrency, 90% get / 10% set, 100-byte values)"
  printf '%-6s %-10s %10s %8s %8s %8s %8s  %s\n' round target "ops/s" "p50 us" "p90 us" "p99 us" "p99.9 us" check
  local who round
  for who in "${TARGETS[@]}"; do : >"$WORK/p99.$concurrency.$who"; done
  for round in $(seq 1 "$ROUNDS"); do
    for who in $(rotation "$round"); do
      start_target "$who"
      local out check=ok
      out=$(taskset -c "$CLIENT_CPU" "$HOARD" bench --servers "127.0.0.1:$SERVER_PORT" --protocol text \
        --duration "$LATENCY_DURATION" --concurrency "$concurrency" --connections "$concurrency" 2>&1) || check="INVALID: hoard bench failed"
      stop_server
      local opss="" p50="" p90="" p99="" p999="" errors=""
      opss=$(sed -n 's/.*: \([0-9,]*\) ops\/s.*/\1/p' <<<"$out" | tr -d ,)
      errors=$(sed -n 's/.*errors \([0-9]*\).*/\1/p' <<<"$out")
      read -r p50 p90 p99 p999 < <(sed -n 's/.*p50 \([0-9]*\)  p90 \([0-9]*\)  p99 \([0-9]*\)  p99.9 \([0-9]*\).*/\1 \2 \3 \4/p' <<<"$out") || true
      if [[ -z ${p99:-} ]]; then
        check="INVALID: no percentiles"; echo "$out" >&2
      elif [[ ${errors:-1} != 0 ]]; then
        # Hoard.Client fails a request after 1 s (its OperationTimeout) or on a connection error.
        check="INVALID: ${errors:-?} errors (max $(sed -n 's/.*max \([0-9]*\).*/\1/p' <<<"$out") us)"
      fi
      if [[ $check == ok ]]; then echo "$p99" >>"$WORK/p99.$concurrency.$who"; else INVALID=1; fi
      printf '%-6s %-10s %10s %8s %8s %8s %8s  %s\n' "$round" "$who" "${opss:-0}" "${p50:--}" "${p90:--}" "${p99:--}" "${p999:--}" "$check"
    done
  done
  local line="median p99"
  for who in "${TARGETS[@]}"; do line+="  $who $(median <"$WORK/p99.$concurrency.$who") us"; done
  echo "$line"
  mode_end
}

# ---------------------------------------------------------------------------------------------------------
echo "# hoard router ($HOARD_BIN${ROUTER_ARGS:+ $ROUTER_ARGS}, -t 1) vs $("$NUTCRACKER_BIN" -V 2>&1 | head -n1) (hash $TWEMPROXY_HASH, ketama) vs direct, in front of $("$MEMCACHED_BIN" -V) (-t 1)"
echo "# $(date -u +%FT%TZ) $(uname -r), $(nproc) cores, proxy on CPU $PROXY_CPU, memcached + load generator on CPU $CLIENT_CPU; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in "${MODES[@]}"; do
  case $mode in
    throughput)
      run_throughput 1 "single get"
      run_throughput 10 "multi-get of 10 keys"
      ;;
    latency)
      run_latency "$LATENCY_CONCURRENCY" "$LATENCY_CONCURRENCY connections, one request in flight on each"
      run_latency 1 "one connection, one request in flight"
      ;;
    *) die "unknown mode '$mode' (throughput, latency)" ;;
  esac
done
echo
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
((INVALID == 0)) || { echo "error: some runs were INVALID (see the check column); they are left out of the medians" >&2; exit 1; }

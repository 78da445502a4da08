#!/usr/bin/env bash
# Does the server stay within -m plus a fixed overhead while clients store values of every size up to -I as fast
# as they can? hoard and memcached 1.6 side by side in the same run; results in docs/benchmarks.md.
#
#   bench/memory-bound.sh
#
# Each server is started with `-m 64 -I 1m -t 4` (MEMORY_MB, ITEM_MAX, THREADS) on a free loopback port; CLIENTS
# (4) load processes (Debian's /usr/bin/python3, raw sockets) each keep WINDOW (8) pipelined `set`s in flight for
# DURATION seconds (60), with value sizes drawn half log-uniformly over 1 B .. 1 MiB (so every order of magnitude
# is hit as often) and half uniformly (so most bytes come in large values), over 200,000 keys per client (far
# more than fits). The server's VmRSS is sampled every 100 ms; the script prints idle, peak and final RSS, the
# peak minus -m, the sets stored and refused, and the server's own stats (bytes, limit_maxbytes, evictions).
#
# Environment: HOARD_BIN (default src/Hoard.Cli/bin/Release/net10.0/hoard, built if missing), MEMCACHED_BIN
# (/usr/bin/memcached), SERVERS ("hoard memcached"), MEMORY_MB, ITEM_MAX, THREADS, CLIENTS, WINDOW, DURATION.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

HOARD_BIN=${HOARD_BIN:-src/Hoard.Cli/bin/Release/net10.0/hoard}
MEMCACHED_BIN=${MEMCACHED_BIN:-/usr/bin/memcached}
SERVERS=${SERVERS:-"hoard memcached"}
MEMORY_MB=${MEMORY_MB:-64}
ITEM_MAX=${ITEM_MAX:-1m}
THREADS=${THREADS:-4}
CLIENTS=${CLIENTS:-4}
WINDOW=${WINDOW:-8}
DURATION=${DURATION:-60}
PYTHON=/usr/bin/python3

WORK=$(mktemp -d /tmp/hoard-membound.XXXXXX)
SERVER_PID=""
SERVER_PORT=""
cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
die() { echo "error: $*" >&2; exit 1; }
# shellcheck source=bench/server-lib.sh
source "bench/server-lib.sh"

for tool in "$MEMCACHED_BIN" "$PYTHON"; do command -v "$tool" >/dev/null || die "$tool not found"; done
if [[ ! -x $HOARD_BIN ]]; then
  echo "building $HOARD_BIN ..." >&2
  dotnet build src/Hoard.Cli -c Release -nologo -v q >&2
fi

start_server() { # NAME
  local name=$1 portfile=$WORK/port.$1 cmd
  rm -f "$portfile"
  if [[ $name == memcached ]]; then
    cmd=("$MEMCACHED_BIN" -u root -U 0 -l 127.0.0.1 -p -1 -t "$THREADS" -m "$MEMORY_MB" -I "$ITEM_MAX")
  else
    cmd=(env DOTNET_ReadyToRun="${DOTNET_ReadyToRun:-0}" "$HOARD_BIN" server -U 0 -l 127.0.0.1 -p 0 -t "$THREADS" -m "$MEMORY_MB" -I "$ITEM_MAX")
  fi
  echo "\$ ${cmd[*]}"
  MEMCACHED_PORT_FILENAME=$portfile "${cmd[@]}" >"$WORK/$name.log" 2>&1 &
  SERVER_PID=$!
  wait_for_listen "$name" "$portfile"
}


cat >"$WORK/load.py" <<'PY'
import math, multiprocessing as mp, os, random, socket, sys, time

port, pid, clients, window, duration, item_max = (int(a) for a in sys.argv[1:7])
MIB = 1 << 20

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0

def size(rng):
    if rng.random() < 0.5:
        return max(1, int(math.exp(rng.uniform(0, math.log(item_max)))))
    return rng.randint(1, item_max)

def client(index, deadline, results):
    rng = random.Random(index)
    blob = os.urandom(item_max + 2)
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reader = sock.makefile("rb", buffering=65536)
    stored = refused = sent_bytes = 0
    inflight = 0
    while True:
        now = time.monotonic()
        while inflight < window and now < deadline:
            n = size(rng)
            key = f"mb:{index}:{rng.randrange(200000)}".encode()
            sock.sendall(b"set %s 0 0 %d\r\n" % (key, n) + memoryview(blob)[:n] + b"\r\n")
            sent_bytes += n
            inflight += 1
        if inflight == 0:
            break
        line = reader.readline()
        inflight -= 1
        if line == b"STORED\r\n":
            stored += 1
        elif line.startswith(b"SERVER_ERROR"):
            refused += 1
        else:
            raise SystemExit(f"unexpected reply {line!r}")
    sock.close()
    results.put((stored, refused, sent_bytes))

def stats():
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"stats\r\n")
        data = b""
        while not data.endswith(b"END\r\n"):
            data += s.recv(65536)
    return dict(l.split(" ", 2)[1:] for l in data.decode().splitlines() if l.startswith("STAT "))

idle = rss_kib(pid)
deadline = time.monotonic() + duration
results = mp.Queue()
procs = [mp.Process(target=client, args=(i, deadline, results)) for i in range(clients)]
for p in procs:
    p.start()
peak = 0
samples = 0
while any(p.is_alive() for p in procs):
    peak = max(peak, rss_kib(pid))
    samples += 1
    time.sleep(0.1)
for p in procs:
    p.join()
totals = [results.get() for _ in procs]
time.sleep(0.5)
final = rss_kib(pid)
st = stats()
stored = sum(t[0] for t in totals); refused = sum(t[1] for t in totals); mib = sum(t[2] for t in totals) / MIB
print(f"idle_rss_mib={idle/1024:.1f} peak_rss_mib={peak/1024:.1f} final_rss_mib={final/1024:.1f} samples={samples} "
      f"stored={stored} refused={refused} sent_mib={mib:.0f} bytes_mib={int(st['bytes'])/MIB:.1f} "
      f"limit_mib={int(st['limit_maxbytes'])/MIB:.0f} evictions={st['evictions']} curr_items={st['curr_items']}")
PY

echo "## memory bound: -m $MEMORY_MB -I $ITEM_MAX -t $THREADS, $CLIENTS clients x $WINDOW pipelined sets of 1 B .. $ITEM_MAX values, ${DURATION}s"
declare -A result
for name in $SERVERS; do
  start_server "$name"
  result[$name]=$("$PYTHON" "$WORK/load.py" "$SERVER_PORT" "$SERVER_PID" "$CLIENTS" "$WINDOW" "$DURATION" \
    "$(numfmt --from=iec "${ITEM_MAX^^}")")
  stop_server
  echo "$name: ${result[$name]}"
done
echo
printf '%-10s %6s %10s %10s %11s %12s %12s %10s %12s %10s\n' server "-m" "idle RSS" "peak RSS" "final RSS" "peak - (-m)" "sets stored" refused "stats bytes" evictions
for name in $SERVERS; do
  eval "$(tr ' ' '\n' <<<"${result[$name]}" | sed 's/^/local_/')" 2>/dev/null || true
  printf '%-10s %4s M %8s M %8s M %9s M %10s M %12s %10s %10s M %10s\n' "$name" "$MEMORY_MB" "$local_idle_rss_mib" \
    "$local_peak_rss_mib" "$local_final_rss_mib" "$(awk -v p="$local_peak_rss_mib" -v m="$MEMORY_MB" 'BEGIN{printf "%.1f", p-m}')" \
    "$local_stored" "$local_refused" "$local_bytes_mib" "$local_evictions"
done

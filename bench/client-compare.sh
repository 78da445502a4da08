#!/usr/bin/env bash
# Hoard.Client (`hoard bench`) next to memcaslap, both driving the same memcached 1.6.18 in the same run:
# memcached pinned to core 0 with one thread, each load generator pinned to core 1, one after the other.
#
#   bench/client-compare.sh            # DURATION=10 CONCURRENCY=64 ROUNDS=3
#
# Both use a 90% get / 10% set mix of 100-byte values over keys that exist. memcaslap's concurrency is its
# connections (-c), each with one request in flight; hoard bench's is callers sharing 2 pipelined
# connections. Results go to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
DURATION=${DURATION:-10}
CONCURRENCY=${CONCURRENCY:-64}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-22499}
HOARD_BIN=${HOARD_BIN:-src/Hoard.Cli/bin/Release/net10.0/hoard}
[[ -x $HOARD_BIN ]] || dotnet build src/Hoard.Cli -c Release -nologo -v q >&2

taskset -c 0 memcached -u root -l 127.0.0.1 -p "$PORT" -U 0 -t 1 -m 256 &
MC=$!
trap 'kill $MC 2>/dev/null || true' EXIT
sleep 0.5
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round"
  taskset -c 1 memcaslap -s "127.0.0.1:$PORT" -t "${DURATION}s" -T 1 -c "$CONCURRENCY" -X 100 2>&1 \
    | grep -E "^Run time|TPS" | tail -1 | sed 's/^/memcaslap: /'
  DOTNET_ReadyToRun=0 taskset -c 1 "$HOARD_BIN" bench --servers "127.0.0.1:$PORT" --duration "$DURATION" \
    --concurrency "$CONCURRENCY" --value-size 100 | sed 's/^/hoard bench: /'
done

#!/usr/bin/env bash
# The long fuzz run: the same fuzzers as the test suite's short pass, for longer.
#
#   tests/long/fuzz.sh [SEED] [PARSER_INPUTS] [SERVER_SECONDS]
#
#   SEED            fuzz seed (default: the current Unix time, printed); a failure prints the seed and input index,
#                   and HOARD_FUZZ_SEED=... HOARD_FUZZ_REPLAY=... with the same test filter replays that one input
#   PARSER_INPUTS   text/meta parser inputs (default 10,000,000); the binary framing fuzzer gets a quarter as many
#   SERVER_SECONDS  server-level and router-level fuzzing per transport (epoll, .NET sockets), in seconds (default 120)
#
# Builds Release once, runs each fuzzer through `dotnet test` with HOARD_FUZZ_* set, prints the counts each one
# reports and exits non-zero if any invariant broke. docs/testing.md has the results of a run.
set -euo pipefail
cd "$(dirname "$0")/../.."

seed="${1:-$(date +%s)}"
parser_inputs="${2:-10000000}"
server_seconds="${3:-120}"
binary_inputs=$(( parser_inputs / 4 ))
log_dir="${FUZZ_LOG_DIR:-$(mktemp -d /tmp/hoard-fuzz.XXXXXX)}"
mkdir -p "$log_dir"

echo "hoard long fuzz: seed $seed, $parser_inputs text inputs, $binary_inputs binary inputs, ${server_seconds}s server fuzz per transport; logs in $log_dir"
dotnet build Hoard.sln -c Release -v quiet -nologo >/dev/null || {
    # Other projects may be mid-edit; the fuzz tests need only these two.
    dotnet build tests/Hoard.Protocol.Tests -c Release -v quiet -nologo >/dev/null
    dotnet build tests/Hoard.Server.Tests -c Release -v quiet -nologo >/dev/null
    dotnet build tests/Hoard.Router.Tests -c Release -v quiet -nologo >/dev/null
}

status=0
run() { # name project filter env...
    local name="$1" project="$2" filter="$3"; shift 3
    local started=$SECONDS
    if env HOARD_FUZZ_SEED="$seed" "$@" dotnet test "$project" -c Release --no-build --filter "$filter" \
        --logger "console;verbosity=detailed" >"$log_dir/$name.log" 2>&1; then
        echo "== $name: passed in $(( SECONDS - started ))s"
    else
        echo "== $name: FAILED after $(( SECONDS - started ))s (see $log_dir/$name.log)"
        grep -A12 "Error Message" "$log_dir/$name.log" | head -40 || true
        status=1
    fi
    # The counts the fuzzer printed (xunit's test output), once.
    grep -E "fuzz|item bytes|complete by kind|errors:|meta flag results|mutations:" "$log_dir/$name.log" \
        | grep -v "^\s*\(Passed\|Failed\)" | sed 's/^\s*/   /' | awk '!seen[$0]++' | head -20
}

run text-parser tests/Hoard.Protocol.Tests "FullyQualifiedName~TextParserFuzzTests.Mutated" HOARD_FUZZ_INPUTS="$parser_inputs"
run binary-parser tests/Hoard.Protocol.Tests "FullyQualifiedName~BinaryParserFuzzTests" HOARD_FUZZ_INPUTS="$binary_inputs"
run server tests/Hoard.Server.Tests "FullyQualifiedName~ServerFuzzTests" HOARD_FUZZ_SECONDS="$server_seconds"
run router tests/Hoard.Router.Tests "FullyQualifiedName~RouterFuzzTests" HOARD_FUZZ_SECONDS="$server_seconds"
[ "$status" -eq 0 ] && echo "hoard long fuzz: all passed (seed $seed)" || echo "hoard long fuzz: FAILED (seed $seed)"
exit "$status"

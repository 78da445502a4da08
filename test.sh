#!/usr/bin/env bash
# The one command that runs every test of Hoard on a fresh Debian 12 machine (as root):
# installs the peer programs the integration tests talk to, builds once, runs every test project.
# Env: HOARD_TEST_SERVER=memcached runs the integration tests against /usr/bin/memcached instead of hoard;
#      HOARD_BIN overrides the hoard apphost path. See docs/testing.md.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

PACKAGES=(memcached libmemcached-tools python3-pymemcache python3-pylibmc python3-memcache netcat-openbsd openssl sasl2-bin dnsmasq-base nutcracker iproute2 mariadb-server chromium)

install_missing_packages() {
  local missing=()
  for pkg in "${PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    return
  fi
  echo "==> installing Debian packages: ${missing[*]}"
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  # Debian starts memcached as a service on 11211; the tests never use fixed ports, so it may stay.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

install_missing_packages
command -v dotnet >/dev/null || { echo "error: dotnet (the .NET 10 SDK, see global.json) is not on PATH" >&2; exit 1; }

echo "==> dotnet build Hoard.sln -c Release"
dotnet build Hoard.sln -c Release -nologo

# Each test project runs in its own test host; a hung one is killed, and the hanging test named, after
# 5 minutes instead of holding the whole run. The outer timeout is the last resort for the whole phase.
RESULTS_DIR=${HOARD_TEST_RESULTS:-TestResults}
echo "==> dotnet test Hoard.sln -c Release --no-build"
status=0
timeout --kill-after=30s 15m \
  dotnet test Hoard.sln -c Release --no-build -nologo \
    --blame-hang-timeout 5m --blame-hang-dump-type none \
    --results-directory "$RESULTS_DIR" --logger "trx" --logger "console;verbosity=normal" \
  || status=$?

if ((status != 0)); then
  echo "==> FAILED (exit code $status); results in $RESULTS_DIR" >&2
  exit "$status"
fi
echo "==> all tests passed"

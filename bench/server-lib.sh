# Shared by the bench scripts (sourced): waiting for a server they started, and stopping it.
# Expects SERVER_PID (the server's pid), WORK (the script's temp directory) and a die() function.

# wait_for_listen NAME PORTFILE: sets SERVER_PORT once the server reports its TCP port in PORTFILE
# (MEMCACHED_PORT_FILENAME) and accepts a connection; dies with the server's log if it exits first.
wait_for_listen() {
  local name=$1 portfile=$2
  SERVER_PORT=""
  for _ in $(seq 1 200); do
    if [[ -s $portfile ]]; then
      SERVER_PORT=$(sed -n 's/^TCP INET: *\([0-9]*\).*/\1/p' "$portfile" | head -n1)
      [[ -n $SERVER_PORT ]] && (exec 3<>"/dev/tcp/127.0.0.1/$SERVER_PORT") 2>/dev/null && return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/$name.log" >&2; die "$name exited at start"; }
    sleep 0.05
  done
  die "$name did not listen within 10s"
}

stop_server() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}

# free_port: prints a TCP port on 127.0.0.1 that nothing uses right now (the kernel's choice for a bind to port 0),
# for servers that cannot pick their own port and report it (nutcracker).
free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_port NAME PORT: waits until SERVER_PID accepts connections on 127.0.0.1:PORT; dies with the server's
# log ($WORK/NAME.log) if it exits first. For servers told their port rather than reporting it.
wait_for_port() {
  local name=$1 port=$2
  for _ in $(seq 1 400); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/$name.log" >&2; die "$name exited at start"; }
    sleep 0.05
  done
  die "$name did not listen on port $port within 20s"
}

# cpu_ticks PID: user + system CPU time the process has used so far, in clock ticks (getconf CLK_TCK per second).
cpu_ticks() {
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

"""Asks Debian's libmemcached (libmemcached.so.11, the library under pylibmc) which server it picks for each key.

No server is contacted: memcached_generate_hash() only runs the distribution. Usage:
    libmemcached_locate.py FLAVOR SERVERS KEYFILE
FLAVOR: libketama (KETAMA_WEIGHTED), libmemcached-ketama (KETAMA), libmemcached-spy (KETAMA_WEIGHTED + KETAMA_SPY).
SERVERS: host:port[:weight],... ; KEYFILE: one key per line (bytes, newline-separated).
Prints one "host:port" line per key, in order.
"""
import ctypes
import ctypes.util
import sys

# enum memcached_behavior_t / memcached_server_distribution_t (libmemcached-1.0/types/*.h)
BEHAVIOR_KETAMA = 3
BEHAVIOR_DISTRIBUTION = 9
BEHAVIOR_KETAMA_WEIGHTED = 16
DISTRIBUTION_CONSISTENT_KETAMA_SPY = 4

lib = ctypes.CDLL("libmemcached.so.11")
lib.memcached_create.restype = ctypes.c_void_p
lib.memcached_create.argtypes = [ctypes.c_void_p]
lib.memcached_free.argtypes = [ctypes.c_void_p]
lib.memcached_server_add_with_weight.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint16, ctypes.c_uint32]
lib.memcached_behavior_set.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint64]
lib.memcached_generate_hash.restype = ctypes.c_uint32
lib.memcached_generate_hash.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
lib.memcached_server_instance_by_position.restype = ctypes.c_void_p
lib.memcached_server_instance_by_position.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
lib.memcached_server_name.restype = ctypes.c_char_p
lib.memcached_server_name.argtypes = [ctypes.c_void_p]
lib.memcached_server_port.restype = ctypes.c_uint16
lib.memcached_server_port.argtypes = [ctypes.c_void_p]


def check(rc, what):
    if rc != 0:
        raise SystemExit(f"{what} failed: memcached_return_t {rc}")


def main():
    flavor, servers, keyfile = sys.argv[1], sys.argv[2], sys.argv[3]
    memc = lib.memcached_create(None)
    # Behaviours first, servers after: pylibmc's order, in which a weight above 1 switches plain ketama to
    # weighted points.
    if flavor == "libketama":
        check(lib.memcached_behavior_set(memc, BEHAVIOR_KETAMA_WEIGHTED, 1), "KETAMA_WEIGHTED")
    elif flavor == "libmemcached-ketama":
        check(lib.memcached_behavior_set(memc, BEHAVIOR_KETAMA, 1), "KETAMA")
    elif flavor == "libmemcached-spy":
        check(lib.memcached_behavior_set(memc, BEHAVIOR_KETAMA_WEIGHTED, 1), "KETAMA_WEIGHTED")
        check(lib.memcached_behavior_set(memc, BEHAVIOR_DISTRIBUTION, DISTRIBUTION_CONSISTENT_KETAMA_SPY), "KETAMA_SPY")
    else:
        raise SystemExit(f"unknown flavor {flavor}")
    for spec in servers.split(","):
        if spec.startswith("["):
            host, rest = spec[1:].split("]:", 1)
            parts = [host] + rest.split(":")
        else:
            parts = spec.split(":")
        host, port = parts[0], int(parts[1])
        weight = int(parts[2]) if len(parts) > 2 else 1
        check(lib.memcached_server_add_with_weight(memc, host.encode(), port, weight), f"add {spec}")

    with open(keyfile, "rb") as f:
        keys = f.read().split(b"\n")
    if keys and keys[-1] == b"":
        keys.pop()
    out = []
    for key in keys:
        index = lib.memcached_generate_hash(memc, key, len(key))
        instance = lib.memcached_server_instance_by_position(memc, index)
        out.append(f"{lib.memcached_server_name(instance).decode()}:{lib.memcached_server_port(instance)}")
    lib.memcached_free(memc)
    sys.stdout.write("\n".join(out) + "\n")


main()

"""python-memcached (import memcache), the pure-Python client: basic commands."""
import sys

import memcache

from checks import check, check_true, run

PORT = int(sys.argv[1])


def main():
    mc = memcache.Client([f"127.0.0.1:{PORT}"], socket_timeout=10, dead_retry=0, cache_cas=True)
    check_true("flush_all", mc.flush_all() is None or True)
    check("set", mc.set("a", "alpha"), True)
    check("get", mc.get("a"), "alpha")
    check("get miss", mc.get("missing"), None)
    check("set bytes", mc.set("b", b"\x00\x01\r\n\xff"), True)
    check("get bytes", mc.get("b"), b"\x00\x01\r\n\xff")
    check("set_multi", mc.set_multi({"c": "gamma", "d": "delta"}), [])
    check("get_multi", mc.get_multi(["a", "c", "d", "missing"]), {"a": "alpha", "c": "gamma", "d": "delta"})
    check("set pickled", mc.set("p", {"x": [1, 2, 3]}), True)
    check("get pickled", mc.get("p"), {"x": [1, 2, 3]})
    check("add existing", mc.add("a", "x"), False)
    check("replace", mc.replace("a", "alpha2"), True)
    check("get after replace", mc.get("a"), "alpha2")
    check("set counter", mc.set("n", "7"), True)
    check("incr", mc.incr("n"), 8)
    check("incr by 10", mc.incr("n", 10), 18)
    check("decr", mc.decr("n", 20), 0)
    check("incr missing", mc.incr("nope"), None)
    check("gets", mc.gets("a"), "alpha2")
    check("cas with a stale unique fails", (mc.set("a", "changed"), mc.cas("a", "lost"))[1], False)
    _ = mc.gets("a")
    check("cas", mc.cas("a", "alpha3"), True)
    check("get after cas", mc.get("a"), "alpha3")
    check("delete", mc.delete("a"), 1)
    check("get after delete", mc.get("a"), None)
    check("delete_multi", mc.delete_multi(["c", "d"]), 1)
    check("get_multi after delete_multi", mc.get_multi(["c", "d"]), {})
    stats = mc.get_stats()
    check_true("get_stats answers one server", len(stats) == 1 and "curr_items" in stats[0][1], repr(stats)[:200])


run(main)

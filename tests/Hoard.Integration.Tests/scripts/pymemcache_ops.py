"""pymemcache against one server: every storage, retrieval and admin command the client offers."""
import sys

from pymemcache.client.base import Client
from pymemcache.exceptions import MemcacheServerError

from checks import check, check_raises, check_true, run

PORT = int(sys.argv[1])


def stat(stats, name):
    """pymemcache 3.5 returns bytes keys; accept either."""
    return stats.get(name.encode(), stats.get(name))


def main():
    c = Client(("127.0.0.1", PORT), connect_timeout=5, timeout=10, default_noreply=False)

    check("version", c.version().startswith(b"1.") or len(c.version()) > 0, True)
    check("flush_all", c.flush_all(noreply=False), True)

    check("set", c.set("k1", b"v1", noreply=False), True)
    check("get", c.get("k1"), b"v1")
    check("get miss", c.get("missing"), None)
    check("set with flags keeps value", c.set("k2", b"v2", expire=0, noreply=False, flags=7), True)
    check("get with flags", c.get("k2"), b"v2")
    check("get_many", c.get_many(["k1", "k2", "missing"]), {"k1": b"v1", "k2": b"v2"})
    check("set_many", c.set_many({"m1": b"a", "m2": b"b", "m3": b"c"}, noreply=False), [])
    check("get_many after set_many", c.get_many(["m1", "m2", "m3"]), {"m1": b"a", "m2": b"b", "m3": b"c"})

    check("add existing", c.add("k1", b"x", noreply=False), False)
    check("add new", c.add("k3", b"v3", noreply=False), True)
    check("get after add", c.get("k3"), b"v3")
    check("replace missing", c.replace("nope", b"x", noreply=False), False)
    check("replace existing", c.replace("k3", b"v3b", noreply=False), True)
    check("get after replace", c.get("k3"), b"v3b")

    check("append", c.append("k1", b"-tail", noreply=False), True)
    check("prepend", c.prepend("k1", b"head-", noreply=False), True)
    check("get after append/prepend", c.get("k1"), b"head-v1-tail")
    check("append missing", c.append("nope", b"x", noreply=False), False)
    check("prepend missing", c.prepend("nope", b"x", noreply=False), False)

    value, cas = c.gets("k1")
    check("gets value", value, b"head-v1-tail")
    check_true("gets cas is a number", isinstance(cas, (bytes, int)) and int(cas) > 0, f"cas={cas!r}")
    check("cas with current unique", c.cas("k1", b"swapped", cas, noreply=False), True)
    check("get after cas", c.get("k1"), b"swapped")
    check("cas with stale unique", c.cas("k1", b"stale", cas, noreply=False), False)
    check("get after stale cas", c.get("k1"), b"swapped")
    check("cas on missing key", c.cas("nope", b"x", b"1", noreply=False), None)
    many = c.gets_many(["k1", "k2"])
    check("gets_many keys", sorted(many.keys()), ["k1", "k2"])

    check("set counter", c.set("n", b"10", noreply=False), True)
    check("incr", c.incr("n", 5, noreply=False), 15)
    check("decr", c.decr("n", 3, noreply=False), 12)
    check("decr below zero stops at 0", c.decr("n", 100, noreply=False), 0)
    check("incr missing", c.incr("nope", 1, noreply=False), None)
    check("decr missing", c.decr("nope", 1, noreply=False), None)
    check("set max u64", c.set("big", b"18446744073709551615", noreply=False), True)
    check("incr wraps at 2^64", c.incr("big", 1, noreply=False), 0)

    check("touch existing", c.touch("k2", 100, noreply=False), True)
    check("touch missing", c.touch("nope", 100, noreply=False), False)
    check("delete existing", c.delete("k2", noreply=False), True)
    check("get after delete", c.get("k2"), None)
    check("delete missing", c.delete("k2", noreply=False), False)
    check("delete_many", c.delete_many(["m1", "m2"], noreply=False), True)
    check("get_many after delete_many", c.get_many(["m1", "m2", "m3"]), {"m3": b"c"})

    # noreply variants: the client cannot see the result, the next read must.
    check("set noreply returns True", c.set("nr", b"1", noreply=True), True)
    check("get after set noreply", c.get("nr"), b"1")
    c.add("nr", b"2", noreply=True)
    check("add noreply on existing did nothing", c.get("nr"), b"1")
    c.replace("nr", b"3", noreply=True)
    check("replace noreply", c.get("nr"), b"3")
    c.append("nr", b"4", noreply=True)
    c.prepend("nr", b"2", noreply=True)
    check("append/prepend noreply", c.get("nr"), b"234")
    c.incr("nr", 6, noreply=True)
    check("incr noreply", c.get("nr"), b"240")
    c.decr("nr", 40, noreply=True)
    check("decr noreply", c.get("nr"), b"200")
    _, cas = c.gets("nr")
    c.cas("nr", b"casnr", cas, noreply=True)
    check("cas noreply", c.get("nr"), b"casnr")
    c.touch("nr", 100, noreply=True)
    c.delete("nr", noreply=True)
    check("delete noreply", c.get("nr"), None)

    # Binary-safe values: every byte value, and protocol-looking content inside the value.
    all_bytes = bytes(range(256)) * 4
    check("set binary", c.set("bin", all_bytes, noreply=False), True)
    check("get binary", c.get("bin"), all_bytes)
    tricky = b"line1\r\nEND\r\nVALUE x 0 1\r\n\x00\r\n"
    check("set value with CRLF/END inside", c.set("tricky", tricky, noreply=False), True)
    check("get value with CRLF/END inside", c.get("tricky"), tricky)
    check("set empty value", c.set("empty", b"", noreply=False), True)
    check("get empty value", c.get("empty"), b"")

    # Large values near the default 1 MB item limit, and one over it.
    large = bytes((i * 7) & 0xFF for i in range(1024 * 1024 - 1024))
    check("set value of 1 MiB - 1 KiB", c.set("large", large, noreply=False), True)
    check("get value of 1 MiB - 1 KiB", c.get("large"), large)
    check_raises("set value over 1 MiB is refused", lambda: c.set("huge", b"x" * (1024 * 1024 + 1), noreply=False),
                 MemcacheServerError, "object too large for cache")
    check("connection still works after a refused large value", c.get("k1"), b"swapped")

    stats = c.stats()
    check_true("stats has curr_items", stat(stats, "curr_items") is not None, f"keys: {sorted(stats)[:10]}")
    check_true("stats cmd_get counts gets", int(stat(stats, "cmd_get")) > 0, repr(stat(stats, "cmd_get")))
    check_true("stats get_hits counts hits", int(stat(stats, "get_hits")) > 0, repr(stat(stats, "get_hits")))

    check("flush_all clears", c.flush_all(noreply=False), True)
    check("get after flush_all", c.get("k1"), None)
    check("get_many after flush_all", c.get_many(["k1", "k3", "bin"]), {})
    c.close()


run(main)

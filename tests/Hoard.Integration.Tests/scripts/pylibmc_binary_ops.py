"""pylibmc (libmemcached) over the binary protocol: the basic commands, CAS and touch."""
import sys

import pylibmc

from checks import check, check_raises, check_true, run

PORT = int(sys.argv[1])


def main():
    mc = pylibmc.Client([f"127.0.0.1:{PORT}"], binary=True, behaviors={"tcp_nodelay": True, "cas": True})
    mc.flush_all()
    check("set", mc.set("a", b"alpha"), True)
    check("get", mc.get("a"), b"alpha")
    check("get miss", mc.get("missing"), None)
    check("set str", mc.set("s", "text"), True)
    check("get str", mc.get("s"), "text")
    check("set_multi", mc.set_multi({"b": b"beta", "c": b"gamma"}), [])
    check("get_multi", mc.get_multi(["a", "b", "c", "missing"]), {"a": b"alpha", "b": b"beta", "c": b"gamma"})
    check("add existing", mc.add("a", b"x"), False)
    check("add new", mc.add("d", b"delta"), True)
    check("replace", mc.replace("d", b"delta2"), True)
    # Over the binary protocol libmemcached reports a replace of a missing key as an error, not False.
    check_raises("replace missing", lambda: mc.replace("nope", b"x"), pylibmc.NotFound)
    check("get after replace", mc.get("d"), b"delta2")
    check("append", mc.append("a", b"!"), True)
    check("prepend", mc.prepend("a", b"<"), True)
    check("get after append/prepend", mc.get("a"), b"<alpha!")
    check("set counter", mc.set("n", 41), True)
    check("incr", mc.incr("n"), 42)
    check("incr by 8", mc.incr("n", 8), 50)
    check("decr", mc.decr("n", 60), 0)
    check("get int", mc.get("n"), 0)
    value, cas = mc.gets("a")
    check("gets", value, b"<alpha!")
    check("cas with the current token", mc.cas("a", b"swapped", cas), True)
    check("cas with a stale token", mc.cas("a", b"again", cas), False)
    check("get after cas", mc.get("a"), b"swapped")
    check("touch", mc.touch("a", 100), True)
    check("touch missing", mc.touch("missing", 100), False)
    big = bytes(range(256)) * 1000
    check("set 256 KB binary", mc.set("big", big), True)
    check("get 256 KB binary", mc.get("big"), big)
    check("delete", mc.delete("a"), True)
    check("get after delete", mc.get("a"), None)
    check("delete missing", mc.delete("a"), False)
    check("delete_multi", mc.delete_multi(["b", "c"]), True)
    check("get_multi after delete_multi", mc.get_multi(["b", "c", "d"]), {"d": b"delta2"})
    stats = mc.get_stats()
    check_true("get_stats answers one server", len(stats) == 1 and "curr_items" in stats[0][1], repr(stats)[:200])


run(main)

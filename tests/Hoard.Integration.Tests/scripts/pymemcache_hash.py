"""pymemcache HashClient over several servers: 1,000 keys stored and read back, spread over all of them."""
import sys

from pymemcache.client.base import Client
from pymemcache.client.hash import HashClient

from checks import check, check_true, run

PORTS = [int(p) for p in sys.argv[1:]]
COUNT = 1000


def main():
    servers = [("127.0.0.1", p) for p in PORTS]
    hc = HashClient(servers, connect_timeout=5, timeout=10, ignore_exc=False, default_noreply=False)
    failed = [k for k in range(COUNT) if hc.set(f"key-{k}", f"value-{k}".encode(), noreply=False) is not True]
    check("every set stored", failed, [])
    missing = [k for k in range(COUNT) if hc.get(f"key-{k}") != f"value-{k}".encode()]
    check("every key read back", missing, [])
    got = hc.get_many([f"key-{k}" for k in range(COUNT)])
    check("get_many returns all keys", len(got), COUNT)

    counts = []
    for host, port in servers:
        c = Client((host, port), connect_timeout=5, timeout=10)
        stats = c.stats()
        counts.append(int(stats.get(b"curr_items", stats.get("curr_items", -1))))
        c.close()
    print(f"curr_items per server: {counts}")
    check("items add up to the keys stored", sum(counts), COUNT)
    check_true("every server holds a fair share", all(n >= COUNT // (len(servers) * 3) for n in counts), f"counts={counts}")

    deleted = sum(1 for k in range(0, COUNT, 10) if hc.delete(f"key-{k}", noreply=False))
    check("deletes routed to the owning server", deleted, COUNT // 10)
    check("deleted keys are gone", [k for k in range(0, COUNT, 10) if hc.get(f"key-{k}") is not None], [])


run(main)

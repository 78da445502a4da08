"""Stores keys through a real Python client into several servers, letting the client choose each key's server.

Usage: key_distribution_store.py [--count-hits] MODE KEYFILE SERVER...
  MODE: pylibmc-ketama | pylibmc-ketama-weighted | pylibmc-ketama-spy | python-memcached | pymemcache
  KEYFILE: one key per line (bytes); every key is stored with its own bytes as the value.
  SERVER: 127.0.0.1:PORT[:WEIGHT], in the order the client is given them.
The C# side (KeyDistributionTests) then checks that Hoard.Client's locator names the server that holds each key.
With --count-hits nothing is stored: the keys are read through the client and the hits printed ("hits N"),
to measure how many keys a changed server list still finds.
"""
import sys

from checks import check, run

CHUNK = 500


def chunks(items):
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def parse_server(spec):
    parts = spec.split(":")
    return parts[0], int(parts[1]), int(parts[2]) if len(parts) > 2 else 1


def pylibmc_client(servers, behaviors):
    import pylibmc
    # pylibmc's own HOST:PORT:WEIGHT form; behaviours are applied after the servers are added.
    return pylibmc.Client([f"{h}:{p}:{w}" for h, p, w in servers], binary=False, behaviors=behaviors)


def main():
    args = sys.argv[1:]
    count_hits = args[0] == "--count-hits"
    if count_hits:
        args = args[1:]
    mode, keyfile, specs = args[0], args[1], args[2:]
    servers = [parse_server(s) for s in specs]
    with open(keyfile, "rb") as f:
        keys = [k for k in f.read().split(b"\n") if k]

    if mode == "pylibmc-ketama":
        client = pylibmc_client(servers, {"ketama": True})
    elif mode == "pylibmc-ketama-weighted":
        client = pylibmc_client(servers, {"ketama_weighted": True})
    elif mode == "pylibmc-ketama-spy":
        client = pylibmc_client(servers, {"ketama_weighted": True, "distribution": "consistent ketama spy"})
    elif mode == "python-memcached":
        import memcache
        client = memcache.Client([(f"{h}:{p}", w) for h, p, w in servers])
    elif mode == "pymemcache":
        from pymemcache.client.hash import HashClient
        client = HashClient([(h, p) for h, p, _ in servers], connect_timeout=5, timeout=10,
                            ignore_exc=False, default_noreply=False)
        # pymemcache hashes the key as text ("host:port-key"), so it is given str keys, as applications do.
        keys = [k.decode("ascii") for k in keys]
    else:
        raise SystemExit(f"unknown mode {mode}")

    if mode.startswith("pylibmc"):
        print("behaviors:", {k: v for k, v in client.behaviors.items() if k in ("ketama", "ketama_weighted", "distribution", "hash", "ketama_hash")})

    if count_hits:
        hits = []
        for part in chunks(keys):
            found = client.get_multi(part) if mode != "pymemcache" else client.get_many(part)
            hits += [k for k in part if found.get(k) == (k.encode() if isinstance(k, str) else k)]
        with open(keyfile + ".hits", "wb") as f:
            f.write(b"\n".join(k.encode() if isinstance(k, str) else k for k in hits) + b"\n")
        print(f"hits {len(hits)}")
        return

    failed = []
    for part in chunks(keys):
        values = {k: (k.encode() if isinstance(k, str) else k) for k in part}
        if mode == "pymemcache":
            failed += client.set_many(values, noreply=False)
        else:
            failed += client.set_multi(values)
    check("every key stored", failed, [])

    got = {}
    for part in chunks(keys):
        got.update(client.get_multi(part) if mode != "pymemcache" else client.get_many(part))
    check("every key read back through the same client", len(got), len(keys))
    print(f"stored {len(keys)} keys with {mode}")


run(main)

"""pymemcache over TLS (an ssl.SSLContext trusting the test CA), optionally with a client certificate.

Usage: pymemcache_tls.py PORT CA_FILE [CLIENT_CERT CLIENT_KEY]
"""
import ssl
import sys

from pymemcache.client.base import Client

from checks import check, check_true, run

PORT = int(sys.argv[1])
CA_FILE = sys.argv[2]
CLIENT_FILES = sys.argv[3:5]


def main():
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=CA_FILE)
    # The server certificate names 127.0.0.1, so the hostname check stays on.
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if CLIENT_FILES:
        context.load_cert_chain(CLIENT_FILES[0], CLIENT_FILES[1])
    c = Client(("127.0.0.1", PORT), connect_timeout=5, timeout=10, default_noreply=False, tls_context=context)

    check_true("version", len(c.version()) > 0)
    check("set", c.set("tls1", b"secret value", noreply=False), True)
    check("get", c.get("tls1"), b"secret value")
    check("get_many", c.get_many(["tls1", "missing"]), {"tls1": b"secret value"})
    big = b"x" * 200_000
    check("set large", c.set("big", big, noreply=False), True)
    check("get large", c.get("big"), big)
    check("incr", c.set("n", b"1", noreply=False) and c.incr("n", 41), 42)
    check("delete", c.delete("tls1", noreply=False), True)
    check("get after delete", c.get("tls1"), None)
    version = c.sock.version() if c.sock is not None else None
    check_true("connection is TLS", version in ("TLSv1.2", "TLSv1.3"), f"socket version {version!r}")
    c.close()


if __name__ == "__main__":
    run(main)

"""SASL PLAIN on the binary protocol (-S): pylibmc with the right and a wrong password, and a raw
socket that never authenticates. Arguments: port user password."""
import socket
import struct
import sys

import pylibmc

from checks import check, check_raises, check_true, run

PORT = int(sys.argv[1])
USER = sys.argv[2]
PASSWORD = sys.argv[3]


def client(password):
    return pylibmc.Client([f"127.0.0.1:{PORT}"], binary=True, username=USER, password=password,
                          behaviors={"tcp_nodelay": True, "cas": True})


def request(opcode, key=b"", extras=b"", value=b""):
    return struct.pack(">BBHBBHIIQ", 0x80, opcode, len(key), len(extras), 0, 0,
                       len(extras) + len(key) + len(value), 0, 0) + extras + key + value


def read_until_closed(sock):
    data = b""
    sock.settimeout(5)
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def statuses(data):
    found = []
    while len(data) >= 24:
        _, opcode, _, _, _, status, body, _, _ = struct.unpack(">BBHBBHIIQ", data[:24])
        found.append((opcode, status, data[24:24 + body]))
        data = data[24 + body:]
    return found


def main():
    mc = client(PASSWORD)
    check("set", mc.set("a", b"alpha"), True)
    check("get", mc.get("a"), b"alpha")
    check("set counter", mc.set("n", 1), True)
    check("incr", mc.incr("n", 4), 5)
    value, cas = mc.gets("a")
    check("cas", mc.cas("a", b"beta", cas), True)
    check("get after cas", mc.get("a"), b"beta")
    check("delete", mc.delete("a"), True)
    check("get after delete", mc.get("a"), None)

    bad = client(PASSWORD + "-wrong")
    check_raises("wrong password is refused", lambda: bad.set("a", b"x"), pylibmc.Error)
    check("nothing was stored with the wrong password", mc.get("a"), None)

    # A raw connection that never authenticates: a get is refused with "Auth failure." and the connection closed.
    with socket.create_connection(("127.0.0.1", PORT)) as sock:
        sock.sendall(request(0x00, key=b"n") + request(0x0a))
        replies = statuses(read_until_closed(sock))
        check("unauthenticated get", replies, [(0x00, 0x20, b"Auth failure.")])
    with socket.create_connection(("127.0.0.1", PORT)) as sock:
        extras = struct.pack(">II", 0, 0)
        sock.sendall(request(0x01, key=b"x", extras=extras, value=b"v"))
        check("unauthenticated set", statuses(read_until_closed(sock)), [(0x01, 0x20, b"Auth failure.")])
    # The text protocol is not served at all on a SASL server.
    with socket.create_connection(("127.0.0.1", PORT)) as sock:
        sock.sendall(b"get n\r\nget n\r\nget n\r\nget n\r\n")
        check("text protocol gets no answer", read_until_closed(sock), b"")
    check_true("the refused requests stored nothing", mc.get("x") is None)


run(main)

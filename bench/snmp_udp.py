# SPDX-License-Identifier: ISC
"""A minimal SNMPv2c GET over UDP, in-process, so that a latency figure is the
agent's and not the start-up of a net-snmp tool (bench/run.py)."""

import os
import socket
import time


def _len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def _tlv(tag, body):
    return bytes([tag]) + _len(len(body)) + body


def _int(v):
    return _tlv(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))


def _oid(text):
    arcs = [int(x) for x in text.strip(".").split(".")]
    out = bytearray([40 * arcs[0] + arcs[1]])
    for a in arcs[2:]:
        chunk = [a & 0x7f]
        a >>= 7
        while a:
            chunk.append(0x80 | (a & 0x7f))
            a >>= 7
        out += bytes(reversed(chunk))
    return _tlv(0x06, bytes(out))


def get_request(oid, community="public", request_id=1):
    varbind = _tlv(0x30, _oid(oid) + b"\x05\x00")
    pdu = _tlv(0xa0, _int(request_id) + _int(0) + _int(0) + _tlv(0x30, varbind))
    return _tlv(0x30, _int(1) + _tlv(0x04, community.encode()) + pdu)


class Client:
    def __init__(self, port, host="127.0.0.1", timeout=2.0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        self.next_id = os.getpid() & 0xffff

    def get_rtt(self, oid):
        """Seconds from sending a GET to its response; raises on timeout."""
        self.next_id += 1
        packet = get_request(oid, request_id=self.next_id)
        t0 = time.perf_counter()
        self.sock.send(packet)
        while True:
            reply = self.sock.recv(65535)
            if _int(self.next_id) in reply:
                return time.perf_counter() - t0

    def close(self):
        self.sock.close()


if __name__ == "__main__":
    import sys
    c = Client(int(sys.argv[1]))
    print("%.3f ms" % (1000 * c.get_rtt(sys.argv[2])))

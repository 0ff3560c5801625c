# A raw websocket client for the end-to-end tests (python3, no modules
# beyond the standard library): the upgrade to warroom.v1, masked text
# frames out, frames in (text, ping, close).  Imported by the tests'
# inline scripts: sys.path.insert(0, DIR_OF_THIS_FILE).
import base64
import json
import os
import socket
import struct
import time


class Closed(Exception):
    def __init__(self, code, reason):
        Exception.__init__(self, "closed %s: %s" % (code, reason))
        self.code = code
        self.reason = reason


class WS:
    def __init__(self, port, token, rcvbuf=None):
        # A receive buffer is set before connect (tcp(7)): the window
        # the relay may fill is agreed in the handshake.
        self.s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall((
            "GET /feed HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: warroom.v1\r\n"
            "Authorization: Bearer %s\r\n\r\n" % (key, token)).encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.s.recv(4096)
            if not chunk:
                raise Closed(None, "no upgrade answer")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        self.status = head.split(b"\r\n")[0].decode(errors="replace")

    def send_raw(self, payload, opcode=1):
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            hdr = bytes([0x80 | opcode, 0x80 | n])
        elif n < 65536:
            hdr = bytes([0x80 | opcode, 0x80 | 126]) + struct.pack("!H", n)
        else:
            hdr = bytes([0x80 | opcode, 0x80 | 127]) + struct.pack("!Q", n)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.s.sendall(hdr + mask + body)

    def send(self, obj):
        self.send_raw(json.dumps(obj).encode())

    def hello(self, user="e2e", epoch=None, seq=0):
        self.send({"type": "hello", "user": user, "epoch": epoch,
                   "seq": seq, "from_now": False, "client": "e2e"})

    def _need(self, n, deadline):
        while len(self.buf) < n:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no frame in time")
            self.s.settimeout(left)
            chunk = self.s.recv(65536)
            if not chunk:
                raise Closed(None, "connection dropped")
            self.buf += chunk

    def recv(self, timeout=10):
        """The next text frame as a dict; answers pings; raises Closed."""
        deadline = time.time() + timeout
        while True:
            self._need(2, deadline)
            b0, b1 = self.buf[0], self.buf[1]
            n, at = b1 & 0x7F, 2
            if n == 126:
                self._need(4, deadline)
                n, at = struct.unpack("!H", self.buf[2:4])[0], 4
            elif n == 127:
                self._need(10, deadline)
                n, at = struct.unpack("!Q", self.buf[2:10])[0], 10
            self._need(at + n, deadline)
            payload, self.buf = self.buf[at:at + n], self.buf[at + n:]
            op = b0 & 0x0F
            if op == 8:
                code = struct.unpack("!H", payload[:2])[0] if n >= 2 else None
                raise Closed(code, payload[2:].decode(errors="replace"))
            if op == 9:
                self.send_raw(payload, 10)
                continue
            if op == 1:
                m = json.loads(payload)
                if m.get("type") == "ping":
                    self.send({"type": "pong", "t": m.get("t", 0)})
                    continue
                return m

#!/usr/bin/env python3
import socket, sys, time
# trickle.py PORT TOKEN SECONDS: a POST whose body comes a byte every 0.3 s;
# prints the status line the relay answers with and how long that took,
# or "open" when the relay kept it open for SECONDS.
port, tok, limit = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port))
s.sendall(("POST /v2/enqueue HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
           "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n" % tok).encode())
s.settimeout(0.3)
t0 = time.monotonic()
got = b""
while time.monotonic() - t0 < limit:
    try:
        s.sendall(b" ")
    except OSError:
        break
    try:
        d = s.recv(4096)
        if not d:
            break
        got += d
    except socket.timeout:
        pass
    except OSError:
        break
line = got.split(b"\r\n")[0].decode(errors="replace")
print("%s %.1f" % (line or "open", time.monotonic() - t0))

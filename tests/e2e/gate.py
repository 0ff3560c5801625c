#!/usr/bin/env python3
# gate.py PORT LIMIT RELEASE: a TCP proxy for one connection to the relay
# on 127.0.0.1:PORT.  It prints the port it listens on, then passes what
# the client sends as it comes, and what the relay sends up to LIMIT
# bytes; then it reads no more from the relay (whose socket fills, so a
# snapshot stays on its way) until the file RELEASE exists, and passes the
# rest.  Its own buffer toward the relay is small, so that what is held
# up is held by the relay.  A test holds a real console's snapshot open
# this way without stopping the console, whatever the machine's speed.
import os, socket, sys, threading, time

port, limit, release = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(1)
print(ls.getsockname()[1], flush=True)
client, _ = ls.accept()
up = socket.socket()
up.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
up.connect(("127.0.0.1", port))

def to_relay():
    try:
        while True:
            d = client.recv(65536)
            if not d:
                break
            up.sendall(d)
    except OSError:
        pass
    try:
        up.shutdown(socket.SHUT_WR)
    except OSError:
        pass

threading.Thread(target=to_relay, daemon=True).start()
sent = 0
try:
    while True:
        if sent >= limit:
            while not os.path.exists(release):
                time.sleep(0.05)
        d = up.recv(min(65536, limit - sent) if sent < limit else 65536)
        if not d:
            break
        client.sendall(d)
        sent += len(d)
except OSError:
    pass
client.close()

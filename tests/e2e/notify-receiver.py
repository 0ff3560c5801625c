#!/usr/bin/env python3
"""A local webhook receiver for notify.sh.

notify-receiver.py PORTFILE LOG CTL [CERT KEY]: listens on a free loopback port (written
to PORTFILE), and answers every POST as CTL says: lines "PATH STATUS COUNT"
answer STATUS to the next COUNT requests for PATH (COUNT -1: every one), then
200.  CTL is read again on every request, so a test can change its mind.
With CERT and KEY it serves https.  Each request is appended to LOG as one JSON line: {"path", "status", "body"}.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

portfile, log, ctl = sys.argv[1], sys.argv[2], sys.argv[3]
used = {}


def answer_for(path):
    try:
        with open(ctl) as f:
            lines = f.read().splitlines()
    except OSError:
        lines = []
    for line in lines:
        parts = line.split()
        if len(parts) != 3 or parts[0] != path:
            continue
        status, count = int(parts[1]), int(parts[2])
        n = used.get(path, 0)
        if count < 0 or n < count:
            used[path] = n + 1
            return status
    return 200


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode("utf-8", "replace")
        path = self.path.split("?")[0]
        status = answer_for(path)
        with open(log, "a") as f:
            f.write(json.dumps({"path": path, "query": self.path,
                                "status": status,
                                "ctype": self.headers.get("Content-Type"),
                                "body": body}) + "\n")
        out = b"ok\n" if status == 200 else b"no\n"
        self.send_response(status)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *a):
        pass


s = HTTPServer(("127.0.0.1", 0), H)
if len(sys.argv) > 5:
    import ssl
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    c.load_cert_chain(sys.argv[4], sys.argv[5])
    s.socket = c.wrap_socket(s.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(s.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
s.serve_forever()

#!/bin/sh
# Notifying never blocks the loop.  alice is served by a webhook whose
# receiver accepts the connection and never answers, one whose receiver
# answers after 6 s, and a command that hangs (killed at its 4 s bound):
# while all three are in flight, a console's ack is answered at once, and
# each attempt then ends as it should (timed out, delivered, killed).
. "$(dirname "$0")/lib.sh"
echo "relay: notifying never blocks the loop"
make_tokens
# mute: accepts and reads, never answers; slow: answers 200 after 6 s
python3 - "$T/rx.ports" >"$T/rx.out" 2>&1 <<'PY' &
import socket, sys, threading, time
def serve(sock, slow):
    held = []
    while True:
        c, _ = sock.accept()
        held.append(c)
        def answer(c=c):
            c.recv(65536)
            if slow:
                time.sleep(6)
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
                          b"Connection: close\r\n\r\n")
                c.close()
        threading.Thread(target=answer, daemon=True).start()
socks = []
for slow in (0, 1):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    socks.append(s)
    threading.Thread(target=serve, args=(s, slow), daemon=True).start()
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d %d\n" % tuple(s.getsockname()[1] for s in socks))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    time.sleep(60)
PY
PIDS="$PIDS $!"
for _ in $(seq 1 100); do [ -s "$T/rx.ports" ] && break; sleep 0.05; done
read -r MUTE SLOW < "$T/rx.ports"
cat > "$T/relay.conf" <<EOT
[notifier mute]
type = webhook
url = http://127.0.0.1:$MUTE/hook
users = alice
timeout = 10s
retries = 0

[notifier slow]
type = webhook
url = http://127.0.0.1:$SLOW/hook
users = alice
timeout = 10s
retries = 0

[notifier hang]
type = command
command = sleep 9188
users = alice
timeout = 4s
retries = 0
EOT
start_relay --config "$T/relay.conf" || exit 1
eq "the alert is taken" \
    "$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")" 200
one() { "$WARROOM" "$@" --feed "$FEED" --token-file "$T/bob.token" \
    --user bob --db "$T/bob.db" --timeout 20 >>"$T/cli.out" 2>&1; }
ms() { python3 -c 'import time; print(int(time.time() * 1000))'; }

check "bob assigns incident 1 to alice" one assign 1 alice
check "the hanging command is running" \
    sh -c "for i in \$(seq 1 50); do pgrep -f 'sleep 918[8]' >/dev/null && exit 0; sleep 0.1; done; exit 1"
T0=$(ms)
check "bob acknowledges #1 while all three are in flight" one ack 1
T1=$(ms)
eq "no attempt had ended when the ack was answered" \
    "$(notified alice mute; notified alice slow; notified alice hang)" ""
ELAPSED=$((T1 - T0))
check "the ack was answered within 2 s (took $ELAPSED ms)" test "$ELAPSED" -lt 2000
check "the command is killed at its bound" wait_notified alice hang '^killed after 4 s'
check "the slow receiver's page is delivered" wait_notified alice slow '^delivered$'
check "the mute receiver's page times out" wait_notified alice mute '^timed out'
check "the hanging command's process is gone" \
    sh -c "! pgrep -f 'sleep 918[8]' >/dev/null"
finish

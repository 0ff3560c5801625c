#!/bin/sh
# A console that stops reading must not grow the relay's memory: the relay
# closes it once its socket has not drained for --drain-timeout, with a
# reason, and keeps serving everyone else.  The slow console here is a raw
# socket that does the websocket upgrade, says hello and never reads again.
# Under ASan the same 64 MB bound holds because lib.sh keeps its quarantine
# of freed memory small (the default 256 MB is what a bound would measure).
. "$(dirname "$0")/lib.sh"
echo "relay: a console that stops reading is closed, memory stays bounded"
make_tokens
start_relay --drain-timeout 1500 --heartbeat 20000 || exit 1

python3 - "$PORT" "$TOK_OPS" >"$T/slow.out" 2>&1 <<'PY' &
import base64, os, socket, sys, time, json
port, token = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(("GET /feed HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
           "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: warroom.v1\r\n"
           "Authorization: Bearer %s\r\n\r\n" % (key, token)).encode())
resp = s.recv(4096).decode(errors="replace")
print("upgrade:", resp.split("\r\n")[0], flush=True)
hello = json.dumps({"type": "hello", "user": "slowpoke", "epoch": None,
                    "seq": 0, "from_now": False, "client": "slow"}).encode()
mask = os.urandom(4)
frame = bytes([0x81, 0x80 | len(hello)]) + mask + bytes(
    b ^ mask[i % 4] for i, b in enumerate(hello))
s.sendall(frame)
print("hello sent; not reading any more", flush=True)
time.sleep(30)
PY
SLOW=$!
PIDS="$PIDS $SLOW"
check "the slow console is upgraded" wait_for "$T/slow.out" "101" 50

# a healthy console alongside it
"$WARROOM" tail --json --feed "$FEED" --token-file "$T/bob.token" \
    >"$T/tail.out" 2>&1 &
PIDS="$PIDS $!"

# a few thousand events, far more than the slow socket's buffers hold
post_storm storm 30
head=$(head_seq)
check "the log grew to over 6000 events (megabytes of frames)" [ "$head" -gt 6000 ]
closed=no
for _ in $(seq 1 100); do
	if curl -s "$URL/metrics" | grep -q '^warroom_consoles_connected 1$' &&
	    grep -q "slowpoke.*left: the console did not read" "$T/relay.log"; then
		closed=yes
		break
	fi
	sleep 0.1
done
eq "the relay closed the console that stopped reading" "$closed" yes
check "the healthy console got every event" wait_for "$T/tail.out" "\"seq\":$head," 100
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$RELAY_PID/status")
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$RELAY_PID/status")
echo "    relay RSS: ${rss} kB now, peak ${hwm} kB (VmHWM)"
check "the relay's memory stayed bounded (RSS ${rss} kB < 64 MB)" [ "${rss:-999999}" -lt 65536 ]
finish

#!/bin/sh
# Bounded cost per sender: consoles that flood the relay with frames and
# never read must not grow its memory.  The relay answers a burst over the
# rate limit with ONE error frame (not one per frame), closes a console
# that keeps flooding, and keeps serving everyone else.  Five raw-socket
# consoles each send 500,000 `{}` frames and read nothing; the relay's RSS
# is sampled all along and its peak reported.
. "$(dirname "$0")/lib.sh"
echo "relay: flooding consoles that never read leave the relay's memory flat"
make_tokens
start_relay --heartbeat 20000 || exit 1
base=$(awk '/^VmRSS/ { print $2 }' "/proc/$RELAY_PID/status")

# A healthy console alongside.
"$WARROOM" tail --json --feed "$FEED" --token-file "$T/bob.token" \
    >"$T/tail.out" 2>&1 &
PIDS="$PIDS $!"

FLOODERS=""
for i in 1 2 3 4 5; do
	python3 - "$PORT" "$TOK_OPS" "$(dirname "$0")" "$i" \
	    >"$T/flood-$i.out" 2>&1 <<'PY' &
import sys, time
sys.path.insert(0, sys.argv[3])
from ws import WS
c = WS(int(sys.argv[1]), sys.argv[2], rcvbuf=4096)
print("upgrade:", c.status, flush=True)
c.hello(user="flooder%s" % sys.argv[4])
mask = b"\x01\x02\x03\x04"
frame = bytes([0x81, 0x82]) + mask + bytes(b ^ mask[i % 4]
                                           for i, b in enumerate(b"{}"))
chunk = frame * 10000
sent = 0
try:
    for _ in range(50):
        c.s.sendall(chunk)
        sent += 10000
    print("sent all %d frames" % sent, flush=True)
except OSError as e:
    print("stopped after %d frames: %s" % (sent, e), flush=True)
time.sleep(60)
PY
	FLOODERS="$FLOODERS $!"
done
PIDS="$PIDS $FLOODERS"

# Sample the relay's RSS until every flooder is done sending.
peak=$base
for _ in $(seq 1 300); do
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$RELAY_PID/status")
	[ "${rss:-0}" -gt "$peak" ] && peak=$rss
	done_n=$(cat "$T"/flood-*.out 2>/dev/null | grep -c -e "^sent all" -e "^stopped after")
	[ "$done_n" -ge 5 ] && break
	sleep 0.1
done
for _ in $(seq 1 50); do	# and five seconds after: the relay may still be reading
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$RELAY_PID/status")
	[ "${rss:-0}" -gt "$peak" ] && peak=$rss
	sleep 0.1
done
eq "all five flooders were upgraded" "$(grep -l '^upgrade: HTTP/1.1 101' "$T"/flood-*.out | wc -l)" 5
echo "    relay RSS: ${base} kB at start, peak ${peak} kB while flooded"
check "the relay's memory stayed flat (peak ${peak} kB < start ${base} kB + 16 MB)" \
    [ "$peak" -lt $((base + 16384)) ]
check "the relay closed the consoles that kept flooding" \
    wait_for "$T/relay.log" "flooder.*left: the console keeps flooding the relay" 50
check "the relay is alive" kill -0 "$RELAY_PID"

# The healthy console still gets what happens.
code=$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")
eq "an alert is taken meanwhile" "$code" 200
check "the healthy console got it" wait_for "$T/tail.out" '"kind":"triggered"' 50

# A console that floods and then reads: one rate error for the burst.
timeout 30 python3 - "$PORT" "$TOK_OPS" "$(dirname "$0")" \
    >"$T/burst.out" 2>&1 <<'PY'
import sys, time
sys.path.insert(0, sys.argv[3])
from ws import WS, Closed
c = WS(int(sys.argv[1]), sys.argv[2])
c.hello(user="burster")
c.recv()                        # welcome
mask = b"\x01\x02\x03\x04"
frame = bytes([0x81, 0x82]) + mask + bytes(b ^ mask[i % 4]
                                           for i, b in enumerate(b"{}"))
c.s.sendall(frame * 5000)
rate = bad = 0
try:
    while True:
        m = c.recv(timeout=2)
        if m["type"] == "error" and m["code"] == "rate":
            rate += 1
        elif m["type"] == "error":
            bad += 1
except (TimeoutError, Closed):
    pass
print("rate errors %d, other errors %d" % (rate, bad), flush=True)
PY
cat "$T/burst.out" | sed 's/^/    /'
# One per burst; a loaded machine may read the 5000 frames slowly enough
# for the bucket to refill once or twice, never thousands of times.
rate=$(sed -n 's/^rate errors \([0-9]*\),.*/\1/p' "$T/burst.out")
check "5000 frames at once get one rate error (${rate:-none}), not one per frame" \
    [ "${rate:-0}" -ge 1 -a "${rate:-0}" -le 3 ]

# A bad op's error names its op id only when it is one (the console can
# match nothing else): an op_id of 5,000 bytes came back whole, so a
# 1 MiB one made a 1 MiB answer.
timeout 30 python3 - "$PORT" "$TOK_OPS" "$(dirname "$0")" >"$T/echo.out" 2>&1 <<'PY'
import json, sys
sys.path.insert(0, sys.argv[3])
from ws import WS
c = WS(int(sys.argv[1]), sys.argv[2])
c.hello(user="echoer")
c.send({"type": "op", "op_id": "0" * 5000})
c.send({"type": "op", "op_id": "0123456789abcdef0123456789abcdef"})
for _ in range(2):
    m = c.recv()
    while m["type"] != "error":
        m = c.recv()
    print("%s op_id=%s %d bytes" % (m["code"], m.get("op_id", "none"),
                                    len(json.dumps(m))), flush=True)
PY
sed 's/^/    /' "$T/echo.out"
eq "a bad op with a 5,000-byte op_id: the error does not echo it" \
    "$(sed -n 1p "$T/echo.out" | cut -d' ' -f1-2)" "bad_op op_id=none"
eq "a bad op with a real op id: the error names it" \
    "$(sed -n 2p "$T/echo.out" | cut -d' ' -f1-2)" "bad_op op_id=0123456789abcdef0123456789abcdef"
finish

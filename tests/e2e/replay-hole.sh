#!/bin/sh
# A replay that meets an event the relay cannot read (retention pruned it
# during a slow replay, or the store fails) is its own outcome: the relay
# closes that console at once with a reason, never says caught_up below
# its head, and the console's next hello gets a snapshot.  The events are
# taken out of the relay's database behind its back, beyond the ring of
# recent events, so that the replay has to read them from the store.
. "$(dirname "$0")/lib.sh"
echo "relay: a replay that cannot read an event closes the console, which resyncs"
make_tokens
start_relay --heartbeat 20000 || exit 1

post_storm hole 45
head=$(head_seq)
check "the log is longer than the relay's ring of 8192 events ($head)" [ "$head" -gt 9000 ]
epoch=$(curl -fs "$URL/healthz" | sed -n 's/.*"epoch":"\([0-9a-f]*\)".*/\1/p')
sqlite3 "$T/relay.db" "DELETE FROM events WHERE seq BETWEEN 100 AND 200;"

timeout 60 python3 - "$PORT" "$TOK_OPS" "$epoch" "$(dirname "$0")" \
    >"$T/client.out" 2>&1 <<'PY'
import sys, time
sys.path.insert(0, sys.argv[4])
from ws import WS, Closed
port, token, epoch = int(sys.argv[1]), sys.argv[2], sys.argv[3]

c = WS(port, token)
c.hello(user="replayer")
last = 0
t0 = time.time()
try:
    while True:
        m = c.recv(timeout=10)
        if m["type"] == "welcome":
            print("welcome", m["mode"], flush=True)
        elif m["type"] == "event":
            last = m["seq"]
        elif m["type"] == "caught_up":
            print("caught_up", m["seq"], flush=True)
except Closed as e:
    print("closed %s after %.1f s at seq %d: %s" % (e.code, time.time() - t0,
          last, e.reason), flush=True)
except TimeoutError:
    print("no close within 10 s of the last frame, at seq %d" % last,
          flush=True)

c = WS(port, token)
c.hello(user="replayer", epoch=epoch, seq=last)
try:
    while True:
        m = c.recv(timeout=10)
        if m["type"] == "welcome":
            print("again", m["mode"], m.get("reason"), flush=True)
        elif m["type"] == "snapshot" and m["last"]:
            print("snapshot at", m["seq"], flush=True)
        elif m["type"] == "caught_up":
            print("caught up again at", m["seq"], flush=True)
            break
except (Closed, TimeoutError) as e:
    print("second connection:", e, flush=True)
PY
cat "$T/client.out" | sed 's/^/    /'
check "the replay starts" grep -q "^welcome replay" "$T/client.out"
check "the relay never says caught_up below its head" \
    sh -c "! grep -q '^caught_up' '$T/client.out'"
check "it closes the console at event 99, at once, saying to take a snapshot" \
    grep -q "^closed 1011 after [0-4]\.[0-9] s at seq 99: .*snapshot" "$T/client.out"
check "the relay's log says why" \
    grep -q "replay for replayer: event 100 is no longer in the relay's log" "$T/relay.log"
check "the console's next hello gets a snapshot" \
    grep -q "^again snapshot the relay cannot read" "$T/client.out"
check "consistent at the head ($head)" grep -q "^snapshot at $head\$" "$T/client.out"
check "and it is caught up at the head" grep -q "^caught up again at $head\$" "$T/client.out"
finish

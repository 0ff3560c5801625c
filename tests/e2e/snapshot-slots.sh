#!/bin/sh
# Snapshots at scale are bounded and right (issue 9).  (1) At most four are
# streamed at once: four consoles that take a snapshot and stop reading
# hold the four slots; a fifth is told snapshot_busy and gets nothing until
# a slot frees, then its whole snapshot; a `warroom list` queued behind
# them too.  (2) Events committed while a console's snapshot is on its way
# (a proxy, gate.py, stops passing it on in the middle; acks, a note and
# new alerts are committed meanwhile) reach it after the snapshot, each once,
# none missing: its copy ends equal to the relay's (a fresh snapshot of
# the end state), and its store holds every event after the snapshot's seq
# exactly once.
. "$(dirname "$0")/lib.sh"
N=${WR_SLOTS_N:-10000}
echo "snapshots: four in flight at most; events during one arrive after it, once"
make_tokens
start_relay || exit 1
stop_relay
sh "$ROOT/scripts/prefill-relay.sh" "$T/relay.db" "$N" || exit 1
# the holders do not read (nor answer pings) for a while: not closed for it
start_relay --drain-timeout 60000 --heartbeat 60000 || exit 1
E2E="$ROOT/tests/e2e"

# ---- (1) four slots ----
for i in 1 2 3 4; do
	python3 - "$PORT" "$TOK_OPS" "$E2E" "$i" "$T/release" \
	    >"$T/holder.$i" 2>&1 <<'PY' &
import os, sys, time
sys.path.insert(0, sys.argv[3])
from ws import WS
c = WS(int(sys.argv[1]), sys.argv[2], rcvbuf=2048)
c.hello(user="holder" + sys.argv[4])
w = c.recv()
print("welcome", w.get("mode"), flush=True)
m = c.recv()
while m["type"] == "schedules":	# the on-call definitions come first
    m = c.recv()
print("first", m["type"], flush=True)
while not os.path.exists(sys.argv[5]):	# not reading meanwhile
    time.sleep(0.05)
n = len(m.get("incidents", [])) if m["type"] == "snapshot" else 0
while True:
    m = c.recv(timeout=60)
    if m["type"] == "snapshot":
        n += len(m["incidents"])
    elif m["type"] == "caught_up":
        break
print("snapshot of %d incidents" % n, flush=True)
PY
	PIDS="$PIDS $!"
done
for i in 1 2 3 4; do
	wait_for "$T/holder.$i" "^first snapshot" 150 || fail "holder $i got no snapshot frame"
done
eq "four snapshots are in flight" \
    "$(curl -fs "$URL/metrics" | sed -n 's/^warroom_snapshots //p')" 4

python3 - "$PORT" "$TOK_OPS" "$E2E" "$T/release" >"$T/fifth" 2>&1 <<'PY' &
import os, sys, time
sys.path.insert(0, sys.argv[3])
from ws import WS
c = WS(int(sys.argv[1]), sys.argv[2])
c.hello(user="fifth")
print("welcome", c.recv().get("mode"), flush=True)
n = frames = 0
while True:
    m = c.recv(timeout=60)
    if m["type"] == "error":
        print("error", m["code"], flush=True)
    elif m["type"] == "snapshot":
        if frames == 0:
            print("first snapshot frame; released: %s"
                  % os.path.exists(sys.argv[4]), flush=True)
        frames += 1
        n += len(m["incidents"])
    elif m["type"] == "caught_up":
        break
print("snapshot of %d incidents" % n, flush=True)
PY
FIFTH=$!
PIDS="$PIDS $FIFTH"
check "a fifth console is told snapshot_busy" wait_for "$T/fifth" "^error snapshot_busy" 100
"$WARROOM" list --json --timeout 60 --feed "$FEED" --token-file "$T/ops.token" \
    --user sixth --db "$T/sixth.db" >"$T/sixth.json" 2>"$T/sixth.err" &
SIXTH=$!
PIDS="$PIDS $SIXTH"
# the fifth and the list wait while the slots stay taken: the relay has
# nothing to send them (a second of their wait, polled)
for _ in $(seq 1 10); do
	grep -q "^first snapshot" "$T/fifth" && break
	sleep 0.1
done
eq "still four in flight while they wait" \
    "$(curl -fs "$URL/metrics" | sed -n 's/^warroom_snapshots //p')" 4
touch "$T/release"
check "once the holders read on, the fifth gets its snapshot" \
    wait_for "$T/fifth" "^snapshot of $N incidents" 300
check "and only then (its first frame came after the release)" \
    grep -q "^first snapshot frame; released: True" "$T/fifth"
for i in 1 2 3 4; do
	check "holder $i got all $N" wait_for "$T/holder.$i" "^snapshot of $N incidents" 300
done
wait "$SIXTH"
eq "the list queued behind them exits 0" "$?" 0
eq "with all $N incidents" \
    "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/sixth.json" 2>/dev/null)" "$N"

# ---- (2) events committed while a snapshot is on its way ----
# carol's list goes through gate.py, which passes the snapshot's first
# 256 KiB and then reads no more from the relay until carol.release: her
# snapshot stays on its way while the rest happens, however fast she reads
python3 "$E2E/gate.py" "$PORT" 262144 "$T/carol.release" >"$T/gate" \
    2>"$T/gate.err" &
PIDS="$PIDS $!"
for _ in $(seq 1 50); do [ -s "$T/gate" ] && break; sleep 0.1; done
"$WARROOM" list --json --timeout 60 \
    --feed "ws://127.0.0.1:$(head -n 1 "$T/gate")/feed" \
    --token-file "$T/ops.token" \
    --user carol --db "$T/carol.db" >"$T/carol.json" 2>"$T/carol.err" &
CAROL=$!
PIDS="$PIDS $CAROL"
check "carol's snapshot starts" \
    wait_for "$T/relay.log" "console carol: snapshot of $N incidents" 150
snap_seq=$(sed -n 's/.*console carol: snapshot of [0-9]* incidents at seq \([0-9]*\)$/\1/p' "$T/relay.log")
# Meanwhile: acks of the first incident (in the snapshot's first window)
# and of the last (in its last), a note, and two new incidents.
python3 - "$PORT" "$TOK_OPS" "$E2E" "$N" >"$T/ops.out" 2>&1 <<'PY'
import os, sys
sys.path.insert(0, sys.argv[3])
from ws import WS
c = WS(int(sys.argv[1]), sys.argv[2])
c.send({"type": "hello", "user": "dave", "epoch": None, "seq": 0,
        "from_now": True, "client": "e2e"})
epoch = c.recv()["epoch"]
n = int(sys.argv[4])
ops = [("ack", 1, None), ("ack", n, None), ("note", n // 2, "during the snapshot")]
for kind, inc, text in ops:
    op = {"type": "op", "op_id": os.urandom(16).hex(), "op": kind,
          "incident": inc, "epoch": epoch, "actor": "dave"}
    if text:
        op["text"] = text
    c.send(op)
done = 0
while done < len(ops):
    m = c.recv()
    if m["type"] == "result":
        print("result", m["status"], flush=True)
        done += 1
PY
eq "three ops applied while carol's snapshot was on its way" \
    "$(grep -c '^result applied' "$T/ops.out")" 3
code=$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")
eq "an alert meanwhile" "$code" 200
code=$(post /hooks/alertmanager "$FIX/alertmanager/unicode-labels.json")
eq "and another" "$code" 200
head=$(head_seq)
eq "all of it committed while carol's snapshot is still being streamed" \
    "$(curl -fs "$URL/metrics" | sed -n 's/^warroom_snapshots //p')" 1
touch "$T/carol.release"
wait "$CAROL"
eq "carol's list exits 0" "$?" 0
"$WARROOM" list --json --timeout 60 --feed "$FEED" --token-file "$T/ops.token" \
    --user erin --db "$T/erin.db" >"$T/erin.json" 2>"$T/erin.err"
eq "a fresh list of the end state exits 0" "$?" 0
check "carol's copy equals the relay's end state ($((N + 2)) incidents)" python3 - \
    "$T/carol.json" "$T/erin.json" "$((N + 2))" <<'PY'
import json, sys
a = {i["id"]: i for i in json.load(open(sys.argv[1]))}
b = {i["id"]: i for i in json.load(open(sys.argv[2]))}
if len(a) != int(sys.argv[3]) or a.keys() != b.keys():
    print("    ids differ: %d vs %d" % (len(a), len(b))); sys.exit(1)
diff = [k for k in a if {x: y for x, y in a[k].items() if x != "age"} !=
        {x: y for x, y in b[k].items() if x != "age"}]
for k in diff[:5]:
    print("    #%d: %s\n     vs %s" % (k, a[k], b[k]))
sys.exit(1 if diff else 0)
PY
check "incidents #1 and #$N are acknowledged by dave in it" python3 - \
    "$T/carol.json" "$N" <<'PY'
import json, sys
a = {i["id"]: i for i in json.load(open(sys.argv[1]))}
n = int(sys.argv[2])
sys.exit(0 if all(a[k]["state"] == "acknowledged" and "dave" in json.dumps(a[k])
                  for k in (1, n)) else 1)
PY
eq "carol's store holds each event after seq $snap_seq once, none missing" \
    "$(sqlite3 "$T/carol.db" "SELECT count(*) || ' ' || count(DISTINCT seq) || ' ' || min(seq) || ' ' || max(seq) FROM events WHERE seq > $snap_seq")" \
    "$((head - snap_seq)) $((head - snap_seq)) $((snap_seq + 1)) $head"
finish

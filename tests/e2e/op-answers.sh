#!/bin/sh
# Refused ops are not stored for ever: ops that name no incident (or
# another epoch) are answered without leaving a row, so a console token
# cannot fill the relay's disk with them; answers that are kept (ops on a
# real incident) age out with the log's retention.
. "$(dirname "$0")/lib.sh"
echo "relay: refused ops leave no rows; kept answers are pruned with retention"
make_tokens
start_relay --heartbeat 20000 --retention 1m || exit 1

code=$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")
eq "the alert is taken" "$code" 200
epoch=$(curl -fs "$URL/healthz" | sed -n 's/.*"epoch":"\([0-9a-f]*\)".*/\1/p')

timeout 60 python3 - "$PORT" "$TOK_OPS" "$epoch" "$(dirname "$0")" \
    >"$T/ops.out" 2>&1 <<'PY'
import os, sys, time
sys.path.insert(0, sys.argv[4])
from ws import WS
port, token, epoch = int(sys.argv[1]), sys.argv[2], sys.argv[3]
c = WS(port, token)
c.hello(user="filler", epoch=epoch, seq=0)
results = {}
def op(i):
    if i < 1000:    # no such incident
        return {"type": "op", "op_id": os.urandom(16).hex(), "op": "ack",
                "incident": 100000 + i, "epoch": epoch, "actor": "filler"}
    return {"type": "op", "op_id": os.urandom(16).hex(), "op": "ack",
            "incident": 1, "epoch": "0123456789abcdef", "actor": "filler"}
# Under the rate limit (200/s): chunks of 100, each after its answers and
# a pause that lets the bucket refill.
for start in range(0, 1010, 100):
    n = min(100, 1010 - start)
    for i in range(start, start + n):
        c.send(op(i))
    while len(results) < start + n:
        m = c.recv(timeout=10)
        if m["type"] == "result":
            results[m["op_id"]] = m.get("code")
        elif m["type"] == "error":
            print("error", m, flush=True)
    time.sleep(0.6)
codes = {}
for v in results.values():
    codes[v] = codes.get(v, 0) + 1
print("results", len(results), sorted(codes.items()), flush=True)
PY
cat "$T/ops.out" | sed 's/^/    /'
check "1010 ops were answered: 1000 unknown_incident, 10 epoch" \
    grep -q "^results 1010 \[('epoch', 10), ('unknown_incident', 1000)\]" "$T/ops.out"
eq "and the relay's ops table is empty" \
    "$(sqlite3 "$T/relay.db" "SELECT count(*) FROM ops")" 0

"$WARROOM" ack 1 --feed "$FEED" --token-file "$T/ops.token" --user alice \
    --db "$T/alice.db" >"$T/ack.out" 2>&1
eq "an ack of the real incident is applied" "$?" 0
eq "its answer is kept, so that a resend gets it again" \
    "$(sqlite3 "$T/relay.db" "SELECT count(*) FROM ops")" 1

# Retention (1m here) prunes answers as it prunes events: make the answer
# two minutes old, and the next prune (at a start, then about once a
# minute) drops it.
sqlite3 "$T/relay.db" "UPDATE ops SET time = time - 120000"
stop_relay
start_relay --heartbeat 20000 --retention 1m || exit 1
gone=no
for _ in $(seq 1 50); do
	if [ "$(sqlite3 "$T/relay.db" "SELECT count(*) FROM ops")" = 0 ]; then
		gone=yes
		break
	fi
	sleep 0.1
done
eq "the answer older than the retention is pruned" "$gone" yes
finish

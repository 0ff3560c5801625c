#!/bin/sh
# An op's actor is one of the names its token may act as (the token
# file's users=), as the hello's user is: a console token for bob alone
# that sends an ack "by alice" is refused with user_not_allowed, tied to
# the op id, and nothing is recorded; the same ack by bob is applied.
# (Before: the hello was checked, every op's actor was taken as sent, and
# bob's token acknowledged as alice.)
. "$(dirname "$0")/lib.sh"
echo "relay: an op's actor must be a name its token may act as"
make_tokens
TOK_B1=bobonly0123456789abcdef01234
echo "bobonly $TOK_B1 console users=bob" >> "$T/tokens"
start_relay || exit 1
eq "the alert is taken" \
    "$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")" 200
epoch=$(curl -fs "$URL/healthz" | sed -n 's/.*"epoch":"\([0-9a-f]*\)".*/\1/p')

timeout 60 python3 - "$PORT" "$TOK_B1" "$epoch" "$(dirname "$0")" \
    >"$T/ws.out" 2>&1 <<'PY'
import os, sys
sys.path.insert(0, sys.argv[4])
from ws import WS
port, token, epoch = int(sys.argv[1]), sys.argv[2], sys.argv[3]
c = WS(port, token)
c.hello(user="bob", epoch=epoch, seq=0)
def op(actor):
    i = os.urandom(16).hex()
    c.send({"type": "op", "op_id": i, "op": "ack", "incident": 1,
            "epoch": epoch, "actor": actor})
    while True:
        m = c.recv(timeout=10)
        if m["type"] in ("result", "error") and m.get("op_id") == i:
            return m
m = op("alice")
print("alice", m["type"], m.get("code"), m.get("status"), flush=True)
m = op("bob")
print("bob", m["type"], m.get("code"), m.get("status"), flush=True)
PY
sed 's/^/    /' "$T/ws.out"
check "an ack by alice through bob's token: error user_not_allowed, with its op id" \
    grep -q '^alice error user_not_allowed None$' "$T/ws.out"
check "the same ack by bob is applied" grep -q '^bob result None applied$' "$T/ws.out"
eq "the relay's log has one acknowledgement, by bob" \
    "$(sqlite3 "$T/relay.db" "SELECT group_concat(actor) FROM events WHERE kind = 4")" bob
eq "and no answer recorded for alice's" \
    "$(sqlite3 "$T/relay.db" "SELECT count(*) FROM ops")" 1
finish

#!/bin/sh
# Every postmortem version reaches a console that begins with a snapshot,
# and retention never takes one (issue 13).  carol saves v1 and v2 of #1's
# postmortem and bob notes it.  (1) A console whose copy is of another
# relay's epoch takes a snapshot: `warroom postmortem 1 --version 1` prints
# v1's text (before, the snapshot had the summary only: exit 65, "does not
# have its text"), v2 and the note are there too, each event once.
# (2) The log is made two days old and the relay restarted with a
# retention of one day: every event goes but the two versions and the
# notes.  A fresh
# console (replay impossible: a snapshot) prints v1; a console that
# stopped just before v1 (its seq + 1 is the oldest version's: the
# relay's oldest stored seq, but no replay can start there) takes a
# snapshot rather than a replay that meets the hole above v1; a console
# at the head replays what comes next.  (3) Six long versions more: a
# fresh console gets every version once, in several frames of a bounded
# size.
. "$(dirname "$0")/lib.sh"
echo "snapshot-postmortem: a snapshot carries every version; retention keeps them"
make_tokens
start_relay || exit 1

cli() { # cli DB ARGS...: a one-shot command as carol on the relay
	db=$1
	shift
	VISUAL="$T/ed.sh" "$WARROOM" "$@" --feed "$FEED" \
	    --token-file "$T/ops.token" --user carol --db "$T/$db" --timeout 10
}
# the editor writes $T/text as the postmortem
cat > "$T/ed.sh" <<EOF
#!/bin/sh
cp "$T/text" "\$1"
EOF
chmod +x "$T/ed.sh"

cat > "$T/alert.json" <<'EOF'
{"receiver":"warroom","status":"firing","alerts":[{"status":"firing",
"labels":{"alertname":"CheckoutErrors","severity":"critical","service":"checkout"},
"annotations":{"summary":"checkout 5xx"},
"startsAt":"2026-11-27T09:00:00Z","endsAt":"0001-01-01T00:00:00Z",
"generatorURL":"","fingerprint":"c0ffee0123456789"}],
"groupLabels":{"alertname":"CheckoutErrors"},
"commonLabels":{"alertname":"CheckoutErrors","service":"checkout"},
"commonAnnotations":{"summary":"checkout 5xx"},
"externalURL":"http://am:9093","version":"4",
"groupKey":"{}:{alertname=\"CheckoutErrors\"}","truncatedAlerts":0}
EOF
eq "an alert group posted" "$(post /hooks/alertmanager "$T/alert.json")" 200
cli carol.db note 1 "rolled back 4f2a" >/dev/null 2>&1
eq "a note on #1" "$?" 0
# a console that stops here: the next seq is v1's
cli early.db list >/dev/null 2>&1
eq "a console caught up before v1" "$?" 0
printf '# Checkout errors\n\nv1: a bad deploy\n' > "$T/text"
cli carol.db postmortem 1 --edit >/dev/null 2>"$T/v1.err"
eq "v1 saved" "$?" 0
printf '# Checkout errors\n\nv2: a bad deploy of the cache\n' > "$T/text"
cli carol.db postmortem 1 --edit >/dev/null 2>"$T/v2.err"
eq "v2 saved" "$?" 0
cli carol.db note 1 "v2 is the one to review" >/dev/null 2>&1
eq "a note after v2 (the versions are below what retention cuts)" "$?" 0
early=$(sqlite3 "$T/early.db" "SELECT value FROM meta WHERE key = 'cursor'")
eq "v1 is the seq after the early console's" \
    "$(sqlite3 "$T/relay.db" "SELECT min(seq) FROM events WHERE kind = 23")" \
    "$((early + 1))"

# ---- (1) a copy of another epoch: a snapshot ----
other_epoch_db moved.db carol
eq "a console db that followed another relay" "$?" 0

cli moved.db postmortem 1 --version 1 >"$T/moved-v1.md" 2>"$T/moved-v1.err"
eq "postmortem 1 --version 1 on it exits 0" "$?" 0
check "it took a snapshot" grep -q 'console carol .*connected: snapshot' "$T/relay.log"
check "and prints v1's text" grep -q '^v1: a bad deploy$' "$T/moved-v1.md"
check "not the 'does not have its text' refusal" \
    sh -c "! grep -q 'does not have its text' '$T/moved-v1.err'"
cli moved.db postmortem 1 --version 2 >"$T/moved-v2.md" 2>/dev/null
check "v2 too" grep -q '^v2: a bad deploy of the cache$' "$T/moved-v2.md"
cli moved.db export 1 >"$T/moved-export.md" 2>/dev/null
check "and the note, in the export" grep -q 'rolled back 4f2a' "$T/moved-export.md"
eq "each version stored once" \
    "$(sqlite3 "$T/moved.db" "SELECT count(*) FROM events WHERE kind = 23")" 2
cli moved.db list >/dev/null 2>&1
eq "again: a replay, nothing stored twice" \
    "$(sqlite3 "$T/moved.db" "SELECT count(*) FROM events WHERE kind = 23")" 2

# ---- (2) retention: every old event goes but the versions and notes ----
cli head.db list >/dev/null 2>&1
eq "a console at the head" "$?" 0
stop_relay
sqlite3 "$T/relay.db" "UPDATE events SET time = time - 2 * 86400000"
start_relay --retention 1d || exit 1
check "the relay pruned its log" sh -c "for _ in \$(seq 1 100); do \
    [ \"\$(sqlite3 '$T/relay.db' 'SELECT count(*) FROM events WHERE kind NOT IN (6, 23)')\" = 0 ] && exit 0; sleep 0.1; done; exit 1"
eq "but kept both versions" \
    "$(sqlite3 "$T/relay.db" "SELECT group_concat(json_extract(body, '$.version')) FROM events WHERE kind = 23 ORDER BY seq")" "1,2"
eq "and both notes (the people's words)" \
    "$(sqlite3 "$T/relay.db" "SELECT count(*) FROM events WHERE kind = 6")" 2

snaps() { grep -c 'connected: snapshot' "$T/relay.log"; }
n=$(snaps)
cli fresh.db postmortem 1 --version 1 >"$T/fresh-v1.md" 2>"$T/fresh-v1.err"
eq "a fresh console: postmortem 1 --version 1 exits 0" "$?" 0
check "and prints v1's text" grep -q '^v1: a bad deploy$' "$T/fresh-v1.md"
eq "by a snapshot (past retention)" "$(snaps)" "$((n + 1))"
cli fresh.db export 1 >"$T/fresh-export.md" 2>/dev/null
check "its export has the notes (the tester's F-SNAPNOTES)" sh -c \
    "grep -q 'rolled back 4f2a' '$T/fresh-export.md' && grep -q 'v2 is the one to review' '$T/fresh-export.md'"

cli early.db postmortem 1 --version 1 >"$T/early-v1.md" 2>"$T/early-v1.err"
eq "the console that stopped before v1 exits 0" "$?" 0
check "and prints v1's text" grep -q '^v1: a bad deploy$' "$T/early-v1.md"
# what it lacked (v1, v2, the notes) was all kept: a replay, no hole
eq "by a replay (nothing after its position was pruned)" "$(snaps)" \
    "$((n + 1))"
check "its replay was never tried over a hole" \
    sh -c "! grep -q 'no longer in the relay.s log' '$T/relay.log'"

head_before=$(sqlite3 "$T/head.db" "SELECT value FROM meta WHERE key = 'cursor'")
sed 's/CheckoutErrors/PaymentsDown/g; s/checkout 5xx/payments down/g; s/c0ffee0123456789/feedface01234567/' \
    "$T/alert.json" > "$T/alert2.json"
eq "a new alert group after the prune" "$(post /hooks/alertmanager "$T/alert2.json")" 200
cli head.db list >"$T/head-list.txt" 2>&1
eq "the console at the head catches up" "$?" 0
check "by a replay" grep -q "console carol .*connected: replay from seq $head_before" "$T/relay.log"
check "and lists the new incident" grep -q '^ *2 .*payments down' "$T/head-list.txt"

# ---- (3) long versions: the history is split, no frame past its bound ----
for i in 3 4 5 6 7 8; do
	python3 -c 'import sys
print("# v%s" % sys.argv[1])
for j in range(1200): print("line %05d of a long review, quoted \"\\\" twice" % j)' "$i" > "$T/text"
	cli carol.db postmortem 1 --edit >/dev/null 2>&1 || fail "v$i not saved"
done
eq "six long versions saved" "$(sqlite3 "$T/relay.db" "SELECT count(*) FROM events WHERE kind = 23 AND length(body) > 50000")" 6
python3 - "$PORT" "$TOK_OPS" "$ROOT/tests/e2e" >"$T/frames" 2>&1 <<'PY'
import json, sys
sys.path.insert(0, sys.argv[3])
from ws import WS
c = WS(int(sys.argv[1]), sys.argv[2])
c.hello(user="carol")
m = c.recv()
print("welcome", m.get("mode"))
versions, frames, biggest = [], 0, 0
while True:
    m = c.recv(timeout=30)
    if m["type"] == "snapshot" and m.get("events"):
        frames += 1
        biggest = max(biggest, len(json.dumps(m, separators=(",", ":"))))
        versions += [e["version"] for e in m["events"] if e["kind"] == "postmortem"]
    elif m["type"] == "caught_up":
        break
print("versions", ",".join(map(str, sorted(versions))))
print("frames", frames, "biggest", biggest)
PY
check "a fresh console takes a snapshot" grep -q '^welcome snapshot$' "$T/frames"
check "with every version, once" grep -q '^versions 1,2,3,4,5,6,7,8$' "$T/frames"
frames=$(sed -n 's/^frames \([0-9]*\) .*/\1/p' "$T/frames")
biggest=$(sed -n 's/.* biggest \([0-9]*\)$/\1/p' "$T/frames")
check "in more than one frame ($frames)" test "${frames:-0}" -ge 2
check "none over 320 KiB ($biggest bytes)" test "${biggest:-999999999}" -le 327680

finish

#!/bin/sh
# A relay that cannot store an op answers with a transient "retry"; the
# console keeps the op queued (never FAILED) and sends it again with
# back-off, so the person's acknowledgement is delivered once the relay's
# store works again.  The store is made to fail for real (a trigger that
# aborts every insert into the log: that fails as root too).
. "$(dirname "$0")/lib.sh"
echo "relay + console: an op the relay cannot store stays queued and is retried"
make_tokens
start_relay || exit 1

code=$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")
eq "the alert is taken" "$code" 200

sqlite3 "$T/relay.db" "CREATE TRIGGER wr_test_fail BEFORE INSERT ON events
    BEGIN SELECT RAISE(ABORT, 'injected: disk trouble'); END;"

"$WARROOM" ack 1 --feed "$FEED" --token-file "$T/ops.token" --user alice \
    --db "$T/alice.db" --timeout 30 >"$T/ack.out" 2>"$T/ack.err" &
ACK=$!
PIDS="$PIDS $ACK"

check "the relay could not store the ack" \
    wait_for "$T/relay.log" "commit failed.*injected: disk trouble" 100
# Poll until the console has had its transient answer and sent the op
# again: at least two commits failed.
tries=0
while [ "$(grep -c 'commit failed' "$T/relay.log")" -lt 2 ] && [ $tries -lt 100 ]; do
	sleep 0.1
	tries=$((tries + 1))
done
check "the console sent the op again after a back-off" \
    [ "$(grep -c 'commit failed' "$T/relay.log")" -ge 2 ]
state=$(sqlite3 "$T/alice.db" "SELECT state FROM outbox" 2>/dev/null)
check "the op is still queued in the console's outbox, not FAILED (state '$state')" \
    [ "$state" = 0 -o "$state" = 1 ]
check "warroom ack is still waiting" kill -0 "$ACK" 2>/dev/null

sqlite3 "$T/relay.db" "DROP TRIGGER wr_test_fail;"
wait "$ACK"
eq "warroom ack exits 0 once the relay can store it" "$?" 0
check "and says it acknowledged #1" grep -q "acknowledged #1" "$T/ack.out"
eq "the op is done in the outbox" \
    "$(sqlite3 "$T/alice.db" "SELECT state FROM outbox")" 2
eq "the relay has incident 1 acknowledged by alice" \
    "$(sqlite3 "$T/relay.db" "SELECT state, ack_by FROM incidents WHERE id = 1")" "1|alice"
eq "exactly one acknowledged event" \
    "$(sqlite3 "$T/relay.db" "SELECT count(*) FROM events WHERE kind = 4")" 1

# Still failing when --timeout runs out: exit 75, queued, and why.
sqlite3 "$T/relay.db" "CREATE TRIGGER wr_test_fail BEFORE INSERT ON events
    BEGIN SELECT RAISE(ABORT, 'injected: disk trouble'); END;"
"$WARROOM" note 1 "still broken" --feed "$FEED" --token-file "$T/ops.token" \
    --user alice --db "$T/alice.db" --timeout 2 >"$T/note.out" 2>"$T/note.err"
eq "a note the relay cannot store within --timeout exits 75" "$?" 75
check "and says why, and that it is queued" \
    grep -q "could not take the note of #1.*could not store.*queued" "$T/note.err"
state=$(sqlite3 "$T/alice.db" "SELECT state FROM outbox WHERE kind = 5")
check "the note is queued, not FAILED (state '$state')" \
    [ "$state" = 0 -o "$state" = 1 ]
finish

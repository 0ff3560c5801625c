#!/bin/sh
# A console offline for a long time with many queued ops, some resent: one
# event per op id in the relay's log, in the order the ops were made; and
# the same op id with a different body is an error the console shows.
#
# The relay is down while alice makes hundreds of notes: one-shot
# `warroom note` commands (each exits 75: queued) and her interactive
# console under tmux, all on one console.db, at the same time.  The relay
# comes back with its log write-locked (a second connection holds BEGIN
# IMMEDIATE), so the console's ops reach the relay but cannot be stored;
# the console is killed with -9 while it is sending.  A second console
# starts with the log locked again and is stopped (SIGTERM) while sending.
# A third delivers the rest.  Then an op already delivered is given other
# text in the outbox (by hand, with the sqlite3 CLI) and queued again: the
# relay refuses it (op_conflict), the console shows the reason on its
# status line, marks the op failed and does not send it again.
. "$(dirname "$0")/../e2e/lib.sh"
echo "offline queue: hundreds of ops made offline, some resent, one event each, in order"
N_ONESHOT=${N_ONESHOT:-120}	# one-shot notes, 12 at a time
N_CONSOLE=${N_CONSOLE:-380}	# notes typed into the console
N=$((N_ONESHOT + N_CONSOLE))
tmux_init	# lib.sh: tm, cap, wait_row, start_console, pid_of, hold_lock
WAIT_TRIES=300	# 30 s for each wait on the screen
CONSOLE_ARGS="--backoff-cap 300"
CONSOLE_SIZE=160x40
# console WIN: alice's console in window WIN, its pid in CPID
console() {
	start_console "$1" alice ops.token
	CPID=$(pid_of "$1")
	PIDS="$PIDS $CPID"
}
op_events() {
	sqlite3 "$T/relay.db" "SELECT count(*) FROM events WHERE op_id IS NOT NULL"
}
# sent_in LOG: how many ops a console's log says it sent
sent_in() { grep -c 'feed: sending op ' "$1" 2>/dev/null; }

make_tokens
start_relay || exit 1
for n in 1 2 3 4 5; do
	cat > "$T/g$n.json" <<EOT
{"receiver":"warroom","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"Offline$n","service":"svc$n","severity":"warning"},"annotations":{"summary":"offline case $n"},"startsAt":"2026-11-27T15:50:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"$(printf '%016x' $n)"}],"groupLabels":{"alertname":"Offline$n"},"commonLabels":{"alertname":"Offline$n","severity":"warning"},"commonAnnotations":{},"externalURL":"http://vm:19093","version":"4","groupKey":"{}:{alertname=\"Offline$n\"}","truncatedAlerts":0}
EOT
	eq "incident $n posted" "$(post /hooks/alertmanager "$T/g$n.json")" 200
done
console c1
check "the console is LIVE" wait_row c1 '$' '^ LIVE +as alice'
stop_relay
check "the relay is down: the console says OFFLINE" wait_row c1 '$' '^ OFFLINE'

# ---- offline: one-shot notes and typed notes, at the same time ------------
(
	i=0
	while [ $i -lt "$N_ONESHOT" ]; do
		j=0
		while [ $j -lt 12 ] && [ $i -lt "$N_ONESHOT" ]; do
			i=$((i + 1)) j=$((j + 1))
			( "$WARROOM" note $((i % 5 + 1)) "one-shot note $i" --feed "$FEED" \
			    --token-file "$T/ops.token" --user alice --db "$T/alice.db" \
			    --timeout 1 >/dev/null 2>>"$T/oneshot.err"
			  echo $? >> "$T/oneshot.codes" ) &
		done
		wait
	done
) &
ONESHOTS=$!
tm send-keys -t "$SESS:c1" -l ":#1"
tm send-keys -t "$SESS:c1" Enter
i=0
while [ $i -lt "$N_CONSOLE" ]; do
	keys=""
	set --
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ $i -lt "$N_CONSOLE" ] || break
		i=$((i + 1))
		set -- "$@" n "console note $i" Enter
	done
	tm send-keys -t "$SESS:c1" "$@"
done
wait "$ONESHOTS"
eq "every one-shot note exited 75 (queued)" \
    "$(grep -c '^75$' "$T/oneshot.codes")" "$N_ONESHOT"
check "and said it is queued" grep -q 'queued' "$T/oneshot.err"
check "the console counts all $N queued, its own and the one-shots'" \
    wait_row c1 '$' "^ OFFLINE.* $N queued( |\$)" 600
eq "the outbox holds $N ops" "$(sqlite3 "$T/alice.db" "SELECT count(*) FROM outbox WHERE state IN (0, 1)")" "$N"

# ---- back online, the log locked: kill -9 while sending -------------------
drain_start=$(date +%s%N)
start_relay || exit 1
check "the relay's log is write-locked" hold_lock 4
for _ in $(seq 1 300); do [ "$(sent_in "$T/c1.log")" -gt 0 ] && break; sleep 0.1; done
check "the console is sending its ops" [ "$(sent_in "$T/c1.log")" -gt 0 ]
kill -9 "$CPID"
eq "the console died of SIGKILL while sending" "$(wait_exit c1)" 137
release_lock
sent1=$(sent_in "$T/c1.log")
# (what the relay got before the kill, it stores now)
for _ in $(seq 1 100); do
	a=$(op_events); sleep 0.2; [ "$(op_events)" = "$a" ] && break
done
at_kill=$(op_events)
echo "  note: the first console sent $sent1 ops; the relay stored $at_kill of $N"
check "the delivery was cut short ($at_kill of $N stored)" [ "$at_kill" -lt "$N" ]

# ---- a second console, stopped while sending ------------------------------
check "the relay's log is write-locked again" hold_lock 4
console c2
for _ in $(seq 1 300); do [ "$(sent_in "$T/c2.log")" -gt 0 ] && break; sleep 0.1; done
check "the second console is sending" [ "$(sent_in "$T/c2.log")" -gt 0 ]
kill -TERM "$CPID"
c2=$(wait_exit c2)
release_lock
check "it stopped ($c2) while sending" [ -n "$c2" ]
sent2=$(sent_in "$T/c2.log")
for _ in $(seq 1 100); do
	a=$(op_events); sleep 0.2; [ "$(op_events)" = "$a" ] && break
done
at_stop=$(op_events)
echo "  note: the second console sent $sent2 ops; the relay has stored $at_stop of $N"

# ---- a third delivers the rest ---------------------------------------------
c3_start=$(date +%s%N)
console c3
check "the third console is LIVE" wait_row c3 '$' '^ LIVE +as alice'
for _ in $(seq 1 600); do
	[ "$(sqlite3 "$T/alice.db" "SELECT count(*) FROM outbox WHERE state IN (0, 1)")" = 0 ] && break
	sleep 0.1
done
drain_ms=$(( ($(date +%s%N) - drain_start) / 1000000 ))
c3_ms=$(( ($(date +%s%N) - c3_start) / 1000000 ))
c3_left=$((N - at_stop))
eq "the outbox is drained: every op delivered" \
    "$(sqlite3 "$T/alice.db" "SELECT count(*) FROM outbox WHERE state <> 2")" 0
check "the console's queued count is gone" wait_row_gone c3 '$' ' [0-9]+ queued( |$)'
sent3=$(sent_in "$T/c3.log")
eq "the relay's log has $N op events" "$(op_events)" "$N"
eq "one event per op id" \
    "$(sqlite3 "$T/relay.db" "SELECT count(*) FROM (SELECT op_id FROM events WHERE op_id IS NOT NULL GROUP BY op_id HAVING count(*) > 1)")" 0
eq "every op of the outbox has its event" \
    "$(sqlite3 "$T/relay.db" "ATTACH '$T/alice.db' AS c; SELECT count(*) FROM c.outbox o WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.op_id = o.op_id)")" 0
eq "with the op's own text" \
    "$(sqlite3 "$T/relay.db" "ATTACH '$T/alice.db' AS c; SELECT count(*) FROM c.outbox o JOIN events e ON e.op_id = o.op_id WHERE json_extract(e.body, '\$.text') IS NOT json_extract(o.args, '\$.text') OR e.incident <> o.incident")" 0
eq "in the order they were made (no two events out of the outbox's order)" \
    "$(sqlite3 "$T/relay.db" "ATTACH '$T/alice.db' AS c; CREATE TEMP TABLE m AS SELECT e.seq, o.ord FROM events e JOIN c.outbox o ON o.op_id = e.op_id; SELECT count(*) FROM m a JOIN m b ON a.seq < b.seq AND a.ord > b.ord")" 0
resent=$((sent1 + sent2 + sent3 - N))
echo "  note: ops sent $((sent1 + sent2 + sent3)) times in all ($sent1 + $sent2 + $sent3), $resent resends"

# ---- the same op id with another body -------------------------------------
kill -TERM "$CPID"
wait_exit c3 >/dev/null
X=$(sqlite3 "$T/alice.db" "SELECT op_id FROM outbox WHERE kind = 5 ORDER BY ord LIMIT 1 OFFSET 9")
# (an op's text is in its JSON args since the outbox's schema 4)
XT=$(sqlite3 "$T/alice.db" "SELECT json_extract(args, '\$.text') FROM outbox WHERE op_id = '$X'")
sqlite3 "$T/alice.db" "UPDATE outbox SET args = json_set(args, '\$.text', 'not what was said'), state = 0, seq = 0 WHERE op_id = '$X'"
console c4
check "the console shows the op refused, and why, on its status line" \
    wait_row c4 '$' "refused: its op id was used before for another op"
eq "the op is marked failed in the outbox" \
    "$(sqlite3 "$T/alice.db" "SELECT state FROM outbox WHERE op_id = '$X'")" 3
check "with the reason" sh -c "sqlite3 '$T/alice.db' \"SELECT error FROM outbox WHERE op_id = '$X'\" | grep -q 'op id was used before'"
eq "the relay still has one event for that op id" \
    "$(sqlite3 "$T/relay.db" "SELECT count(*) FROM events WHERE op_id = '$X'")" 1
eq "with the text first sent" \
    "$(sqlite3 "$T/relay.db" "SELECT json_extract(body, '\$.text') FROM events WHERE op_id = '$X'")" "$XT"
check "the relay says op_conflict in the console's log" grep -q "op $X: refused: its op id was used before" "$T/c4.log"
# not retried: the console reconnects after a relay restart and does not
# send it again
stop_relay
check "the relay is down again: OFFLINE" wait_row c4 '$' '^ OFFLINE'
start_relay || exit 1
check "LIVE again" wait_row c4 '$' '^ LIVE +as alice'
eq "the refused op was sent once, not again on the new connection" \
    "$(grep -c "feed: sending op $X" "$T/c4.log")" 1
eq "nothing is queued" "$(sqlite3 "$T/alice.db" "SELECT count(*) FROM outbox WHERE state IN (0, 1)")" 0
eq "and the relay's log still has $N op events" "$(op_events)" "$N"
echo "  figure offline-queue ops: $N queued offline ($N_ONESHOT by one-shot commands, exit 75; $N_CONSOLE typed in the console)"
echo "  figure offline-queue events: $(op_events) op events for $N op ids (sent $((sent1 + sent2 + sent3)) times: $resent resends, after a kill -9 and a SIGTERM mid-delivery)"
echo "  figure offline-queue drain: ${drain_ms} ms from the relay's restart to an empty outbox (two consoles stopped while sending, with the log locked); the third console, from its start, ${c3_ms} ms for the last $c3_left"
finish

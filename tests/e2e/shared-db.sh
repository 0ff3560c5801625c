#!/bin/sh
# Several warrooms on one console database, as on a shared jump-host
# account: three consoles under tmux (two of them the same person in two
# windows) and a one-shot `warroom ack`, all with the same --db, against a
# real warroomd with alerts posted by curl.  Every console shows the ack
# and a later incident; none reconnects (one connection in each log, where
# the second console used to fail with "UNIQUE constraint failed:
# events.seq" and reconnect every 130-250 ms for ever); the file holds
# each event of the relay's log once, and its cursor is the relay's head;
# the one-shot's op is done in the shared outbox, so no console counts it
# queued (or asks about it on q).
# About 5 s; every wait is bounded (15 s at most).
. "$(dirname "$0")/lib.sh"
echo "shared-db: three consoles and a one-shot ack on one console.db"
tmux_init	# lib.sh: tm, cap, wait_screen, wait_row_gone, start_console
DB="$T/xdg-data/warroom/console.db"
# every console on the default database (the one XDG_DATA_HOME names)
CONSOLE_DB=
CONSOLE_ARGS="--backoff-cap 300"
row() { # row ID SEV STATE TAIL: an ERE for that list row
	printf '^ #%s +%s +%s +[0-9]+[smhd] .* [0-9]+/[0-9]+%s$' "$1" "$2" "$3" "$4"
}
# connections WIN: how many times WIN's console connected
connections() { grep -c 'CONNECTING: connecting to' "$T/$1.log"; }
sql() { sqlite3 "$DB" "$1"; }

make_tokens
start_relay || exit 1
eq "an incident posted" "$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")" 200

WINS="alice alice2 bob"
start_console alice alice ops.token
start_console alice2 alice ops.token
start_console bob bob bob.token
for w in $WINS; do
	check "$w's console shows #1" wait_screen $w "$(row 1 WARN triggered '')"
done

XDG_DATA_HOME="$T/xdg-data" XDG_CONFIG_HOME="$T/xdg-config" \
    "$WARROOM" --feed "$FEED" --token-file "$T/ops.token" --user carol \
    ack 1 >"$T/ack.out" 2>"$T/ack.err"
eq "the one-shot ack on the same file exits 0" "$?" 0
for w in $WINS; do
	check "$w's console shows the ack" \
	    wait_screen $w "$(row 1 WARN acknowledged ' +carol')"
done

eq "a later incident posted" "$(post /hooks/alertmanager "$FIX/alertmanager/unicode-labels.json")" 200
for w in $WINS; do
	check "$w's console shows #2" wait_screen $w '^ #2 '
done
for w in $WINS; do
	check "$w's console is LIVE" wait_screen $w '^ LIVE '
	# the one-shot's op is in the shared outbox: done, not "1 queued"
	check "$w's console has no op queued" wait_row_gone $w '$' 'queued'
done

for w in $WINS; do
	eq "$w's console connected once (no reconnection loop)" \
	    "$(connections $w)" 1
	eq "$w's log has no failed save" \
	    "$(grep -c 'cannot save\|UNIQUE' "$T/$w.log")" 0
done
HEAD=$(head_seq)
eq "the file holds each event once: all of the relay's $HEAD" \
    "$(sql 'SELECT count(*), count(DISTINCT seq), max(seq) FROM events')" \
    "$HEAD|$HEAD|$HEAD"
eq "its cursor is the relay's head" \
    "$(sql "SELECT value FROM meta WHERE key = 'cursor'")" "$HEAD"
eq "the ack's op is done, once" \
    "$(sql 'SELECT count(*) FROM outbox WHERE state = 2')" 1
eq "the incident is acknowledged by carol in the file" \
    "$(sql 'SELECT ack_by FROM incidents WHERE id = 1')" carol

for w in $WINS; do
	tm send-keys -t "$SESS:$w" q
done
for w in $WINS; do
	eq "$w's console exits 0 on q" "$(wait_exit $w)" 0
done
finish

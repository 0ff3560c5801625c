#!/bin/sh
# The console killed with -9 right after its screen showed an op as saved:
# the op is delivered exactly once after the console restarts, never lost.
# The real console under tmux, as tests/e2e/console.sh drives it; for each
# of ack, note and resolve, twice: once while the relay is down (the op
# cannot have gone out; the restarted console shows it queued and delivers
# it when the relay is back), once while the relay is up (the op may or may
# not have gone out before the kill; the restarted console must not apply
# it a second time).  The screen is polled for "KIND #N: queued" (or
# ": done") on the status line, and the kill follows at once.  Exactly once
# is counted in the relay's log: one event carrying the op's id, of the
# op's kind, on its incident.
. "$(dirname "$0")/../e2e/lib.sh"
echo "console kill -9 right after an op is shown saved: delivered exactly once"
tmux_init	# lib.sh: tm, cap, wait_screen, wait_row, start_console, pid_of
WAIT_TRIES=200	# 20 s for each wait on the screen
CONSOLE_ARGS="--backoff-cap 300"

make_tokens
start_relay || exit 1
# nine incidents, #1..#9, one per group
for n in 1 2 3 4 5 6 7 8 9; do
	cat > "$T/g$n.json" <<EOT
{"receiver":"warroom","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"Kill9Case$n","service":"svc$n","severity":"warning"},"annotations":{"summary":"kill -9 case $n"},"startsAt":"2026-11-27T15:50:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"$(printf '%016x' $n)"}],"groupLabels":{"alertname":"Kill9Case$n"},"commonLabels":{"alertname":"Kill9Case$n","severity":"warning"},"commonAnnotations":{},"externalURL":"http://vm:19093","version":"4","groupKey":"{}:{alertname=\"Kill9Case$n\"}","truncatedAlerts":0}
EOT
	eq "incident $n posted" "$(post /hooks/alertmanager "$T/g$n.json")" 200
done

WIN=0
KILLS=0
OUT_BEFORE=0
HELD_STORED=0
OPS=""		# "KIND:INCIDENT" of every op made, in order
restart() {
	WIN=$((WIN + 1))
	start_console "c$WIN" alice ops.token
	CPID=$(pid_of "c$WIN")
	PIDS="$PIDS $CPID"
}

# act KIND ID: select #ID and make the op, as a person does
act() {
	tm send-keys -t "$SESS:c$WIN" -l ":#$2"
	tm send-keys -t "$SESS:c$WIN" Enter
	wait_screen "c$WIN" "^ #$2  kill -9 case $2" || return 1
	case $1 in
	acknowledge) tm send-keys -t "$SESS:c$WIN" a ;;
	note)
		tm send-keys -t "$SESS:c$WIN" n
		wait_row "c$WIN" '$' "^note on #$2:" || return 1
		tm send-keys -t "$SESS:c$WIN" -l "kill -9 note on $2"
		tm send-keys -t "$SESS:c$WIN" Enter ;;
	resolve)
		tm send-keys -t "$SESS:c$WIN" r
		wait_row "c$WIN" '$' "^resolve #$2 .*y/n" || return 1
		tm send-keys -t "$SESS:c$WIN" y ;;
	esac
}

# case_ MODE KIND ID: the op, shown saved, then kill -9 at once; the
# restarted console delivers it.  MODE down: with the relay down.
case_() {
	mode=$1 kind=$2 id=$3 word=$2
	[ "$kind" = acknowledge ] && word=ack
	check "$mode: $word #$id is made" act "$kind" "$id"
	# the status line says the op is saved: queued (or, live, done)
	if [ "$mode" = held ]; then
		check "held: the screen shows $word #$id queued" \
		    wait_row "c$WIN" '$' "$word #$id: queued"
	else
		check "$mode: the screen shows $word #$id saved" \
		    wait_row "c$WIN" '$' "$word #$id: (queued|done)"
	fi
	kill -9 "$CPID"
	[ "$mode" = held ] && release_lock
	KILLS=$((KILLS + 1))
	OPS="$OPS $kind:$id"
	eq "$mode: the console died of SIGKILL" "$(wait_exit "c$WIN")" 137
	eq "$mode: the op is in the outbox (saved means committed)" \
	    "$(sqlite3 "$T/alice.db" "SELECT count(*) FROM outbox WHERE incident = $id")" 1
	if [ "$mode" = down ]; then
		eq "down: nothing of it reached the relay" \
		    "$(sqlite3 "$T/relay.db" "SELECT count(*) FROM events WHERE incident = $id AND op_id IS NOT NULL")" 0
		restart
		check "down: the restarted console shows it queued, OFFLINE" \
		    wait_row "c$WIN" '$' '^ (OFFLINE|CONNECTING).* 1 queued( |$)'
		start_relay || return 1
	elif [ "$mode" = held ]; then
		eq "held: the console had no answer for it" \
		    "$(sqlite3 "$T/alice.db" "SELECT state <> 2 FROM outbox WHERE incident = $id")" 1
		# the relay stores it once the lock is gone (or, past its busy
		# timeout, fails the commit and stores nothing): either way the
		# restarted console's resend must make it exactly one event
		for _ in $(seq 1 100); do
			[ "$(sqlite3 "$T/relay.db" "SELECT count(*) FROM events WHERE incident = $id AND op_id IS NOT NULL")" = 1 ] && break
			sleep 0.1
		done
		if [ "$(sqlite3 "$T/relay.db" "SELECT count(*) FROM events WHERE incident = $id AND op_id IS NOT NULL")" = 1 ]; then
			HELD_STORED=$((HELD_STORED + 1))
			echo "  note: the relay stored $word #$id from the dead console; the restarted console resends it"
		else
			echo "  note: the relay's commit of $word #$id failed (busy); the restarted console sends it"
		fi
		restart
	else
		# whether it got out before the kill is up to the kernel
		if [ "$(sqlite3 "$T/relay.db" "SELECT count(*) FROM events WHERE incident = $id AND op_id IS NOT NULL")" = 1 ]; then
			OUT_BEFORE=$((OUT_BEFORE + 1))
			st=$(sqlite3 "$T/alice.db" "SELECT CASE state WHEN 2 THEN 'had its answer recorded' ELSE 'had no answer recorded' END FROM outbox WHERE incident = $id")
			echo "  note: $word #$id reached the relay before the kill, and the console $st; the restarted console must not apply it again"
		else
			echo "  note: $word #$id had not reached the relay at the kill; the restarted console sends it"
		fi
		restart
	fi
	check "$mode: the restarted console is LIVE" wait_row "c$WIN" '$' '^ LIVE +as alice'
	check "$mode: and its outbox empties" wait_row_gone "c$WIN" '$' ' [0-9]+ queued( |$)'
}

restart
check "the console is LIVE" wait_row c1 '$' '^ LIVE +as alice'
check "it shows the nine incidents" wait_screen c1 '^ #9 +WARN +triggered'
# ---- the relay down: the op cannot have gone out ---------------------------
for c in "acknowledge 1" "note 2" "resolve 3"; do
	stop_relay
	check "down: the console says OFFLINE" wait_row "c$WIN" '$' '^ OFFLINE'
	case_ down $c
done
# ---- the relay up: the op may be in flight when the console dies ----------
for c in "acknowledge 4" "note 5" "resolve 6"; do
	case_ up $c
done

# ---- the relay up but its log write-locked: the op is in the relay, not
# yet stored or answered, when the console dies --------------------------
# (hold_lock: a second connection holds BEGIN IMMEDIATE on relay.db; the
# relay's commit waits for it, up to its busy timeout; the lock goes once
# the console is dead, so the relay stores the op and answers a closed
# socket)
for c in "acknowledge 7" "note 8" "resolve 9"; do
	check "held: the relay's log is write-locked" hold_lock
	case_ held $c
done

# Every op once in the relay's log, with its id, kind and incident; and
# the console's outbox has every op settled.
stop_relay
sqlite3 "$T/alice.db" "SELECT op_id, incident FROM outbox ORDER BY ord" > "$T/ops"
eq "the outbox holds the $KILLS ops made" "$(wc -l < "$T/ops" | tr -d ' ')" "$KILLS"
eq "and has every one settled (delivered)" \
    "$(sqlite3 "$T/alice.db" "SELECT count(*) FROM outbox WHERE state <> 2")" 0
once=0
while IFS='|' read -r op id; do
	n=$(sqlite3 "$T/relay.db" "SELECT count(*) FROM events WHERE op_id = '$op'")
	k=$(sqlite3 "$T/relay.db" "SELECT kind || ':' || incident FROM events WHERE op_id = '$op'")
	# (the op's kind, as the event kind it makes: ack 1 -> acknowledged
	# 4, resolve 3 -> resolved 7, note 5 -> note 6; core/model.h)
	want=$(sqlite3 "$T/alice.db" "SELECT CASE kind WHEN 1 THEN 4 WHEN 3 THEN 7 WHEN 5 THEN 6 END || ':' || incident FROM outbox WHERE op_id = '$op'")
	eq "op on #$id: one event in the relay's log" "$n" 1
	eq "op on #$id: of its kind, on its incident" "$k" "$want"
	[ "$n" = 1 ] && [ "$k" = "$want" ] && once=$((once + 1))
done < "$T/ops"
eq "the relay's log has no other op events" \
    "$(sqlite3 "$T/relay.db" "SELECT count(*) FROM events WHERE op_id IS NOT NULL")" "$KILLS"
eq "#1, #4, #7 acknowledged, #3, #6, #9 resolved, by alice" \
    "$(sqlite3 "$T/relay.db" "SELECT group_concat(id || '=' || state || ':' || coalesce(ack_by, resolved_by, '-'), ' ') FROM (SELECT * FROM incidents ORDER BY id)")" \
    "1=1:alice 2=0:- 3=2:alice 4=1:alice 5=0:- 6=2:alice 7=1:alice 8=0:- 9=2:alice"
eq "#2, #5, #8 have their note, once" \
    "$(sqlite3 "$T/relay.db" "SELECT group_concat(incident, ' ') FROM (SELECT incident FROM events WHERE body LIKE '%kill -9 note on%' ORDER BY incident)")" "2 5 8"
echo "  figure console-kill9: $KILLS kills -9 right after the op was shown saved (3 with the relay down, 3 with it up, of which $OUT_BEFORE had been answered, 3 with the op in the relay, its commit held by a lock, of which $HELD_STORED stored before the restart); $once of $KILLS ops delivered exactly once"
finish

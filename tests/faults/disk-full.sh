#!/bin/sh
# Full disks.  The relay's database on a small file system of its own (a
# tmpfs the test mounts; CI runs as root), filled up with the database in
# place: posts are answered 5xx once a commit cannot be written (never a
# 2xx for what was not stored, never a crash), nothing of them is stored,
# the relay stays up; with space back, the same delivery posted again is
# stored exactly once.  An ack made meanwhile by a console is answered as
# a transient error, stays queued in the console's outbox and is sent
# again with back-off, then delivered exactly once when space returns.
# Then the console's own database on a full file system: the ack is
# refused with an error on the screen (and a one-shot's on stderr, exit
# 74), never shown as queued or saved; the feed's copy that cannot be
# saved is said to be this console's failure (a one-shot exits 74 at
# once); with space back it catches up and the ack goes through.
# Figures: posts taken before the first 5xx, how often the op was sent
# again while the disk was full, how long it took to be delivered after.
. "$(dirname "$0")/../e2e/lib.sh"
echo "disk-full: the relay's and the console's databases on full file systems"
RFS="$T/relay-fs"
CFS="$T/console-fs"
tmux_init	# lib.sh: tm, cap, wait_screen, start_console
WAIT_TRIES=200	# 20 s for each wait on the screen
on_exit 'umount "$RFS" 2>/dev/null; umount "$CFS" 2>/dev/null'

mkdir -p "$RFS" "$CFS"
for fs in "$RFS" "$CFS"; do
	if ! mount -t tmpfs -o size=4m tmpfs "$fs" 2>"$T/mount.err"; then
		# the fallback: a loop-mounted ext4 image
		truncate -s 8m "$fs.img" && mkfs.ext4 -q -F "$fs.img" \
		    >>"$T/mount.err" 2>&1 && mount -o loop "$fs.img" "$fs" \
		    2>>"$T/mount.err" && continue
		fail "cannot mount a small file system (needs root): $(tr '\n' ' ' < "$T/mount.err")"
		finish
		exit 1
	fi
done
# fill FS: take every free block (the database stays in place)
fill() {
	dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null
	sync
	[ "$(df --output=avail "$1" | tail -1 | tr -d ' ')" -eq 0 ]
}
unfill() { rm -f "$1/filler"; }

make_tokens
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
FEED="ws://127.0.0.1:$PORT/feed"
"$WARROOMD" --listen "127.0.0.1:$PORT" --db "$RFS/relay.db" \
    --tokens "$T/tokens" --heartbeat 1000 >>"$T/relay.log" 2>&1 &
RELAY_PID=$!
PIDS="$PIDS $RELAY_PID"
for _ in $(seq 1 200); do
	curl -fs "$URL/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
eq "incident #1 posted" "$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")" 200
eq "incident #2 posted" "$(post /hooks/alertmanager "$FIX/alertmanager/unicode-labels.json")" 200

# ev2 N: an Events v2 trigger of its own incident, "full N"
ev2() {
	printf '{"routing_key":"%s","event_action":"trigger","dedup_key":"full-%s","payload":{"summary":"full %s","source":"db-%s","severity":"critical"}}' \
	    "$TOK_AM" "$1" "$1" "$1" > "$T/ev2.$1.json"
	echo "$T/ev2.$1.json"
}
# titles FILE: how many incidents of the console's list are titled $2
titled() {
	python3 -c 'import json,sys; print(sum(1 for i in json.load(open(sys.argv[1])) if i["title"] == sys.argv[2]))' "$1" "$2"
}
list_json() { # list_json DB OUT
	"$WARROOM" list --json --feed "$FEED" --token-file "$T/ops.token" \
	    --db "$1" --timeout 30 >"$2" 2>>"$T/list.err"
}

# ---- the relay's disk full ------------------------------------------------
check "the relay's file system is full" fill "$RFS"
n=0; code=200; taken=0
while [ "$n" -lt 400 ]; do
	n=$((n + 1))
	before=$(head_seq)
	code=$(post /v2/enqueue "$(ev2 "$n")")
	case $code in 2*) taken=$((taken + 1)); continue;; esac
	break
done
FAILED=$n
echo "  figure disk-full posts taken (stored) on the full disk before the first 5xx: $taken"
case $code in
5*) ok "a post that cannot be stored is answered 5xx ($code, after $taken taken)";;
*) fail "a post on the full disk: got '$code' after $n posts, want a 5xx";;
esac
check "the relay is still up" alive "$RELAY_PID"
eq "and answers /healthz" "$(curl -fs -o /dev/null -w '%{http_code}' "$URL/healthz")" 200
eq "nothing of it was stored (the head did not move)" "$(head_seq)" "$before"
code2=$(post /v2/enqueue "$T/ev2.$FAILED.json")
eq "the same delivery again while full: 5xx again" "${code2%??}" 5

# An ack made in a console meanwhile: transient, queued, sent again.
ACKDB="$T/ack-console.db"
"$WARROOM" ack 1 --feed "$FEED" --token-file "$T/ops.token" --user alice \
    --db "$ACKDB" --timeout 120 --log "$T/ack.log" >"$T/ack.out" 2>"$T/ack.err" &
ACK_PID=$!
PIDS="$PIDS $ACK_PID"
retries() { cat "$T/ack.log" 2>/dev/null | grep -c 'could not take it now'; }
wait_retries() { # until the op was answered "retry" $1 times (30 s)
	for _ in $(seq 1 300); do
		[ "$(retries)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
check "the relay answers the ack as a transient error, and it is sent again" \
    wait_retries 3
check "the one-shot ack still waits" alive "$ACK_PID"
eq "the ack is queued in the console's outbox" \
    "$(sqlite3 "$ACKDB" 'SELECT count(*) FROM outbox WHERE state IN (0, 1)')" 1
eq "and not in the relay's log" \
    "$(sqlite3 "$RFS/relay.db" 'SELECT count(*) FROM events WHERE kind = 4')" 0
OPID=$(sqlite3 "$ACKDB" 'SELECT op_id FROM outbox')
echo "  figure disk-full the ack sent again while the disk was full: $(retries) times"

# Space again.
unfill "$RFS"
freed=$(date +%s.%N)
code3=$(post /v2/enqueue "$T/ev2.$FAILED.json")
eq "with space back the same delivery is taken" "${code3%??}" 2
code4=$(post /v2/enqueue "$T/ev2.$FAILED.json")
eq "and again (a sender that did not see the answer)" "${code4%??}" 2
acked=""
for _ in $(seq 1 600); do
	alive "$ACK_PID" || { wait "$ACK_PID"; acked=$?; break; }
	sleep 0.1
done
done_at=$(date +%s.%N)
eq "the one-shot ack is delivered and exits 0" "$acked" 0
echo "  figure disk-full the ack delivered after space returned: $(echo "$done_at - $freed" | bc | sed 's/^\./0./') s"
eq "the ack is in the relay's log exactly once, with its op id" \
    "$(sqlite3 "$RFS/relay.db" "SELECT count(*) FROM events WHERE kind = 4 AND incident = 1 AND op_id = '$OPID'") $(sqlite3 "$RFS/relay.db" 'SELECT count(*) FROM events WHERE kind = 4')" "1 1"
eq "the console's outbox says done" \
    "$(sqlite3 "$ACKDB" "SELECT state FROM outbox WHERE op_id = '$OPID'")" 2
list_json "$T/check.db" "$T/list.json"
eq "the delivery refused while full is stored exactly once" \
    "$(titled "$T/list.json" "full $FAILED")" 1
eq "every delivery taken while full is there once" \
    "$(python3 -c 'import json,sys; t=[i["title"] for i in json.load(open(sys.argv[1]))]; print(all(t.count("full %d" % k) == 1 for k in range(1, int(sys.argv[2]) + 1)))' "$T/list.json" "$FAILED")" True
eq "relay log: integrity_check" "$(sqlite3 "$RFS/relay.db" 'PRAGMA integrity_check')" ok
eq "relay log: seqs 1..head, contiguous" \
    "$(sqlite3 "$RFS/relay.db" 'SELECT min(seq) = 1 AND count(*) = max(seq) FROM events') $(sqlite3 "$RFS/relay.db" 'SELECT max(seq) FROM events')" \
    "1 $(head_seq)"

# ---- the console's own disk full -----------------------------------------
CDB="$CFS/console.db"
CONSOLE_DB=$CDB CONSOLE_SIZE=120x30
start_console con bob ops.token --backoff-cap 300
check "the console shows #2, triggered" wait_screen con '^ #2 .* triggered '
check "and is LIVE" wait_screen con '^ LIVE '
check "the console's file system is full" fill "$CFS"
tm send-keys -t "$SESS:con" ':ack 2' Enter
check "the ack is refused on the screen, naming the file" \
    wait_screen con "could not queue ack of #2: .*$(basename "$CFS")/console.db"
check "never shown as queued" sh -c "! grep -Eq 'ack #2: queued|[0-9]+ queued' '$T/scr.con'"
check "#2 is still triggered" grep -Eq '^ #2 .* triggered ' "$T/scr.con"
eq "nothing is in the outbox" "$(sqlite3 "$CDB" 'SELECT count(*) FROM outbox')" 0

"$WARROOM" ack 2 --feed "$FEED" --token-file "$T/ops.token" --user bob \
    --db "$CDB" --timeout 20 >"$T/ack2.out" 2>"$T/ack2.err"
eq "a one-shot ack on the full console file exits 74" "$?" 74
check "saying why, naming the file ($(head -1 "$T/ack2.err"))" \
    grep -qF "$CDB" "$T/ack2.err"
eq "and nothing is in the outbox" "$(sqlite3 "$CDB" 'SELECT count(*) FROM outbox')" 0
check "the console is still running" test ! -e "$T/con.exit"

# The feed's copy cannot be saved either: said on the screen as this
# console's own failure (it once read "the relay could not resume this
# console"), and what was not saved is not shown.
tm send-keys -t "$SESS:con" Escape
eq "an incident posted while the console's disk is full" \
    "$(post /v2/enqueue "$(ev2 console)")" 202
check "the console says it cannot save the feed, naming the file" \
    wait_screen con "cannot save the feed: .*$(basename "$CFS")/console.db"
check "and does not blame the relay" \
    sh -c "! grep -q 'the relay could not resume' '$T/scr.con'"
check "and does not show what it could not save" \
    sh -c "! grep -q 'full console' '$T/scr.con'"
# A one-shot on the same file meets the same failure: the local file
# (74, at once), not a relay out of reach (75 after --timeout).
t0=$(date +%s)
"$WARROOM" list --feed "$FEED" --token-file "$T/ops.token" --db "$CDB" \
    --timeout 20 >/dev/null 2>"$T/list-save.err"
eq "a one-shot list that cannot save the feed exits 74" "$?" 74
check "saying so, naming the file ($(head -1 "$T/list-save.err" | cut -c1-100))" \
    grep -qF "cannot save the feed: $CDB" "$T/list-save.err"
check "without waiting for --timeout" test $(( $(date +%s) - t0 )) -lt 15

unfill "$CFS"
check "with space back the console has the incident" \
    wait_screen con '^ #[0-9]+ .* full console'
check "and is LIVE again" wait_screen con '^ LIVE '
tm send-keys -t "$SESS:con" Escape ':ack 2' Enter
check "the ack is taken" wait_screen con '^ #2 .* acknowledged .*bob'
eq "once" "$(sqlite3 "$RFS/relay.db" 'SELECT count(*) FROM events WHERE kind = 4 AND incident = 2')" 1
tm send-keys -t "$SESS:con" ':q' Enter
eq "the console exits 0" "$(wait_exit con)" 0

# Closed, the file has no -shm; on a full disk SQLite cannot make one and
# says only "disk I/O error": the message says the disk is full.
check "the console's file system is full again" fill "$CFS"
"$WARROOM" list --feed "$FEED" --token-file "$T/ops.token" --db "$CDB" \
    --timeout 20 >/dev/null 2>"$T/list-full.err"
eq "a one-shot list on it exits 74" "$?" 74
check "saying the file system is full ($(head -1 "$T/list-full.err"))" \
    sh -c "grep -F '$CDB' '$T/list-full.err' | grep -qF '(the file system of $CFS is full)'"
finish

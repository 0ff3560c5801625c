#!/bin/sh
# Times people trust: an ack made while the relay is down says when the
# person made it.  With the relay stopped, the one-shot `warroom ack`
# queues the op (exit 75) and its made_at is then; the relay comes back
# LAG seconds later (that wait is the lag being measured, kept just over
# the console's threshold for "delivered ... later", 10 s) and the real
# console in tmux, on the same file, delivers it.  The event's time is the
# arrival, its made_at LAG seconds before; `warroom tail --json` shows
# both, `warroom tail` says "delivered ... later", list --json's ack_at is
# the made_at, the console's timeline
# shows when alice acted and "delivered 12s later", and export's time to
# acknowledge is measured to the made_at.  Every other wait is a bounded
# poll.
. "$(dirname "$0")/lib.sh"
echo "made-at: an ack made offline keeps its time; the timeline says it came late"
tmux_init	# lib.sh: tm, cap, wait_screen, start_console
LAG=12
CONSOLE_SIZE=220x30	# wide: the timeline's rows are not cut
now_ms() { python3 -c 'import time; print(int(time.time() * 1000))'; }
ops() { # the one-shot commands, as alice on alice.db
	"$WARROOM" "$@" --feed "$FEED" --token-file "$T/ops.token" \
	    --user alice --db "$T/alice.db"
}

make_tokens
start_relay || exit 1
eq "an incident posted" \
    "$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")" 200
ops list --timeout 10 >/dev/null 2>&1
eq "alice's copy has it" "$?" 0

stop_relay
before=$(now_ms)
ops ack 1 --timeout 1 >"$T/ack.out" 2>"$T/ack.err"
eq "with the relay down, warroom ack exits 75" "$?" 75
after=$(now_ms)
eq "and the ack is queued in alice's outbox" \
    "$(sqlite3 "$T/alice.db" "SELECT count(*) FROM outbox WHERE state = 0")" 1
made=$(sqlite3 "$T/alice.db" "SELECT created FROM outbox")
check "the outbox says when the command ran ($before <= $made <= $after)" \
    test "$made" -ge "$before" -a "$made" -le "$after"
sleep "$LAG"	# the delivery lag itself: what this test measures

start_relay || exit 1
"$WARROOM" tail --json --feed "$FEED" --token-file "$T/bob.token" \
    --user bob --db "$T/tail.db" >"$T/tail.json" 2>"$T/tail.err" &
TAIL=$!
PIDS="$PIDS $TAIL"
start_console alice alice ops.token
check "alice's console delivers the queued ack" \
    wait_for "$T/tail.json" '"kind":"acknowledged"' 150

line=$(grep '"kind":"acknowledged"' "$T/tail.json" | head -n 1)
lag=$(printf '%s\n' "$line" | python3 -c '
import json, sys, datetime
e = json.loads(sys.stdin.read())
def ms(s):
    d = datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ")
    d = d.replace(tzinfo=datetime.timezone.utc)
    return round(d.timestamp() * 1000)
print(ms(e["made_at"]), ms(e["time"]) - ms(e["made_at"]))' 2>/dev/null)
got_made=${lag% *}
lag_ms=${lag#* }
echo "  figure ack delivery lag ms: ${lag_ms:-none}"
eq "tail --json: the event's made_at is when the command ran" \
    "${got_made:-none}" "$made"
check "and its time is about ${LAG} s later (${lag_ms:-none} ms)" \
    test "${lag_ms:-0}" -ge $((LAG * 1000)) -a "${lag_ms:-0}" -lt $((LAG * 1000 + 20000))

check "the console's timeline: alice acknowledged, delivered later" \
    wait_screen alice 'alice( \(via ops\))? +acknowledged \(delivered [1-5][0-9]s later\)'
when=$(python3 -c "import time; print(time.strftime('%H:%M:%S', time.gmtime($made // 1000)))")
check "at the time she acted ($when)" \
    grep -Eq "$when +alice( \(via ops\))? +acknowledged" "$T/scr.alice"

"$WARROOM" tail --feed "$FEED" --token-file "$T/bob.token" --user bob \
    --db "$T/tail.db" >"$T/tail.txt" 2>&1 &
TAIL2=$!
PIDS="$PIDS $TAIL2"
check "warroom tail says when it was made and that it came late" \
    wait_for "$T/tail.txt" '#1 acknowledged by alice (via ops) (made .*Z, delivered [1-5][0-9]s later)' 150
kill "$TAIL2" 2>/dev/null

ops list --json --timeout 10 >"$T/list.json" 2>&1
ack_at=$(python3 -c '
import json, sys, datetime
d = datetime.datetime.strptime(json.load(open(sys.argv[1]))[0]["ack_at"],
    "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
print(round(d.timestamp() * 1000))' "$T/list.json" 2>/dev/null)
eq "list --json: ack_at is when alice made the ack" "${ack_at:-none}" "$made"
ops export 1 --timeout 10 >"$T/export.md" 2>&1
created=$(sqlite3 "$T/relay.db" "SELECT created FROM incidents WHERE id = 1")
tta=$(python3 -c "print(($made - $created) // 1000)")
check "export: the time to acknowledge is to the made_at (${tta}s)" \
    grep -q "^- Time to acknowledge: ${tta}s$" "$T/export.md"

tm send-keys -t "$SESS:alice" q
eq "q: the console exits 0" "$(wait_exit alice)" 0
finish

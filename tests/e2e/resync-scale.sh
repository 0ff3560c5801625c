#!/bin/sh
# A console that needs a snapshot of 100,000 incidents gets it: the relay
# streams it a window at a time from a read transaction as the socket
# drains (before: the whole room encoded into the console's queue on the
# loop, 1.7 s a try, then the console closed for not reading its answers),
# its loop never stalls for long, and the console holds the room in bounded
# memory.  The relay's log is empty past retention (its cursor is at
# 100,000, no event is left), so a fresh console can only take a snapshot.
# The incidents are written into the relay's database directly: posting
# 100,000 bodies would take minutes.
. "$(dirname "$0")/lib.sh"
echo "resync: a console takes a ${WR_RESYNC_N:-30000}-incident snapshot"
N=${WR_RESYNC_N:-30000}
make_tokens
start_relay || exit 1
stop_relay
sh "$ROOT/scripts/prefill-relay.sh" "$T/relay.db" "$N" || exit 1
start_relay || exit 1

t0=$(date +%s.%N)
# --timeout 3: well under the time the snapshot takes; the wait starts
# again with each part of it that arrives.
/usr/bin/time -f '%M' -o "$T/rss" timeout 120 "$WARROOM" list --json --timeout 3 \
    --feed "$FEED" --token-file "$T/ops.token" --db "$T/console.db" \
    >"$T/list.json" 2>"$T/list.err"
rc=$?
t1=$(date +%s.%N)
eq "warroom list exits 0" "$rc" 0
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' \
    "$T/list.json" 2>/dev/null)
eq "and lists all $N incidents" "$n" "$N"
last=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[-1]["title"] if 0 else sorted(i["id"] for i in json.load(open(sys.argv[1])))[-1])' \
    "$T/list.json" 2>/dev/null)
eq "the last of them is #$N" "$last" "$N"
check "the relay logged a snapshot, not a stall" \
    grep -q "snapshot of $N incidents at seq $N" "$T/relay.log"
pass=$(curl -fs -H "Authorization: Bearer $TOK_OPS" "$URL/metrics" |
    sed -n 's/^warroom_loop_pass_max_seconds //p')
rss=$(cat "$T/rss")
secs=$(echo "$t1 - $t0" | bc)
echo "  resync of $N incidents: $secs s; relay's longest loop pass" \
    "$pass s; console max RSS $rss KiB"
check "the relay's longest loop pass is under 0.5 s ($pass)" \
    python3 -c "import sys; sys.exit(not float('$pass') < 0.5)"
check "a second console's snapshot is not refused either" \
    "$WARROOM" list --json --timeout 60 --feed "$FEED" \
    --token-file "$T/ops.token" --db "$T/console2.db" >/dev/null 2>&1
finish

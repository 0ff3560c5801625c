#!/bin/sh
# 500 consoles at once, then the relay restarted under them.  Each console
# is a real `warroom tail --json` process.  When the relay comes back every
# one of them reconnects and resumes (a replay from where it was, no
# snapshot), and the back-off's jitter spreads the reconnections out
# instead of 500 hellos in one instant.  Figures: the spread (first to last
# reconnection, and the p50/p90 after the first), and the relay's peak RSS
# (VmHWM) with 500 consoles and during the reconnection storm.
. "$(dirname "$0")/../e2e/lib.sh"
N=${WR_CONSOLES:-500}
echo "relay: $N consoles at once, the relay restarted under them"
# two descriptors a console on the relay, plus the db and the log
ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((N + 100)) ] || { fail "ulimit -n $(ulimit -n) is too low for $N consoles"; finish; exit 1; }
make_tokens
start_relay --heartbeat 5000 || exit 1
code=$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")
eq "an alert is stored first" "$code" 200

n_connected() {
	curl -fs "$URL/metrics" | sed -n 's/^warroom_consoles_connected \([0-9]*\)$/\1/p'
}
wait_connected() { # wait_connected N SECONDS
	for _ in $(seq 1 $(($2 * 10))); do
		[ "$(n_connected)" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

TAILS=""
for i in $(seq 1 "$N"); do
	"$WARROOM" tail --json --feed "$FEED" --token-file "$T/bob.token" \
	    --user "c$i" >"$T/tail.$i" 2>&1 &
	TAILS="$TAILS $!"
done
PIDS="$PIDS $TAILS"
check "all $N consoles are connected" wait_connected "$N" 120
check "each printed the alert" sh -c "[ \$(grep -l '\"kind\":\"triggered\"' $T/tail.* | wc -l) -eq $N ]"
hwm1=$(awk '/^VmHWM/ { print $2 }' "/proc/$RELAY_PID/status")
echo "    relay VmHWM with $N consoles: $hwm1 kB"

# The restart: the consoles see the connection close, and try again.
seq0=$(head_seq)
stop_relay TERM
before=$(wc -l < "$T/relay.log")
start_relay --heartbeat 5000 || exit 1
peak=0
for _ in $(seq 1 1200); do
	rss=$(awk '/^VmHWM/ { print $2 }' "/proc/$RELAY_PID/status")
	[ "${rss:-0}" -gt "$peak" ] && peak=$rss
	[ "$(n_connected)" = "$N" ] && break
	sleep 0.1
done
eq "all $N consoles reconnected" "$(n_connected)" "$N"
tail -n +"$((before + 1))" "$T/relay.log" > "$T/after.log"
eq "each resumed where it was (replay, no snapshot)" \
    "$(grep -c "connected: replay from seq $seq0\$" "$T/after.log")" "$N"
eq "none was refused or closed" "$(grep -c -e refused -e 'left:' "$T/after.log")" 0

# The spread, from the relay's log (each line has its millisecond).
grep 'connected: replay' "$T/after.log" | awk '{ print $1 }' | python3 -c '
import sys, datetime
ts = sorted(datetime.datetime.strptime(l.strip().rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f").timestamp()
            for l in sys.stdin if l.strip())
ms = [int(round((t - ts[0]) * 1000)) for t in ts]
n = len(ms)
p = lambda q: ms[min(n - 1, int(q * n))]
print("spread %d p50 %d p90 %d" % (ms[-1], p(0.5), p(0.9)))
w = 100
most = max(sum(1 for m in ms if a <= m < a + w) for a in ms)
print("busiest100 %d" % most)
' > "$T/spread"
read -r _ spread _ p50 _ p90 < "$T/spread"
busiest=$(sed -n 's/^busiest100 //p' "$T/spread")
hwm2=$(awk '/^VmHWM/ { print $2 }' "/proc/$RELAY_PID/status")
[ "$hwm2" -gt "$peak" ] && peak=$hwm2
echo "  figure many-consoles reconnect spread: $spread ms first to last (p50 +$p50 ms, p90 +$p90 ms; at most $busiest of $N in any 100 ms)"
echo "  figure many-consoles relay peak RSS: $hwm1 kB with $N connected, $peak kB after all reconnected"
check "the reconnections are spread out: at most a fifth in any 100 ms ($busiest of $N)" \
    [ "$busiest" -le $((N / 5)) ]
check "the relay's peak RSS stays under 256 MB ($peak kB)" [ "$peak" -lt 262144 ]

# Every console is live again: a new alert reaches all of them.
code=$(post /hooks/alertmanager "$FIX/alertmanager/unicode-labels.json")
eq "an alert after the restart is stored" "$code" 200
head=$(head_seq)
got=0
for _ in $(seq 1 300); do
	got=$(grep -l "\"seq\":$head," "$T"/tail.* | wc -l)
	[ "$got" -eq "$N" ] && break
	sleep 0.1
done
eq "every console printed the new alert" "$got" "$N"
finish

#!/bin/sh
# bench-amtool.sh BUILD: what a terminal user has today against warroom, on
# the same real Alertmanager (issue 5, `make bench`): the time from an alert
# being raised to it being on screen, and the CPU seconds an hour of
# watching costs the watcher.
#
# One real prometheus-alertmanager (its own free --web.listen-address,
# --cluster.listen-address= for no gossip, a temporary --storage.path;
# route group_by [alertname], group_wait 0s, group_interval 1s: each raise
# is a new group, sent at once) whose webhook goes to a real warroomd
# (BUILD/warroomd) with a bearer token.  N (BENCH_AMTOOL_ALERTS, 10) alerts
# are raised one at a time with `amtool alert add`, 1 to 3.5 s apart at
# random, so that they fall at random moments of the poll cycle.  The
# moment of a raise is taken just before `amtool alert add` starts.
#   (a) the amtool way: `while :; do amtool alert query -o json; sleep 1;
#       done` (what `watch -n 1 amtool alert query` does), each query under
#       /usr/bin/time.  Raise to screen: from the raise to the end of the
#       first query whose output holds the alert.  CPU: the user + system
#       seconds of the amtool processes over the run, per hour.
#   (b) the warroom way: `warroom tail --json` attached to the relay, its
#       lines time-stamped as they arrive.  Raise to screen: from the raise
#       to the tail line of the incident's triggered event.  CPU: the tail
#       process's user + system time over the same run, per hour (and the
#       interactive console's, in a private tmux server at 120x40, when
#       tmux is there).
# Both ways pay Alertmanager's own dispatch; with group_wait 0s the
# webhook leaves as soon as the alert is in.  The servers' own CPU
# (Alertmanager answering queries, the relay) is not counted on either
# side.  Prints `NAME VALUE TARGET` lines (targets "-") on stdout, notes on
# stderr; bounded to BENCH_AMTOOL_MAX_SECONDS (90) by a watchdog; never
# fails on speed, exit 1 when something could not run at all.

set -u

BUILD=${1:-build}
N=${BENCH_AMTOOL_ALERTS:-10}
MAXS=${BENCH_AMTOOL_MAX_SECONDS:-90}

case $BUILD in
/*) ;;
*) BUILD=$(pwd)/$BUILD ;;
esac

AM=$(command -v prometheus-alertmanager || command -v alertmanager)
for f in "$BUILD/warroomd" "$BUILD/warroom"; do
	if [ ! -x "$f" ]; then
		echo "bench-amtool.sh: $f is missing; run make" >&2
		exit 1
	fi
done
if [ -z "$AM" ] || ! command -v amtool >/dev/null 2>&1; then
	echo "bench-amtool.sh: prometheus-alertmanager and amtool are needed" \
	    "(make deps)" >&2
	exit 1
fi
for c in python3 curl; do
	if ! command -v "$c" >/dev/null 2>&1; then
		echo "bench-amtool.sh: $c is needed (make deps)" >&2
		exit 1
	fi
done
TIME=
[ -x /usr/bin/time ] && TIME=/usr/bin/time

T=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/warroom-bench-amtool.XXXXXX") ||
    exit 1
relay_pid=
AMPID=
tail_pid=
stamp_pid=
poll_pid=
dog_pid=

stop() {	# stop PID...: TERM, then wait
	for p in "$@"; do
		[ -n "$p" ] && kill -TERM "$p" 2>/dev/null
	done
	for p in "$@"; do
		[ -n "$p" ] && wait "$p" 2>/dev/null
	done
}

cleanup() {
	trap - EXIT INT TERM HUP
	: >"$T/stop" 2>/dev/null
	stop "$poll_pid" "$tail_pid" "$stamp_pid"
	if [ -S "$T/sock" ]; then
		tmux -S "$T/sock" kill-server 2>/dev/null
	fi
	stop "$AMPID" "$relay_pid" "$dog_pid"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The watchdog: the whole run is bounded.
( sleep "$MAXS"; echo "bench-amtool.sh: over $MAXS s, stopping" >&2
  kill -TERM $$ ) &
dog_pid=$!

note() { echo "# bench-amtool: $*" >&2; }

free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

now_ms() {
	date +%s%3N
}

# utime+stime of PID in clock ticks.
cpu_ticks() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null |
	    awk '{ print $12 + $13 }'
}

# voluntary + nonvoluntary context switches of PID.
ctx_switches() {
	awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ { s += $2 }
	    END { print s + 0 }' "/proc/$1/status" 2>/dev/null
}

HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)

# am_config, am_start: the tests' Alertmanager ($T/am.yml, am.token, am.log).
. "$(dirname "$0")/../tests/e2e/lib/alertmanager.sh"

# ---- the relay and Alertmanager ---------------------------------------------

port=$(free_port) || exit 1
token=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
(
	umask 077
	printf 'bench %s console,ingest users=*\n' "$token" >"$T/tokens"
	printf '%s\n' "$token" >"$T/token"
	printf '%s\n' "$token" >"$T/am.token"
)
chmod 600 "$T/tokens" "$T/token" "$T/am.token"
URL="http://127.0.0.1:$port"
FEED="ws://127.0.0.1:$port/feed"
"$BUILD/warroomd" --listen "127.0.0.1:$port" --db "$T/relay.db" \
    --tokens "$T/tokens" --log "$T/relay.log" &
relay_pid=$!

AMPORT=$(free_port) || exit 1
AMURL="http://127.0.0.1:$AMPORT"
am_config '[alertname]'
# am_start: its pid in AMPID, which cleanup stops; the wait below says when
# it did not come up.
am_start

up=0
for _ in $(seq 1 150); do
	if curl -fs --max-time 1 "$URL/healthz" >/dev/null 2>&1 &&
	    curl -fs --max-time 1 "$AMURL/-/ready" >/dev/null 2>&1; then
		up=1
		break
	fi
	sleep 0.1
done
if [ $up -ne 1 ]; then
	echo "bench-amtool.sh: the relay or Alertmanager did not come up:" >&2
	tail -n 5 "$T/relay.log" "$T/am.log" >&2 2>/dev/null
	exit 1
fi

# ---- the watchers ---------------------------------------------------------------

# warroom tail, each line stamped (Unix ms) as it arrives.
mkfifo "$T/tail.fifo"
python3 -c 'import sys, time
out = open(sys.argv[1], "w")
while True:
    line = sys.stdin.buffer.readline()
    if not line:
        break
    out.write("%d %s" % (time.time() * 1000, line.decode("utf-8", "replace")))
    out.flush()' "$T/tail.stamped" <"$T/tail.fifo" &
stamp_pid=$!
"$BUILD/warroom" tail --json --feed "$FEED" --token-file "$T/token" \
    --db "$T/tail.db" >"$T/tail.fifo" 2>"$T/tail.err" &
tail_pid=$!

# The console too, when tmux is there: its CPU while it watches.
cpid=
if command -v tmux >/dev/null 2>&1; then
	printf 'set -g status off\n' >"$T/tmux.conf"
	if TMUX='' tmux -S "$T/sock" -f "$T/tmux.conf" new-session -d -s am \
	    -x 120 -y 40 "exec env TERM=xterm-256color '$BUILD/warroom' --feed '$FEED' --token-file '$T/token' --db '$T/console.db' --user bench 2>'$T/console.err'"; then
		cpid=$(tmux -S "$T/sock" display-message -p -t am '#{pane_pid}')
		[ "$(cat "/proc/$cpid/comm" 2>/dev/null)" = warroom ] || cpid=
	fi
fi
sleep 1

# The amtool way: query, sleep 1 s, again.  poll.log: "i start end".
mkdir "$T/polls"
(
	i=0
	while [ ! -e "$T/stop" ]; do
		i=$((i + 1))
		s=$(now_ms)
		if [ -n "$TIME" ]; then
			$TIME -f "%e %U %S" -a -o "$T/poll.times" \
			    timeout 10 amtool --alertmanager.url="$AMURL" \
			    alert query -o json >"$T/polls/$i" 2>/dev/null
		else
			timeout 10 amtool --alertmanager.url="$AMURL" \
			    alert query -o json >"$T/polls/$i" 2>/dev/null
		fi
		echo "$i $s $(now_ms)" >>"$T/poll.log"
		sleep 1
	done
	# the children's CPU, for when /usr/bin/time is missing
	times >"$T/poll.shtimes"
) &
poll_pid=$!

t_start=$(now_ms)
tc0=$(cpu_ticks "$tail_pid")
tw0=$(ctx_switches "$tail_pid")
cc0=
[ -n "$cpid" ] && cc0=$(cpu_ticks "$cpid")

# ---- the raises ------------------------------------------------------------------

run=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
: >"$T/raises"
i=1
while [ "$i" -le "$N" ]; do
	gap=$(( 1000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 2500 ))
	sleep "$(awk -v g="$gap" 'BEGIN { printf "%.3f", g / 1000 }')"
	name="BenchRaise${run}x$i"
	t=$(now_ms)
	timeout 10 amtool --alertmanager.url="$AMURL" alert add "$name" \
	    service=bench severity=warning instance="bench-$i:9100" \
	    --annotation=summary="$name on bench-$i" >/dev/null 2>>"$T/add.err"
	echo "$name $t $(now_ms)" >>"$T/raises"
	i=$((i + 1))
done
sleep 2.5

t_end=$(now_ms)
tc1=$(cpu_ticks "$tail_pid")
tw1=$(ctx_switches "$tail_pid")
cc1=
[ -n "$cpid" ] && cc1=$(cpu_ticks "$cpid")
: >"$T/stop"
wait "$poll_pid"
poll_pid=

# ---- the figures --------------------------------------------------------------------

# name raise_ms -> ms to the first poll that shows it, and to the tail line.
: >"$T/lat.amtool"
: >"$T/lat.warroom"
while read -r name t _; do
	best=
	while read -r i s e; do
		if grep -q "$name" "$T/polls/$i" 2>/dev/null; then
			best=$e
			break
		fi
	done <"$T/poll.log"
	[ -n "$best" ] && echo $((best - t)) >>"$T/lat.amtool"
	seen=$(grep '"kind":"triggered"' "$T/tail.stamped" 2>/dev/null |
	    grep -m 1 "$name" | cut -d' ' -f1)
	[ -n "$seen" ] && echo $((seen - t)) >>"$T/lat.warroom"
done <"$T/raises"

median() {	# file of numbers -> the median, or "n/a"
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "n/a"; exit }
		if (NR % 2) print v[(NR + 1) / 2]
		else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
range() {
	sort -n "$1" | awk 'NR == 1 { lo = $1 } { hi = $1 }
	    END { if (NR) printf "%d..%d ms, %d of them", lo, hi, NR }'
}

dur_ms=$((t_end - t_start))
npolls=$(wc -l <"$T/poll.log" | tr -d ' ')
if [ -n "$TIME" ] && [ -s "$T/poll.times" ]; then
	poll_cpu=$(awk '{ u += $2; s += $3 } END { printf "%.3f", u + s }' \
	    "$T/poll.times")
	poll_wall=$(awk '{ w += $1 } END { if (NR) printf "%.0f", 1000 * w / NR }' \
	    "$T/poll.times")
else
	# `times`: the shell's own line, then its children's: 0m0.123s 0m0.045s
	poll_cpu=$(sed -n 2p "$T/poll.shtimes" | awk '{
		t = 0
		for (i = 1; i <= 2; i++) {
			split($i, a, "m"); sub("s", "", a[2]); t += a[1] * 60 + a[2]
		}
		printf "%.3f", t }')
	poll_wall=n/a
fi
note "group_wait 0s, group_interval 1s (group_by alertname: each raise is" \
    "a new group); $N raises over $dur_ms ms; $npolls amtool queries" \
    "(mean $poll_wall ms each, then sleep 1)"
awk '{ print $3 - $2 }' "$T/raises" >"$T/lat.add"
note "amtool raise to screen: $(range "$T/lat.amtool");" \
    "warroom tail: $(range "$T/lat.warroom"); \`amtool alert add\` itself" \
    "takes $(median "$T/lat.add") ms (median), counted in both"
note "warroom tail: $(awk -v w="$((tw1 - tw0))" -v ms="$dur_ms" \
    'BEGIN { printf "%.1f", w * 1000 / ms }') wake-ups/s; CPU figures" \
    "are in clock ticks of $((1000 / HZ)) ms"
[ -s "$T/add.err" ] && note "amtool alert add said: $(head -c 300 "$T/add.err")"

echo "amtool_raise_to_screen_median_ms $(median "$T/lat.amtool") -"
awk -v c="$poll_cpu" -v ms="$dur_ms" 'BEGIN {
	printf "amtool_poll_cpu_s_per_hour %.1f -\n", c * 3600000 / ms }'
echo "warroom_raise_to_screen_median_ms $(median "$T/lat.warroom") -"
awk -v c="$((tc1 - tc0))" -v hz="$HZ" -v ms="$dur_ms" 'BEGIN {
	printf "warroom_cpu_s_per_hour %.1f -\n", c / hz * 3600000 / ms }'
if [ -n "$cpid" ] && [ -n "$cc1" ]; then
	awk -v c="$((cc1 - cc0))" -v hz="$HZ" -v ms="$dur_ms" 'BEGIN {
		printf "warroom_console_cpu_s_per_hour %.1f -\n",
		    c / hz * 3600000 / ms }'
fi
exit 0

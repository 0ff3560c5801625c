#!/bin/sh
# bench-console.sh BUILD: the real console's cost while it sits in a
# terminal (issue 4, "Benchmarks"): idle CPU and wake-ups per second while
# the feed is quiet, and the bytes it writes to the terminal per second
# during a 1,000 alerts/s storm, at 120x40.
#
# A real warroomd (BUILD/warroomd) on a free loopback port with a token file
# (mode 600) and its database in a temporary directory, prefilled with
# BENCH_CONSOLE_PREFILL incidents (100,000 by default, as the issue asks,
# one alert each, written by scripts/prefill-relay.sh), and
# one real console (BUILD/warroom, TERM=xterm-256color) in a private tmux
# server (its own socket) with a 120x40 window, whose output is copied by
# `pipe-pane -o` to a file: the bytes the console writes to its terminal.
#   (a) idle: once the console shows LIVE and its output has been quiet
#       for 2 s, /proc/PID/stat (utime + stime) and /proc/PID/status
#       (voluntary + nonvoluntary context switches: each is a sleep and a
#       wake-up) are sampled over BENCH_IDLE_SECONDS (10).
#   (b) storm: BENCH_STORM_BODIES_PER_S (10) Alertmanager bodies a second
#       of BENCH_STORM_ALERTS (100) alerts each for BENCH_STORM_SECONDS
#       (10), posted by one python3 http.client connection at a steady
#       pace; the terminal bytes and the console's CPU are measured over
#       the storm.  Twice: console_storm_* with every body a new groupKey
#       (a new incident), console_storm_open_* with every body adding its
#       alerts to the one incident selected on screen (its detail pane).
#       BENCH_STORM_PERF=FILE records the console with perf meanwhile
#       (DWARF call graphs: the CPU figures are then a little higher).
# Prints `NAME VALUE TARGET` lines on stdout (the shape scripts/bench.sh
# reads), notes on stderr.  Never fails on speed; exit 1 when something
# could not run at all.  Everything it started is stopped in a trap.

set -u

BUILD=${1:-build}
PREFILL=${BENCH_CONSOLE_PREFILL:-100000}
IDLE_S=${BENCH_IDLE_SECONDS:-10}
STORM_S=${BENCH_STORM_SECONDS:-10}
STORM_BPS=${BENCH_STORM_BODIES_PER_S:-10}
STORM_ALERTS=${BENCH_STORM_ALERTS:-100}

case $BUILD in
/*) ;;
*) BUILD=$(pwd)/$BUILD ;;
esac

for f in "$BUILD/warroomd" "$BUILD/warroom"; do
	if [ ! -x "$f" ]; then
		echo "bench-console.sh: $f is missing; run make" >&2
		exit 1
	fi
done
for c in tmux python3 curl; do
	if ! command -v "$c" >/dev/null 2>&1; then
		echo "bench-console.sh: $c is needed (make deps)" >&2
		exit 1
	fi
done

T=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/warroom-bench-console.XXXXXX") ||
    exit 1
relay_pid=
post_pid=
perf_pid=

cleanup() {
	trap - EXIT INT TERM HUP
	if [ -n "$perf_pid" ] && kill -0 "$perf_pid" 2>/dev/null; then
		kill -INT "$perf_pid" 2>/dev/null
		wait "$perf_pid" 2>/dev/null
	fi
	if [ -n "$post_pid" ] && kill -0 "$post_pid" 2>/dev/null; then
		kill -TERM "$post_pid" 2>/dev/null
		wait "$post_pid" 2>/dev/null
	fi
	# the private tmux server (and the console in it)
	if [ -S "$T/sock" ]; then
		tmux -S "$T/sock" kill-server 2>/dev/null
	fi
	if [ -n "$relay_pid" ] && kill -0 "$relay_pid" 2>/dev/null; then
		kill -TERM "$relay_pid" 2>/dev/null
		wait "$relay_pid" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

note() { echo "# bench-console: $*" >&2; }

free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# utime+stime (clock ticks) of PID: the fields after the ")" of comm.
cpu_ticks() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null |
	    awk '{ print $12 + $13 }'
}

# voluntary + nonvoluntary context switches of PID.
ctx_switches() {
	awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ { s += $2 }
	    END { print s + 0 }' "/proc/$1/status" 2>/dev/null
}

raw_bytes() {
	wc -c <"$T/raw" 2>/dev/null | tr -d ' ' || echo 0
}

now_ms() {
	date +%s%3N
}

HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)

# ---- the relay -------------------------------------------------------------

port=$(free_port) || { echo "bench-console.sh: no free port" >&2; exit 1; }
token=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
(
	umask 077
	printf 'bench %s console,ingest users=*\n' "$token" >"$T/tokens"
	printf '%s\n' "$token" >"$T/token"
)
chmod 600 "$T/tokens" "$T/token"
URL="http://127.0.0.1:$port"

start_relay() {
	"$BUILD/warroomd" --listen "127.0.0.1:$port" --db "$T/relay.db" \
	    --tokens "$T/tokens" --log "$T/relay.log" &
	relay_pid=$!
	for _ in $(seq 1 100); do
		kill -0 "$relay_pid" 2>/dev/null || break
		curl -fs --max-time 2 "$URL/healthz" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "bench-console.sh: warroomd did not come up; its log:" >&2
	cat "$T/relay.log" >&2 2>/dev/null
	exit 1
}

start_relay

# The poster: Alertmanager webhook v4 bodies over one keep-alive
# connection.  post.py URL TOKEN RUN BODIES ALERTS PER_S MODE (PER_S 0: as
# fast as the relay answers; MODE group: a new groupKey per body, same: one
# groupKey for all the run's bodies).  Prints "sent N ok M seconds S" at the end.
cat >"$T/post.py" <<'PY'
import http.client, json, sys, time, zlib
url, token, run = sys.argv[1], sys.argv[2], sys.argv[3]
bodies, alerts = int(sys.argv[4]), int(sys.argv[5])
per_s, mode = float(sys.argv[6]), sys.argv[7]
host = url.split("//", 1)[1]
conn = http.client.HTTPConnection(host, timeout=30)
sev = ["critical", "error", "warning", "info"]
ok = 0
t0 = time.monotonic()
now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
for b in range(bodies):
    if per_s > 0:
        due = t0 + b / per_s
        d = due - time.monotonic()
        if d > 0:
            time.sleep(d)
    svc = "bench-%s-%06d" % (run, 0 if mode == "same" else b)
    sv = sev[0 if mode == "same" else b % 4]
    al = []
    for a in range(alerts):
        node = "node-%d-%d" % (b, a)
        al.append({"status": "firing",
            "labels": {"alertname": "EdgeNodeDown", "instance": node + ":9100",
                       "service": svc, "severity": sv},
            "annotations": {"summary": "%s has not answered for 2m" % node},
            "startsAt": "%s.%09dZ" % (now, (a * 7919 + b) % 1000000000),
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus.bench:9090/graph",
            "fingerprint": "%08x%08x" % (zlib.crc32(run.encode()), b * 100003 + a)})
    gk = '{}:{service="%s"}' % svc
    body = {"receiver": "warroom", "status": "firing", "alerts": al,
            "groupLabels": {"service": svc},
            "commonLabels": {"alertname": "EdgeNodeDown", "severity": sv},
            "commonAnnotations": {}, "externalURL": "http://alertmanager.bench:9093",
            "version": "4", "groupKey": gk, "truncatedAlerts": 0}
    data = json.dumps(body).encode()
    try:
        conn.request("POST", "/hooks/alertmanager", data,
                     {"Authorization": "Bearer " + token,
                      "Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        if 200 <= r.status < 300:
            ok += 1
        else:
            sys.stderr.write("post: HTTP %d\n" % r.status)
    except Exception as e:
        sys.stderr.write("post: %s\n" % e)
        conn.close()
        conn = http.client.HTTPConnection(host, timeout=30)
print("sent %d ok %d seconds %.2f" % (bodies, ok, time.monotonic() - t0))
PY

head_seq() {
	curl -fs --max-time 2 "$URL/healthz" 2>/dev/null |
	    sed -n 's/.*"head":\([0-9]*\).*/\1/p'
}

# The prefill: PREFILL incidents of one alert each, written into the
# relay's database while it is stopped (scripts/prefill-relay.sh): the
# console takes them as a snapshot.  (Posting them took minutes, and with
# groupKey {}:{} they were one 100,000-alert incident, not 100,000.)
if [ "$PREFILL" -gt 0 ]; then
	t0=$(now_ms)
	kill -TERM "$relay_pid" 2>/dev/null
	wait "$relay_pid" 2>/dev/null
	sh "$(dirname "$0")/prefill-relay.sh" "$T/relay.db" "$PREFILL" ||
	    { echo "bench-console.sh: the prefill failed" >&2; exit 1; }
	start_relay
	note "prefilled the relay with $PREFILL incidents in" \
	    "$(( $(now_ms) - t0 )) ms"
fi

# ---- the console -------------------------------------------------------------

export TMUX_TMPDIR="$T"
unset TMUX
: >"$T/raw"
printf 'set -g status off\n' >"$T/tmux.conf"
tmux -S "$T/sock" -f "$T/tmux.conf" new-session -d -s bench -x 120 -y 40 \
    "exec env TERM=xterm-256color '$BUILD/warroom' --feed 'ws://127.0.0.1:$port/feed' --token-file '$T/token' --db '$T/console.db' --user bench --log '$T/console.log' 2>'$T/console.err'" ||
    { echo "bench-console.sh: tmux failed" >&2; exit 1; }
tmux -S "$T/sock" pipe-pane -o -t bench "cat >> '$T/raw'"
cpid=$(tmux -S "$T/sock" display-message -p -t bench '#{pane_pid}')
if [ -z "$cpid" ] || [ "$(cat "/proc/$cpid/comm" 2>/dev/null)" != warroom ]; then
	echo "bench-console.sh: the console did not start:" >&2
	cat "$T/console.err" >&2 2>/dev/null
	exit 1
fi
t0=$(now_ms)

screen_has() {
	tmux -S "$T/sock" capture-pane -p -t bench 2>/dev/null | grep -q -- "$1"
}

# Caught up: LIVE on the status line; then quiet: no terminal output for
# 2 s (at most 60 s in all).
live=0
for _ in $(seq 1 600); do
	if screen_has ' LIVE '; then
		live=1
		break
	fi
	kill -0 "$cpid" 2>/dev/null || break
	sleep 0.1
done
if [ $live -ne 1 ]; then
	echo "bench-console.sh: the console did not become LIVE; screen:" >&2
	tmux -S "$T/sock" capture-pane -p -t bench >&2 2>/dev/null
	cat "$T/console.err" >&2 2>/dev/null
	exit 1
fi
live_ms=$(( $(now_ms) - t0 ))
note "console LIVE $live_ms ms after its start, $(head_seq) events" \
    "(RSS $(awk '/^VmRSS/ { print $2 / 1024 " MB" }' "/proc/$cpid/status"))"
echo "console_live_after_start_ms $live_ms -"
quiet=0
last=$(raw_bytes)
for _ in $(seq 1 60); do
	sleep 2
	cur=$(raw_bytes)
	if [ "$cur" = "$last" ]; then
		quiet=1
		break
	fi
	last=$cur
done
if [ $quiet -eq 1 ]; then
	note "quiet (no terminal output for 2 s) $(( $(now_ms) - t0 - live_ms ))" \
	    "ms after LIVE (ages shown in seconds redraw every second)"
else
	note "the console never went quiet for 2 s"
fi

# ---- (a) idle ----------------------------------------------------------------

c0=$(cpu_ticks "$cpid")
w0=$(ctx_switches "$cpid")
b0=$(raw_bytes)
s0=$(now_ms)
sleep "$IDLE_S"
c1=$(cpu_ticks "$cpid")
w1=$(ctx_switches "$cpid")
b1=$(raw_bytes)
s1=$(now_ms)
awk -v c="$((c1 - c0))" -v w="$((w1 - w0))" -v b="$((b1 - b0))" \
    -v ms="$((s1 - s0))" -v hz="$HZ" 'BEGIN {
	s = ms / 1000
	printf "console_idle_cpu_pct %.2f -\n", 100 * c / hz / s
	printf "console_idle_wakeups_per_s %.2f <=2\n", w / s
	printf "console_idle_tty_bytes_per_s %.1f -\n", b / s
}'

# ---- (b) storm ----------------------------------------------------------------

# storm NAME RUN MODE: post the storm, measure the terminal bytes and the
# console's CPU over it, print the figures as console_NAME_*.
storm() {
	name=$1
	nb=$((STORM_BPS * STORM_S))
	h0=$(head_seq)
	c0=$(cpu_ticks "$cpid")
	w0=$(ctx_switches "$cpid")
	b0=$(raw_bytes)
	s0=$(now_ms)
	if [ -n "${BENCH_STORM_PERF:-}" ] && command -v perf >/dev/null; then
		perf record -q --call-graph dwarf,8192 -F 499 -p "$cpid" -o "$BENCH_STORM_PERF.$name" \
		    >/dev/null 2>&1 &
		perf_pid=$!
	else
		perf_pid=
	fi
	timeout $((STORM_S + 30)) python3 "$T/post.py" "$URL" "$token" "$2" \
	    "$nb" "$STORM_ALERTS" "$STORM_BPS" "$3" >"$T/$name.out" \
	    2>>"$T/post.err" &
	post_pid=$!
	wait "$post_pid"
	post_pid=
	c1=$(cpu_ticks "$cpid")
	w1=$(ctx_switches "$cpid")
	b1=$(raw_bytes)
	s1=$(now_ms)
	h1=$(head_seq)
	if [ -n "$perf_pid" ]; then
		kill -INT "$perf_pid" 2>/dev/null
		wait "$perf_pid" 2>/dev/null
	fi
	# what the console still draws after the last post (catching up)
	sleep 2
	b2=$(raw_bytes)
	note "$name: $(cat "$T/$name.out") ($((nb * STORM_ALERTS)) alerts);" \
	    "relay seq $h0 -> $h1; terminal $((b1 - b0)) bytes during," \
	    "$((b2 - b1)) in the 2 s after"
	awk -v c="$((c1 - c0))" -v w="$((w1 - w0))" -v b="$((b1 - b0))" \
	    -v ms="$((s1 - s0))" -v hz="$HZ" -v n="$((nb * STORM_ALERTS))" \
	    -v name="console_$name" 'BEGIN {
		s = ms / 1000
		printf "%s_alerts_per_s %.0f 1000\n", name, n / s
		printf "%s_tty_bytes_per_s %.0f <30000\n", name, b / s
		printf "%s_cpu_pct %.1f -\n", name, 100 * c / hz / s
		printf "%s_wakeups_per_s %.1f -\n", name, w / s
	}'
	if [ -n "${BENCH_SHOW_SCREEN:-}" ]; then
		tmux -S "$T/sock" capture-pane -p -t bench >&2
	fi
}

# (b1) every body a new group: 10 new incidents a second.  The list keeps
# the selected row where it is on screen, so new incidents land above the
# rows shown: mostly the counts change.
storm storm storm group

# (b2) the same storm into one group, the incident a person has open: its
# first body makes it the newest critical incident, g selects it (the
# detail pane shows its alerts and timeline), then every body adds 100
# alerts to it.
timeout 10 python3 "$T/post.py" "$URL" "$token" open 1 1 0 same \
    >/dev/null 2>>"$T/post.err"
for _ in $(seq 1 50); do
	screen_has 'bench-open-000000' && break
	sleep 0.1
done
tmux -S "$T/sock" send-keys -t bench g
sleep 1
screen_has 'bench-open-000000' || note "the open group is not on screen"
storm storm_open open same

if [ -s "$T/post.err" ]; then
	note "poster errors: $(sort "$T/post.err" | uniq -c | head -3 | tr '\n' ' ')"
fi
kill -0 "$cpid" 2>/dev/null || { echo "bench-console.sh: the console died" >&2; exit 1; }
exit 0

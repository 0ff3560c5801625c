#!/bin/sh
# bench-stats.sh BUILD: the time of the real `warroom stats` over 100,000
# incidents with a history (issue 13, "Reports").
#
# bench_stats --relay-db writes BENCH_STATS_INCIDENTS (100,000) incidents
# of the last 30 days with their events (triggers; acknowledgements, a
# third taken back and made again; resolutions) into a new relay store, as
# the relay commits them.  A real warroomd (BUILD/warroomd) serves it on a
# free loopback port with a token file; a new console store catches up
# with it once (`warroom stats`: the whole replay, printed as
# stats_first_run_s), then `warroom stats` and `warroom stats --by
# service` run BENCH_STATS_RUNS (5) times each against the caught-up
# store: connect, catch up (nothing to replay), the SQL, the report.  The
# median of each is printed (stats_100k_ms, stats_100k_by_service_ms),
# and the median CPU time of the warroom process (..._cpu_ms).
# Prints `NAME VALUE TARGET` lines on stdout (scripts/bench.sh reads
# them), notes on stderr.  Never fails on speed; exit 1 when something
# could not run at all.  Everything it started is stopped in a trap.

set -u

BUILD=${1:-build}
N=${BENCH_STATS_INCIDENTS:-100000}
RUNS=${BENCH_STATS_RUNS:-5}

case $BUILD in
/*) ;;
*) BUILD=$(pwd)/$BUILD ;;
esac
for f in "$BUILD/warroomd" "$BUILD/warroom" "$BUILD/bench/bench_stats"; do
	if [ ! -x "$f" ]; then
		echo "bench-stats.sh: $f is missing; run make bench" >&2
		exit 1
	fi
done

T=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/warroom-bench-stats.XXXXXX") ||
    exit 1
relay_pid=
cleanup() {
	trap - EXIT INT TERM HUP
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

note() { echo "# bench-stats: $*" >&2; }
now_ms() { date +%s%3N; }

"$BUILD/bench/bench_stats" --incidents "$N" --relay-db "$T/relay.db" ||
    exit 1

port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()') || exit 1
token=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
(
	umask 077
	printf 'bench %s console,ingest users=*\n' "$token" >"$T/tokens"
	printf '%s\n' "$token" >"$T/token"
)
URL="http://127.0.0.1:$port"
"$BUILD/warroomd" --listen "127.0.0.1:$port" --db "$T/relay.db" \
    --tokens "$T/tokens" --log "$T/relay.log" &
relay_pid=$!
up=
for _ in $(seq 1 300); do
	kill -0 "$relay_pid" 2>/dev/null || break
	if curl -fs --max-time 2 "$URL/healthz" >/dev/null 2>&1; then
		up=1
		break
	fi
	sleep 0.1
done
if [ -z "$up" ]; then
	echo "bench-stats.sh: warroomd did not come up; its log:" >&2
	cat "$T/relay.log" >&2 2>/dev/null
	exit 1
fi

stats() {
	"$BUILD/warroom" stats --feed "ws://127.0.0.1:$port/feed" \
	    --token-file "$T/token" --db "$T/console.db" --timeout 120 "$@"
}

t0=$(now_ms)
if ! stats --json >"$T/first.json" 2>"$T/first.err"; then
	echo "bench-stats.sh: the first warroom stats failed:" >&2
	cat "$T/first.err" >&2
	exit 1
fi
t1=$(now_ms)
note "first run (the replay): $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s", (b - a) / 1000 }')"
note "$(head -c 300 "$T/first.json")"

# Run stats ARGS once: prints "WALL_MS CPU_MS" (the CPU time, user and
# system, of warroom: the machine may be shared, and wall time says how
# busy it is as much as how fast stats is).
timed() {
	python3 - "$@" <<'EOP'
import resource, subprocess, sys, time
t0 = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = (time.monotonic() - t0) * 1000
u = resource.getrusage(resource.RUSAGE_CHILDREN)
if r.returncode != 0:
    sys.stderr.write(r.stderr.decode(errors="replace"))
    sys.exit(1)
print("%d %d" % (wall, (u.ru_utime + u.ru_stime) * 1000))
EOP
}

# The medians of RUNS runs of stats ARGS: "WALL_MS CPU_MS".
median_ms() {
	: >"$T/times"
	for _ in $(seq 1 "$RUNS"); do
		timed "$BUILD/warroom" stats --feed "ws://127.0.0.1:$port/feed" \
		    --token-file "$T/token" --db "$T/console.db" --timeout 120 \
		    "$@" >>"$T/times" || {
			echo "bench-stats.sh: warroom stats $* failed" >&2
			return 1
		}
	done
	w=$(cut -d' ' -f1 "$T/times" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	c=$(cut -d' ' -f2 "$T/times" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	echo "$w $c"
}

r=$(median_ms) || exit 1
plain=${r% *} plain_cpu=${r#* }
r=$(median_ms --by service) || exit 1
by=${r% *} by_cpu=${r#* }
incidents=$(grep -o '"incidents":[0-9]*' "$T/first.json" | head -n 1 | cut -d: -f2)
note "warroom stats over ${incidents:-?} incidents: median $plain ms ($plain_cpu ms CPU), --by service $by ms ($by_cpu ms CPU), $RUNS runs each"
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "stats_first_run_s %.1f -\n", (b - a) / 1000 }'
echo "stats_100k_ms $plain < 1000"
echo "stats_100k_by_service_ms $by < 1000"
echo "stats_100k_cpu_ms $plain_cpu -"
echo "stats_100k_by_service_cpu_ms $by_cpu -"

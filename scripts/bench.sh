#!/bin/sh
# bench.sh BUILD: `make bench`.  Prints figures; never fails on speed.
#
# 1. relay: a fresh warroomd (BUILD/warroomd) on a free loopback port, with
#    a token file and a database in a temporary directory; bench_relay POSTs
#    Alertmanager bodies to it over several connections with one console
#    attached, and the relay's /metrics is read before it is stopped.
# 2. baselines: bench_sqlite, in the same directory (same file system as
#    the relay's database): bare SQLite with the relay's pragmas, and bare
#    jansson parsing the same bodies.
# 3. any other BUILD/bench/bench_* (console benchmarks, ...): run from the
#    temporary directory with BENCH_BUILD and BENCH_TMP set; every line it
#    prints to stdout as `name value [target...]` becomes a row.
# 4. the scripts that run the real programs: bench-console.sh (a console
#    in tmux), bench-amtool.sh and bench-stats.sh (`warroom stats` over
#    100,000 incidents with a history), rows the same way.
# Then one table: figure | value | target | baseline.
#
# Knobs (environment): BENCH_BODIES (2000), BENCH_ALERTS (100 per body),
# BENCH_CONNECTIONS (4), BENCH_MAX_SECONDS (40: stop sending after this),
# BENCH_OTHER_TIMEOUT (60 s for each other benchmark), BENCH_DIR (where the
# temporary directory goes; default $TMPDIR or /tmp).
#
# Exit status: 0 when the figures were measured, 1 when something could not
# run at all (no relay, a benchmark crashed).  Slow is not a failure.

set -u

BUILD=${1:-build}
BODIES=${BENCH_BODIES:-2000}
ALERTS=${BENCH_ALERTS:-100}
CONNS=${BENCH_CONNECTIONS:-4}
MAXS=${BENCH_MAX_SECONDS:-40}
OTHER_TIMEOUT=${BENCH_OTHER_TIMEOUT:-60}

case $BUILD in
/*) ;;
*) BUILD=$(pwd)/$BUILD ;;
esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)

for f in "$BUILD/warroomd" "$BUILD/bench/bench_relay" \
    "$BUILD/bench/bench_sqlite"; do
	if [ ! -x "$f" ]; then
		echo "bench.sh: $f is missing; run make bench" >&2
		exit 1
	fi
done

tmp=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/warroom-bench.XXXXXX") || exit 1
relay_pid=
child_pid=
status=0

# shellcheck disable=SC2317 # (run by the traps)
cleanup() {
	trap - EXIT INT TERM HUP
	cd / || true
	if [ -n "$child_pid" ] && kill -0 "$child_pid" 2>/dev/null; then
		kill -TERM "$child_pid" 2>/dev/null
		wait "$child_pid" 2>/dev/null
	fi
	if [ -n "$relay_pid" ] && kill -0 "$relay_pid" 2>/dev/null; then
		kill -TERM "$relay_pid" 2>/dev/null
		wait "$relay_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Run a command in the background (so that a signal reaches the trap at
# once) and wait for it; stdout to $1.
run_child() {
	out=$1
	shift
	"$@" >"$out" &
	child_pid=$!
	wait "$child_pid"
	rc=$?
	child_pid=
	return $rc
}

http_get() {
	if command -v curl >/dev/null 2>&1; then
		curl -fsS --max-time 2 "$1"
	else
		python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode())' "$1"
	fi
}

free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# name value [target...] lines -> the file of rows (tab-separated).
: >"$tmp/rows"
row() {	# figure value target baseline
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$tmp/rows"
}

# The value of figure $2 in file $1, or "".
fig() {
	awk -v n="$2" '$1 == n { print $2; exit }' "$1" 2>/dev/null
}

# Format a number for the table: rates as integers, small values with
# two decimals; "" stays "n/a".
num() {
	awk -v v="$1" 'BEGIN {
		if (v == "") { print "n/a"; exit }
		if (v + 0 >= 100 || v + 0 <= -100) printf "%.0f\n", v
		else if (v == int(v)) printf "%d\n", v
		else printf "%.2f\n", v
	}'
}

# ---- 1. the relay --------------------------------------------------------

port=$(free_port) || { echo "bench.sh: no free port" >&2; exit 1; }
token=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
(
	umask 077
	printf 'bench %s console,ingest users=*\n' "$token" >"$tmp/tokens"
	printf '%s\n' "$token" >"$tmp/token"
)
chmod 600 "$tmp/tokens" "$tmp/token"

fstype=$(stat -f -c %T "$tmp" 2>/dev/null || echo "?")
echo "bench: $(nproc 2>/dev/null || echo ?) CPUs; temporary directory" \
    "$tmp on $fstype; $BODIES bodies of $ALERTS alerts over $CONNS" \
    "connections" >&2

"$BUILD/warroomd" --listen "127.0.0.1:$port" --db "$tmp/relay.db" \
    --tokens "$tmp/tokens" --log "$tmp/relay.log" &
relay_pid=$!
up=0
i=0
while [ $i -lt 100 ]; do
	if ! kill -0 "$relay_pid" 2>/dev/null; then
		break
	fi
	if http_get "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
		up=1
		break
	fi
	sleep 0.1
	i=$((i + 1))
done
if [ $up -ne 1 ]; then
	echo "bench.sh: warroomd did not come up on port $port; its log:" >&2
	cat "$tmp/relay.log" >&2 2>/dev/null
	exit 1
fi

if ! run_child "$tmp/relay.out" "$BUILD/bench/bench_relay" \
    --url "http://127.0.0.1:$port" --token-file "$tmp/token" \
    --connections "$CONNS" --bodies "$BODIES" --alerts-per-body "$ALERTS" \
    --max-seconds "$MAXS" --drain-seconds 15 --log "$tmp/bench-relay.log"
then
	echo "bench.sh: bench_relay failed; the relay's log ends:" >&2
	tail -n 20 "$tmp/relay.log" >&2 2>/dev/null
	status=1
fi
http_get "http://127.0.0.1:$port/metrics" >"$tmp/metrics" 2>/dev/null
kill -TERM "$relay_pid" 2>/dev/null
wait "$relay_pid"
relay_rc=$?
relay_pid=
if [ $relay_rc -ne 0 ]; then
	echo "bench.sh: warroomd exited with status $relay_rc" >&2
	status=1
fi

# ---- 2. the baselines ----------------------------------------------------

if ! run_child "$tmp/sqlite.out" "$BUILD/bench/bench_sqlite" --dir "$tmp" \
    --bodies "$BODIES" --alerts-per-body "$ALERTS" --max-seconds 15; then
	echo "bench.sh: bench_sqlite failed" >&2
	status=1
fi

# ---- the rows --------------------------------------------------------------

R=$tmp/relay.out
S=$tmp/sqlite.out
committed=$(fig "$R" relay_alerts_committed_per_s)
bare=$(fig "$S" sqlite_rows_per_s_txn_per_body)
ratio=
if [ -n "$committed" ] && [ -n "$bare" ]; then
	ratio=$(awk -v a="$committed" -v b="$bare" \
	    'BEGIN { if (b > 0) printf " (relay at %.0f%%)", 100 * a / b }')
fi
row "alerts/s committed (synchronous=FULL)" "$(num "$committed")" \
    ">= 50000" "$(num "$bare") rows/s bare sqlite$ratio"
row "alerts/s delivered to a console" \
    "$(num "$(fig "$R" relay_alerts_delivered_per_s)")" "-" \
    "$(num "$committed") committed"
row "POST→2xx p50 ms" "$(num "$(fig "$R" relay_post_to_2xx_p50_ms)")" "-" "-"
row "POST→2xx p99 ms" "$(num "$(fig "$R" relay_post_to_2xx_p99_ms)")" "-" "-"
row "POST→console p50 ms" \
    "$(num "$(fig "$R" relay_post_to_console_p50_ms)")" "-" "-"
row "POST→console p99 ms" \
    "$(num "$(fig "$R" relay_post_to_console_p99_ms)")" "< 20" "-"
row "POST→console max ms" \
    "$(num "$(fig "$R" relay_post_to_console_max_ms)")" "-" "-"
row "bodies answered 2xx / sent" \
    "$(num "$(fig "$R" relay_bodies_2xx)")/$(num "$(fig "$R" relay_bodies_sent)")" \
    "all" "-"
fails=$(awk '$1 ~ /^relay_(http_errors|http_non_2xx|console_missing_triggered|console_missing_alerts|console_foreign_events)$/ { s += $2 } END { print s + 0 }' "$R" 2>/dev/null)
row "failures (HTTP errors, non-2xx, events missed)" "${fails:-n/a}" "0" "-"

# What the relay says about its own group commit.
if [ -s "$tmp/metrics" ]; then
	commits=$(awk '$1 == "warroom_commit_seconds_count" { print $2 }' "$tmp/metrics")
	csum=$(awk '$1 == "warroom_commit_seconds_sum" { print $2 }' "$tmp/metrics")
	hwm=$(awk '$1 == "warroom_send_queue_high_water" { print $2 }' "$tmp/metrics")
	ok=$(fig "$R" relay_bodies_2xx)
	if [ -n "$commits" ] && [ "${commits:-0}" != 0 ]; then
		row "relay: bodies per commit (mean)" \
		    "$(awk -v a="${ok:-0}" -v b="$commits" 'BEGIN { printf "%.2f", a / b }')" \
		    "-" "-"
		row "relay: commit ms (mean, from /metrics)" \
		    "$(awk -v a="$csum" -v b="$commits" 'BEGIN { printf "%.2f", 1000 * a / b }')" \
		    "-" "$(awk -v c="$(fig "$S" sqlite_commits_per_s_txn_per_body)" \
		    'BEGIN { if (c > 0) printf "%.2f bare sqlite, COMMIT/body", 1000 / c; else print "-" }')"
	fi
	[ -n "$hwm" ] && row "relay: console send queue high-water, events" \
	    "$hwm" "-" "-"
fi

row "bare sqlite rows/s, COMMIT per 4 bodies" \
    "$(num "$(fig "$S" sqlite_rows_per_s_txn_per_4_bodies)")" "-" "-"
row "bare sqlite alerts/s, all the relay's rows" \
    "$(num "$(fig "$S" sqlite_alerts_per_s_relay_rows)")" "-" "-"
row "bare sqlite alerts/s, the relay's rows, COMMIT per 4 bodies" \
    "$(num "$(fig "$S" sqlite_alerts_per_s_relay_rows_txn_per_4_bodies)")" \
    "-" "-"
row "bare sqlite commits/s (fsync rate)" \
    "$(num "$(fig "$S" sqlite_commits_per_s_txn_per_body)")" "-" "-"
row "jansson parse alerts/s" \
    "$(num "$(fig "$S" jansson_bodies_parse_alerts_per_s)")" "-" "-"

# ---- 3. other benchmarks ----------------------------------------------------

cd "$tmp" || exit 1
BENCH_BUILD=$BUILD
BENCH_TMP=$tmp
export BENCH_BUILD BENCH_TMP
for b in "$BUILD"/bench/bench_*; do
	name=${b##*/}
	case $name in
	bench_relay | bench_sqlite | *.o | *.d) continue ;;
	esac
	if [ ! -f "$b" ] || [ ! -x "$b" ]; then
		continue
	fi
	echo "bench: $name" >&2
	if ! run_child "$tmp/$name.out" timeout "$OTHER_TIMEOUT" "$b"; then
		echo "bench.sh: $name failed" >&2
		status=1
	fi
	awk -F'[ \t]+' 'NF >= 2 && $1 ~ /^[A-Za-z_][A-Za-z0-9_.:-]*$/ {
		target = "-"
		if (NF >= 3) {
			target = $3
			for (i = 4; i <= NF; i++) target = target " " $i
		}
		printf "%s\t%s\t%s\t-\n", $1, $2, target
	}' "$tmp/$name.out" >>"$tmp/rows"
done

# ---- 4. the real programs: a console in tmux, amtool vs warroom, stats -------

for sc in bench-console.sh bench-amtool.sh bench-stats.sh; do
	[ -n "${BENCH_SKIP_SCRIPTS:-}" ] && break
	script=$ROOT/scripts/$sc
	[ -f "$script" ] || continue
	echo "bench: $sc" >&2
	if ! run_child "$tmp/$sc.out" timeout 180 sh "$script" "$BUILD"; then
		echo "bench.sh: $sc failed" >&2
		status=1
	fi
	awk -F'[ \t]+' 'NF >= 2 && $1 ~ /^[A-Za-z_][A-Za-z0-9_.:-]*$/ &&
	    $2 ~ /^[-0-9.]+$/ {
		target = "-"
		if (NF >= 3) {
			target = $3
			for (i = 4; i <= NF; i++) target = target " " $i
		}
		printf "%s\t%s\t%s\t-\n", $1, $2, target
	}' "$tmp/$sc.out" >>"$tmp/rows"
done

# ---- the table ------------------------------------------------------------

echo
LC_ALL=C awk -F'\t' '
function w(s) {	# display width: count UTF-8 lead bytes, not bytes
	n = 0
	for (k = 1; k <= length(s); k++) {
		c = substr(s, k, 1)
		if (c < "\200" || c >= "\300") n++
	}
	return n
}
function pad(s, width) {
	out = s
	for (k = w(s); k < width; k++) out = out " "
	return out
}
BEGIN { h[1] = "figure"; h[2] = "value"; h[3] = "target"; h[4] = "baseline"
	for (j = 1; j <= 4; j++) cw[j] = w(h[j]) }
{ nr++; for (j = 1; j <= 4; j++) { cell[nr, j] = $j; if (w($j) > cw[j]) cw[j] = w($j) } }
END {
	line = ""
	for (j = 1; j <= 4; j++) line = line (j > 1 ? " | " : "") pad(h[j], cw[j])
	sub(/ +$/, "", line)
	print line
	line = ""
	for (j = 1; j <= 4; j++) {
		d = ""
		for (k = 0; k < cw[j]; k++) d = d "-"
		line = line (j > 1 ? "-|-" : "") d
	}
	print line
	for (r = 1; r <= nr; r++) {
		line = ""
		for (j = 1; j <= 4; j++)
			line = line (j > 1 ? " | " : "") pad(cell[r, j], cw[j])
		sub(/ +$/, "", line)
		print line
	}
}' "$tmp/rows"

exit $status

# Shared helpers for the end-to-end tests: a scratch directory, free ports,
# a real warroomd on loopback, and small assertions.  Sourced, not run.
set -u
BUILD=${WR_BUILD:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WARROOMD="$ROOT/$BUILD/warroomd"
WARROOM="$ROOT/$BUILD/warroom"
FIX="$ROOT/tests/fixtures"
T=$(mktemp -d /tmp/warroom-e2e.XXXXXX)
PIDS=""
FAILS=0
CHECKS=0

# The sanitizer build (make sanitize): every program a test starts writes
# any AddressSanitizer, LeakSanitizer or UBSan report to $T/sanitizer.PID,
# and finish fails the test when one is there.  Leaks are checked at exit
# (finish stops what is still running with SIGTERM first).  The allocator
# options make an RSS bound mean under ASan what it means in the plain
# build: freed blocks wait in a 1 MB quarantine (enough to catch a use
# soon after a free), not the default 256 MB that a busy relay fills (138 MB
# RSS in slow-console.sh, against 20 MB in the plain build); freed pages go
# back to the system at once; allocation stacks are 8 frames deep.  A plain
# build ignores all of this.
SAN_LOG="$T/sanitizer"
ASAN_OPTIONS="detect_leaks=1:log_path=$SAN_LOG:quarantine_size_mb=1:thread_local_quarantine_size_kb=64:allocator_release_to_os_interval_ms=0:malloc_context_size=8${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
UBSAN_OPTIONS="print_stacktrace=1:log_path=$SAN_LOG${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS UBSAN_OPTIONS

# At exit (and on INT, TERM or HUP): every process the test started is
# stopped (a stopped one continued, so that it can take its SIGTERM), then
# what on_exit added runs, then $T goes unless a check failed or KEEP is
# set.
EXIT_HOOKS=
# on_exit COMMAND: one more thing to undo at exit (a line for eval: the
# tmux server, a file system the test mounted), in the order added, after
# the processes are stopped and before $T is removed.
on_exit() {
	EXIT_HOOKS="$EXIT_HOOKS$1
"
}
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; kill -CONT "$p" 2>/dev/null; done
	sleep 0.2
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	eval "$EXIT_HOOKS"
	if [ "$FAILS" -eq 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$T"; else echo "  (kept $T)"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

free_port() {
	python3 - <<'PY' 2>/dev/null || echo $((20000 + $$ % 20000))
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

ok() { CHECKS=$((CHECKS + 1)); echo "  ok   $1"; }
fail() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "  FAIL $1"; }
check() { # check NAME COMMAND...
	name=$1; shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}
eq() { # eq NAME GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got '$2', want '$3'"; fi
}
# alive PID: the process is running (not gone, not a zombie)
alive() {
	st=$(ps -o stat= -p "$1" 2>/dev/null | tr -d ' ')
	[ -n "$st" ] && [ "${st#Z}" = "$st" ]
}

# stop_all: SIGTERM to every process the test started, then wait (up to
# 20 s each) until it has exited, so that its exit-time leak check is done.
stop_all() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do
		for _ in $(seq 1 200); do alive "$p" || break; sleep 0.1; done
	done
}

# sanitizer_reports: a failed check for each report a sanitizer wrote.
sanitizer_reports() {
	for f in "$SAN_LOG".*; do
		[ -e "$f" ] || continue
		fail "a sanitizer report from pid ${f##*.}:"
		sed -n '1,60p' "$f" | sed 's/^/    /'
	done
}

finish() {
	stop_all
	sanitizer_reports
	echo "  $CHECKS checks, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}

# A token file with a console+ingest token, an ingest-only token for
# Alertmanager, and a second console token.
make_tokens() {
	TOK_OPS=ops0123456789abcdef0123456789
	TOK_AM=am0123456789abcdef0123456789
	TOK_BOB=bob0123456789abcdef012345678
	cat > "$T/tokens" <<EOT
# name token roles
ops $TOK_OPS console,ingest users=*
am $TOK_AM ingest
bob $TOK_BOB console users=*
EOT
	chmod 600 "$T/tokens"
	printf '%s\n' "$TOK_OPS" > "$T/ops.token"
	printf '%s\n' "$TOK_BOB" > "$T/bob.token"
	chmod 600 "$T/ops.token" "$T/bob.token"
}

# pd_tokens: the routing keys of the six PagerDuty senders' fixtures
# (tests/fixtures/pagerduty-events-v2) added to $T/tokens as ingest tokens
# (pd-grafana, pd-gopd, ...): their credential is in the body.
pd_tokens() {
	cat >> "$T/tokens" <<'EOT'
pd-grafana ROUTING_KEY_GRAFANA_0123456789ab ingest
pd-gopd ROUTING_KEY_GOPD_0123456789abcd ingest
pd-zabbix ROUTING_KEY_ZBX_0123456789abcdef ingest
pd-checkmk ROUTING_KEY_CMK_0123456789abcdef ingest
pd-kapacitor ROUTING_KEY_KAPA_0123456789abcd ingest
pd-pypd ROUTING_KEY_PYPD_0123456789abcd ingest
EOT
}

# start_relay [extra args]: sets PORT, RELAY_PID, URL, FEED
start_relay() {
	PORT=${PORT:-$(free_port)}
	URL="http://127.0.0.1:$PORT"
	FEED="ws://127.0.0.1:$PORT/feed"
	"$WARROOMD" --listen "127.0.0.1:$PORT" --db "$T/relay.db" \
	    --tokens "$T/tokens" --heartbeat 1000 "$@" >>"$T/relay.log" 2>&1 &
	RELAY_PID=$!
	PIDS="$PIDS $RELAY_PID"
	for _ in $(seq 1 100); do
		curl -fs "$URL/healthz" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "relay did not start:"; cat "$T/relay.log"
	return 1
}

stop_relay() {
	kill "-${1:-TERM}" "$RELAY_PID" 2>/dev/null
	wait "$RELAY_PID" 2>/dev/null
}

post() { # post PATH FILE [TOKEN] -> prints the HTTP code, body in $T/body
	curl -s -o "$T/body" -w '%{http_code}' -X POST \
	    -H "Authorization: Bearer ${3:-$TOK_AM}" \
	    -H 'Content-Type: application/json' \
	    --data-binary @"$2" "$URL$1"
}

head_seq() {
	curl -fs "$URL/healthz" | sed -n 's/.*"head":\([0-9]*\).*/\1/p'
}

# wait_for FILE PATTERN [TRIES]: wait until grep finds PATTERN in FILE
wait_for() {
	for _ in $(seq 1 "${3:-100}"); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# other_epoch_db DB USER: $T/DB, a console database that followed another
# relay (another epoch), so that its next connection to this one is a
# snapshot; 0 when it was made.
other_epoch_db() {
	_p=$(free_port)
	"$WARROOMD" --listen "127.0.0.1:$_p" --db "$T/other-$1" \
	    --tokens "$T/tokens" >>"$T/other.log" 2>&1 &
	_o=$!
	for _ in $(seq 1 100); do
		curl -fs "http://127.0.0.1:$_p/healthz" >/dev/null 2>&1 && break
		sleep 0.05
	done
	"$WARROOM" list --feed "ws://127.0.0.1:$_p/feed" \
	    --token-file "$T/ops.token" --user "$2" --db "$T/$1" \
	    --timeout 10 >/dev/null 2>&1
	_rc=$?
	kill "$_o"
	wait "$_o" 2>/dev/null
	return $_rc
}

# start_tail: `warroom tail --json` of the relay at $FEED into $T/tail.out,
# following it across restarts; count KIND [PATTERN]: the events of KIND
# it printed (whose line has PATTERN); wait_count KIND PATTERN N: until
# there are N such (20 s), else 1 with the tail shown.
start_tail() {
	"$WARROOM" tail --json --feed "$FEED" --token-file "$T/ops.token" \
	    --backoff-cap 300 --log "$T/tail.log" >"$T/tail.out" \
	    2>"$T/tail.err" &
	TAIL=$!
	PIDS="$PIDS $TAIL"
}
count() {
	grep "\"kind\":\"$1\"" "$T/tail.out" | grep -c -- "${2:-}"
}
wait_count() {
	for _ in $(seq 1 200); do
		[ "$(count "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.1
	done
	echo "    tail so far:"; sed 's/^/    |/' "$T/tail.out"
	return 1
}

# notified NAME NOTIFIER: the words of NAME's notified events through
# NOTIFIER in the relay's log ($T/relay.db), one a line, oldest first
# ("502, retrying in 1 s", "delivered").  wait_notified NAME NOTIFIER
# PATTERN: 0 once one of them matches PATTERN (grep), 1 after 30 s.
NOTIFIED=$(sed -n 's/.*X(NOTIFIED, \([0-9]*\),.*/\1/p' "$ROOT/core/model.h")
notified() {
	sqlite3 "$T/relay.db" "SELECT substr(json_extract(body, '\$.text'),
	    length('$1 via $2: ') + 1) FROM events
	    WHERE kind = $NOTIFIED AND json_extract(body, '\$.person') = '$1'
	    AND json_extract(body, '\$.notifier') = '$2' ORDER BY seq"
}
wait_notified() {
	for _ in $(seq 1 300); do
		notified "$1" "$2" | grep -q -- "$3" && return 0
		sleep 0.1
	done
	return 1
}

# handoff_in SECONDS NOTICE USERS: a relay config ($T/relay.conf) whose
# schedule primary (UTC, handoff-notice NOTICE) hands over from alice to
# frank SECONDS from now, an hourly rotation that began an hour before;
# its notifier pager, serving USERS ("alice, frank"), runs
# $T/notice.sh, which keeps what it is given: the JSON on stdin in
# $T/in.KIND.PERSON, its environment in $T/env.KIND.PERSON.  Sets HANDOFF
# and START (UTC, to the second, no zone: 2026-11-27T09:00:00).
handoff_in() {
	cat > "$T/notice.sh" <<EOT
#!/bin/sh
cat > "$T/in.\$WARROOM_KIND.\$WARROOM_PERSON"
env > "$T/env.\$WARROOM_KIND.\$WARROOM_PERSON"
EOT
	read -r HANDOFF START <<EOT
$(python3 -c '
import datetime, sys, time
h = datetime.datetime.fromtimestamp(int(time.time()) + int(sys.argv[1]),
                                    datetime.timezone.utc)
s = h - datetime.timedelta(hours=1)
print(h.strftime("%Y-%m-%dT%H:%M:%S"), s.strftime("%Y-%m-%dT%H:%M:%S"))' "$1")
EOT
	cat > "$T/relay.conf" <<EOT
[schedule primary]
timezone = UTC
handoff-notice = $2

[layer primary.hourly]
rotation = 1h
start = $START
participants = alice, frank

[notifier pager]
type = command
command = sh $T/notice.sh
users = $3
EOT
}

# kinds KIND [ID]: how many KIND events incident ID's (1's) timeline
# holds, as `warroom export --json` gives it (0 while it cannot).
# until_kinds KIND N: 0 once that is N, 1 after 20 s.
kinds() {
	"$WARROOM" export "${2:-1}" --json --feed "$FEED" \
	    --token-file "$T/ops.token" --db "$T/export.db" --timeout 20 \
	    2>>"$T/export.err" | python3 -c '
import json, sys
try:
    o = json.load(sys.stdin)
except ValueError:
    print(0); sys.exit()
print(sum(1 for e in o["timeline"] if e["kind"] == sys.argv[1]))' "$1"
}
until_kinds() {
	_end=$(( $(date +%s) + 20 ))
	while [ "$(kinds "$1")" != "$2" ]; do
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.3
	done
}

# schedule_weekly NAME ZONE PEOPLE: a relay config's [schedule NAME] in
# ZONE whose one layer, "weekly", hands over every Monday at 09:00 from
# Mon 2 March 2026 among PEOPLE ("alice, bob, carol": alice that first
# week; one person is on call at every hour), and a blank line, on stdout.
schedule_weekly() {
	cat <<EOT
[schedule $1]
timezone = $2

[layer $1.weekly]
rotation = 1w
start = 2026-03-02T09:00
participants = $3

EOT
}

# am_need [skip], am_config GROUP_BY [LINE...], am_start: a real
# Alertmanager delivering to this relay (lib/alertmanager.sh, shared with
# scripts/bench-amtool.sh).
. "$ROOT/tests/e2e/lib/alertmanager.sh"

# post_storm NAME N: N groups of 200 firing alerts each (the storm
# fixture's first alert on 200 instances), $T/NAME-0.json and on, posted
# to the relay one after the other: thousands of events.
post_storm() {
	python3 - "$FIX/alertmanager/storm-40-firing.json" "$T" "$1" "$2" <<'PY'
import json, sys
body = json.load(open(sys.argv[1]))
base = body["alerts"][0]
name = sys.argv[3]
for i in range(int(sys.argv[4])):
    body["groupKey"] = '{}:{%s="%d"}' % (name, i)
    body["alerts"] = []
    for j in range(200):
        a = json.loads(json.dumps(base))
        a["fingerprint"] = "%08x%08x" % (i, j)
        a["labels"]["instance"] = "edge-%d-%d:9100" % (i, j)
        body["alerts"].append(a)
    json.dump(body, open("%s/%s-%d.json" % (sys.argv[2], name, i), "w"))
PY
	for i in $(seq 0 $(($2 - 1))); do
		post /hooks/alertmanager "$T/$1-$i.json" >/dev/null
	done
}

# hold_lock [SECONDS]: a second connection holds the relay's log
# ($T/relay.db) write-locked (BEGIN IMMEDIATE: the relay's commits wait,
# up to its busy timeout) until release_lock, or SECONDS (3 unless told)
# have passed; returns once the lock is held (5 s at most).
hold_lock() {
	rm -f "$T/lock.held" "$T/lock.release"
	python3 - "$T/relay.db" "$T/lock.held" "$T/lock.release" "${1:-3}" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
for _ in range(int(float(sys.argv[4]) * 100)):
    if os.path.exists(sys.argv[3]):
        break
    time.sleep(0.01)
db.execute("ROLLBACK")
PY
	LOCK=$!
	for _ in $(seq 1 100); do [ -e "$T/lock.held" ] && return 0; sleep 0.05; done
	return 1
}
release_lock() { touch "$T/lock.release"; wait "$LOCK"; }

# ---- consoles under tmux -------------------------------------------------
# tmux_init: a private tmux server for this test ($T/tmux.sock), killed at
# exit.  Then start_console WIN USER TOKENFILE [args] runs the console in
# window WIN as a person starts it; cap, wait_screen, wait_row and
# watch_status read what it shows.  A wait polls every 0.1 s, WAIT_TRIES
# times (150 unless the test sets it) unless the call says how many.
tmux_init() {
	if ! command -v tmux >/dev/null 2>&1; then
		echo "  FAIL tmux is needed (make deps)"
		exit 1
	fi
	unset TMUX TMUX_PANE
	SESS=wr
	on_exit 'tm kill-server >/dev/null 2>&1'
}
tm() { tmux -S "$T/tmux.sock" -f /dev/null "$@"; }

# cap WIN: the screen of window WIN, one line per row, in $T/scr.WIN
cap() { tm capture-pane -p -t "$SESS:$1" > "$T/scr.$1" 2>/dev/null; }

# screen_poll seen|gone WIN ERE TRIES [ROW]: poll until a row of WIN (or
# row ROW only: a number from 1, or $ for the status row) matches ERE
# (seen), or until none does (gone); on a timeout show the screen.
screen_poll() {
	case $4 in
	''|*[!0-9]*)	# a row given where the tries go: say so, loudly
		echo "    screen_poll: '$4' is no number of tries (a row? wait_row)"
		return 1 ;;
	esac
	for _ in $(seq 1 "$4"); do
		cap "$2"
		if [ -n "${5:-}" ]; then sed -n "${5}p" "$T/scr.$2"; else cat "$T/scr.$2"; fi |
		    grep -Eq -- "$3"
		case $1$? in seen0|gone1) return 0 ;; esac
		sleep 0.1
	done
	if [ "$1" = seen ]; then
		echo "    screen of $2, waited for /$3/${5:+ on row $5}:"
	else
		echo "    screen of $2, waited for /$3/ to go${5:+ from row $5}:"
	fi
	sed 's/^/    |/' "$T/scr.$2"
	return 1
}
# wait_screen WIN ERE [TRIES]: until a row of WIN matches ERE
wait_screen() { screen_poll seen "$1" "$2" "${3:-${WAIT_TRIES:-150}}"; }
# wait_row WIN ROW ERE [TRIES]: until row ROW (a number, or $) matches ERE
wait_row() { screen_poll seen "$1" "$3" "${4:-${WAIT_TRIES:-150}}" "$2"; }
# wait_row_gone WIN ROW ERE [TRIES]: until row ROW no longer matches ERE
wait_row_gone() { screen_poll gone "$1" "$3" "${4:-${WAIT_TRIES:-150}}" "$2"; }
# line_of WIN N: row N (from 1; $ is the status row) of WIN's last capture
line_of() { sed -n "${2}p" "$T/scr.$1"; }

# start_console WIN USER TOKENFILE [args]: the console in a new tmux window
# as a person starts it, on $T/USER.db (or on $CONSOLE_DB where the test
# sets it; set but empty, on the default file, under XDG_DATA_HOME), with
# $CONSOLE_ARGS and then ARGS; its exit status goes to $T/WIN.exit.  The
# first window makes the session, of $CONSOLE_SIZE (WxH, 120x40 unless
# the test sets it).
start_console() {
	win=$1 user=$2 tok=$3
	shift 3
	rm -f "$T/$win.exit"
	db=${CONSOLE_DB-$T/$user.db}
	[ -n "$db" ] && db="--db '$db'"
	cmd="env -u NO_COLOR TERM=xterm-256color LC_ALL=C.UTF-8 TZ=UTC \
XDG_CONFIG_HOME='$T/xdg-config' XDG_DATA_HOME='$T/xdg-data' \
'$WARROOM' --feed '$FEED' --token-file '$T/$tok' --user $user \
$db --log '$T/$win.log' ${CONSOLE_ARGS:-} $*; \
echo \$? > '$T/$win.exit'"
	if tm has-session -t "$SESS" 2>/dev/null; then
		tm new-window -d -t "$SESS:" -n "$win" "$cmd"
	else
		size=${CONSOLE_SIZE:-120x40}
		tm new-session -d -s "$SESS" -x "${size%x*}" -y "${size#*x}" \
		    -n "$win" "$cmd"
		# (no `set -g window-size manual`: with no client attached it
		# kills tmux 3.3a's server; resize-window sets it per window)
		# an OSC 52 that reached tmux would become a paste buffer
		tm set -g set-clipboard on
	fi
}

# pid_of WIN: the console's pid in window WIN (the child of the pane's
# shell), once it has started (5 s at most)
pid_of() {
	sh_pid=$(tm display -p -t "$SESS:$1" '#{pane_pid}' 2>/dev/null)
	[ -n "$sh_pid" ] || return 1
	for _ in $(seq 1 50); do
		p=$(ps -o pid= --ppid "$sh_pid" 2>/dev/null | head -n 1 | tr -d ' ')
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.1
	done
	return 1
}

# wait_exit WIN [TRIES]: the exit status of WIN's console, once it has
# one (nothing if it has none by then)
wait_exit() {
	for _ in $(seq 1 "${2:-${WAIT_TRIES:-150}}"); do
		[ -s "$T/$1.exit" ] && break
		sleep 0.1
	done
	cat "$T/$1.exit" 2>/dev/null
}

# watch_status WIN: from now on, in the background, each status row WIN
# shows goes to $T/status.WIN when it changes, after the wall-clock
# millisecond it was seen ("MS ROW"), until unwatch_status WIN.
watch_status() {
	: > "$T/status.$1"
	rm -f "$T/status.$1.stop"
	(
		prev=
		while [ ! -e "$T/status.$1.stop" ]; do
			cur=$(tm capture-pane -p -t "$SESS:$1" 2>/dev/null |
			    sed -n '$p')
			if [ -n "$cur" ] && [ "$cur" != "$prev" ]; then
				printf '%s %s\n' "$(date +%s%3N)" "$cur" \
				    >> "$T/status.$1"
				prev=$cur
			fi
			sleep 0.05
		done
	) &
	eval "WATCH_$1=$!"
	PIDS="$PIDS $!"
}
unwatch_status() {
	touch "$T/status.$1.stop"
	eval "wait \$WATCH_$1"
}
# status_at WIN ERE AFTER [TRIES]: poll until a status row of WIN seen at
# or after the millisecond AFTER matches ERE; print the millisecond it was
# seen.
status_at() {
	for _ in $(seq 1 "${4:-${WAIT_TRIES:-150}}"); do
		t=$(awk -v re="$2" -v after="$3" '{
			ms = $1; sub(/^[0-9]+ /, "")
			if (ms + 0 >= after + 0 && $0 ~ re) { print ms; exit }
		}' "$T/status.$1")
		[ -n "$t" ] && { echo "$t"; return 0; }
		sleep 0.1
	done
	echo "    status rows of $1 since $3, waited for /$2/:" >&2
	sed 's/^/    |/' "$T/status.$1" >&2
	return 1
}
# wait_status WIN ERE [TRIES]: until a status row WIN showed since
# watch_status WIN matches ERE
wait_status() { status_at "$1" "$2" 0 "${3:-}" >/dev/null; }
# status_rows WIN: the status rows WIN showed since watch_status, in order
status_rows() { cut -d ' ' -f 2- "$T/status.$1"; }

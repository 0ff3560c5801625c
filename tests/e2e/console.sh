#!/bin/sh
# The real console as people use it, under tmux: two consoles (alice, bob) in
# two windows of a private tmux server, alerts posted with curl; `a` in one
# console shows "acknowledged by alice" in both; an ack made while the relay
# is down is shown queued and delivered once when it is back; a console killed
# with -9 right after it showed an op as queued finds the op in its outbox on
# restart and delivers it once; hostile alert text keeps the layout and puts
# no control sequence from the data on the terminal (raw bytes captured with
# pipe-pane); resizes down to 1x1 and up to 300x80; q exits 0.  Also: a
# refused token says TOKEN REFUSED, a silent (SIGSTOPped) relay turns LIVE
# into STALE, a note in flight when its console is killed is added once, a
# hostile actor name is drawn harmless, and storms of resizes with the help
# or the note prompt open.  About 10 s; every wait is bounded (15 s at most).
. "$(dirname "$0")/lib.sh"
echo "console: two consoles under tmux: acks live and offline, kill -9, hostile text, resize"
tmux_init	# lib.sh: tm, cap, wait_screen, wait_row, start_console, pid_of
CONSOLE_ARGS="--backoff-cap 300"

ESC=$(printf '\033')

# A list row: " #ID SEV STATE AGE TITLE... SERVICE F/N [ACK BY] [OP]".
# The ACK BY and OP columns are what follows the ALERTS column (capture-pane
# drops trailing blanks): "... 1/1     alice", "... 1/1     queued".
row() { # row ID SEV STATE TAIL: an ERE for that row
	printf '^ #%s +%s +%s +[0-9]+[smhd] .* [0-9]+/[0-9]+%s$' "$1" "$2" "$3" "$4"
}

# acks_in FILE ID USER: acknowledged events of incident ID by USER in FILE
acks_in() {
	grep "\"kind\":\"acknowledged\",\"incident\":$2," "$1" |
	    grep -c "\"actor\":\"$3\""
}

# replay_log: the relay's whole log, as a fresh `warroom tail --json` gets it
replay_log() {
	head=$(head_seq)
	: > "$T/replay.out"
	"$WARROOM" tail --json --feed "$FEED" --token-file "$T/ops.token" \
	    >"$T/replay.out" 2>"$T/replay.err" &
	rp=$!
	wait_for "$T/replay.out" "\"seq\":$head," 150
	kill "$rp" 2>/dev/null
	wait "$rp" 2>/dev/null
}

make_tokens
start_relay || exit 1
"$WARROOM" tail --json --feed "$FEED" --token-file "$T/ops.token" \
    --backoff-cap 300 >"$T/tail.out" 2>"$T/tail.err" &
TAIL=$!
PIDS="$PIDS $TAIL"

start_console alice alice ops.token
start_console bob bob bob.token
# alice's raw output from the start: the bell for a new critical incident
tm pipe-pane -o -t "$SESS:alice" "cat >> '$T/alice.raw'"
eq "the tmux window is 120x40" \
    "$(tm display -p -t "$SESS:alice" '#{window_width}x#{window_height}')" 120x40
ALICE=$(pid_of alice)
BOB=$(pid_of bob)
PIDS="$PIDS $ALICE $BOB"
check "alice's console is LIVE, as alice" wait_row alice '$' '^ LIVE +as alice'
check "bob's console is LIVE, as bob" wait_row bob '$' '^ LIVE +as bob'
if [ "$FAILS" -gt 0 ]; then
	echo "  (the consoles did not start; see $T/*.log)"
	finish
	exit 1
fi

# credentials in the feed URL are refused without being repeated
"$WARROOM" list --feed "ws://alice:S3cr3tT0ken@127.0.0.1:$PORT/feed" \
    >"$T/url.out" 2>"$T/url.err"
eq "credentials in the feed URL: refused as bad usage (64)" "$?" 64
check "the refusal says why" grep -q 'has credentials in it' "$T/url.err"
eq "and does not repeat the secret" "$(grep -c 'S3cr3t\|alice' "$T/url.err")" 0

# wss:// to this plain-HTTP relay says so, rather than blaming a certificate
"$WARROOM" list --feed "wss://127.0.0.1:$PORT/feed" --token-file "$T/ops.token" \
    --db "$T/wss.db" --timeout 2 >"$T/wss.out" 2>"$T/wss.err"
eq "wss:// to a plain relay: not reached (75)" "$?" 75
check "and says it answered plain HTTP: use ws://" \
    grep -q "answered plain HTTP, not TLS: use ws://127.0.0.1:$PORT/feed" "$T/wss.err"
check "without blaming the certificate" sh -c "! grep -q certificate '$T/wss.err'"

# an op without an incident number says so
"$WARROOM" ack --feed "$FEED" --token-file "$T/ops.token" >"$T/noid.out" 2>&1
eq "warroom ack with no id: bad usage (64)" "$?" 64
check "and says: ack needs an incident number" \
    grep -q '^warroom: ack needs an incident number$' "$T/noid.out"

# a refused token is said on the status line, and not retried; the token
# file is open to others, which is said too (on the status line, once in
# the log)
printf 'not-a-real-token-at-all\n' > "$T/bad.token"
chmod 644 "$T/bad.token"
start_console eve eve bad.token
check "a refused token: the status line says TOKEN REFUSED" \
    wait_row eve '$' '^ TOKEN REFUSED +as eve'
check "a token file open to others: the status line says so" \
    wait_row eve '$' 'token file .*bad.token is open to others \(mode 0644\)'
eq "and the log says it once" \
    "$(grep -c 'token file .*bad.token is open to others' "$T/eve.log")" 1
eq "alice's token file (0600) is not warned about" \
    "$(grep -c 'open to others' "$T/alice.log")" 0
sleep 1
check "and still does a second later (no retrying)" \
    wait_row eve '$' '^ TOKEN REFUSED +as eve'
tm send-keys -t "$SESS:eve" q
check "q leaves it" test -n "$(wait_exit eve)"
check "an empty room says so" wait_row alice 2 'no incidents'

# ---- alerts arrive: both consoles show them -----------------------------------
eq "storm posted" "$(post /hooks/alertmanager "$FIX/alertmanager/storm-40-firing.json")" 200
eq "single warning posted" "$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")" 200
for w in alice bob; do
	check "$w sees the storm (#1, critical, 40 alerts)" \
	    wait_screen $w "$(row 1 CRIT triggered '')"
	check "$w sees the single warning (#2)" \
	    wait_screen $w '^ #2 +WARN +triggered +.*p99 latency burning error budget'
done
cap alice
eq "the header is the first row" "$(line_of alice 1 | cut -c1-18)" " ID SEV  STATE    "
check "the header has the ACK BY column" grep -Eq 'ALERTS +ACK BY' "$T/scr.alice"
# The default order puts triggered before acknowledged, then critical first:
# #1 is the first row and the selection starts there (the detail shows it).
eq "the first row is #1, the critical storm" "$(line_of alice 2 | cut -c1-8)" " #1 CRIT"
check "#1 is the selected incident (the detail pane shows it)" \
    grep -Eq '^ #1  NodeDown' "$T/scr.alice"
check "a new critical incident rang alice's bell" \
    sh -c "tr -cd '\\007' < '$T/alice.raw' | grep -q ."

# ---- `a` in alice's console: acknowledged by alice in both ---------------------
tm send-keys -t "$SESS:alice" a
for w in alice bob; do
	check "$w shows #1 acknowledged, ACK BY alice" \
	    wait_screen $w "$(row 1 CRIT acknowledged ' +alice')"
done
check "the feed has alice's ack of #1" \
    wait_for "$T/tail.out" '"kind":"acknowledged","incident":1,.*"actor":"alice"' 150
check "bob's status line still says bob" wait_row bob '$' '^ LIVE +as bob '

# ---- the relay dies: an ack is queued, then delivered once ---------------------
kill -9 "$RELAY_PID"; wait "$RELAY_PID" 2>/dev/null
check "alice's status line says OFFLINE" wait_row alice '$' '^ OFFLINE'
check "bob's status line says OFFLINE" wait_row bob '$' '^ OFFLINE'
# #1 is acknowledged now, so #2 (triggered) is the first row: g selects it.
tm send-keys -t "$SESS:alice" g
check "g selects #2 (the detail pane shows it)" wait_screen alice '^ #2  p99 latency'
tm send-keys -t "$SESS:alice" a
check "alice's status line counts 1 queued" wait_row alice '$' '^ OFFLINE.* 1 queued( |$)'
check "#2's row says queued (OP column), not yet acknowledged" \
    wait_screen alice "$(row 2 WARN triggered ' +queued')"
eq "the relay has not seen it" "$(acks_in "$T/tail.out" 2 alice)" 0
sleep 1
cap alice
check "still queued a second later" grep -Eq "$(row 2 WARN triggered ' +queued')" "$T/scr.alice"
start_relay || exit 1
check "alice is LIVE again" wait_row alice '$' '^ LIVE'
for w in alice bob; do
	check "$w shows #2 acknowledged, ACK BY alice" \
	    wait_screen $w "$(row 2 WARN acknowledged ' +alice')"
done
check "alice's queued count is gone" wait_row_gone alice '$' ' [0-9]+ queued( |$)'
check "the feed has alice's ack of #2" \
    wait_for "$T/tail.out" '"kind":"acknowledged","incident":2,.*"actor":"alice"' 150

# ---- kill -9 the console right after it showed an op queued -------------------
eq "a third incident posted" "$(post /hooks/alertmanager "$FIX/alertmanager/unicode-labels.json")" 200
for w in alice bob; do
	check "$w sees #3 (info)" wait_screen $w '^ #3 +INFO +triggered +.*TLS cert for api'
done
kill -9 "$RELAY_PID"; wait "$RELAY_PID" 2>/dev/null
check "alice is OFFLINE again" wait_row alice '$' '^ OFFLINE'
tm send-keys -t "$SESS:alice" g
check "g selects #3, the one triggered incident" wait_screen alice '^ #3  TLS cert'
tm send-keys -t "$SESS:alice" a
check "the ack of #3 is shown queued" wait_screen alice "$(row 3 INFO triggered ' +queued')"
tm send-keys -t "$SESS:alice" n
check "n asks for a note on #3" wait_row alice '$' '^note on #3:'
tm send-keys -t "$SESS:alice" -l "rolled back deploy 4711"
tm send-keys -t "$SESS:alice" Enter
check "alice's status line counts 2 queued" wait_row alice '$' ' 2 queued( |$)'
kill -9 "$ALICE"
eq "alice's console died of SIGKILL" "$(wait_exit alice)" 137
eq "its bell rang once in its life (one new critical incident, not again on reconnect)" \
    "$(tr -cd '\007' < "$T/alice.raw" | wc -c | tr -d ' ')" 1
eq "nothing of it reached the relay" "$(acks_in "$T/tail.out" 3 alice)" 0

start_console alice2 alice ops.token
ALICE2=$(pid_of alice2)
PIDS="$PIDS $ALICE2"
check "the restarted console shows both ops queued" wait_row alice2 '$' ' 2 queued( |$)'
check "and #3's row as queued" wait_screen alice2 "$(row 3 INFO triggered ' +queued')"
check "and says OFFLINE, not LIVE" wait_row alice2 '$' '^ (OFFLINE|CONNECTING)'
start_relay || exit 1
check "the restarted console goes LIVE" wait_row alice2 '$' '^ LIVE +as alice'
for w in alice2 bob; do
	check "$w shows #3 acknowledged, ACK BY alice" \
	    wait_screen $w "$(row 3 INFO acknowledged ' +alice')"
done
check "nothing is queued any more" wait_row_gone alice2 '$' ' [0-9]+ queued( |$)'
check "the note reached the feed" wait_for "$T/tail.out" '"text":"rolled back deploy 4711"' 150
check "the ack of #3 reached the feed" \
    wait_for "$T/tail.out" '"kind":"acknowledged","incident":3,.*"actor":"alice"' 150

# ---- kill -9 with the op in flight: applied once --------------------------------
# The relay is stopped (SIGSTOP: its sockets stay up, it answers nothing), a
# note goes out into it, the console is killed before any answer can come;
# the relay resumes and applies the note.  The restarted console still has
# the note in its outbox: it must recognise its op id (in the replay, or in
# the relay's answer to a resend) and not add the note a second time.  (An
# ack would be a no-op the second time anyway: a note is the real test.)
# Meanwhile bob's console, hearing nothing, must stop saying LIVE: STALE.
kill -STOP "$RELAY_PID"
watch_status bob
tm send-keys -t "$SESS:alice2" g n
check "n on the first row asks for a note on #1" wait_row alice2 '$' '^note on #1:'
tm send-keys -t "$SESS:alice2" -l "in flight 0042"
tm send-keys -t "$SESS:alice2" Enter
check "the note is queued" wait_row alice2 '$' ' 1 queued( |$)'
sleep 0.5
kill -9 "$ALICE2"
eq "alice's console died of SIGKILL again" "$(wait_exit alice2)" 137
# (watched from the moment the relay stopped, however long the steps above
# took on a loaded machine: STALE lasts one heartbeat interval, 1 s here)
check "a silent relay: bob's console stops saying LIVE" \
    wait_status bob '^ (STALE|OFFLINE|CONNECTING|CATCHING)'
check "and says STALE n s first" \
    sh -c "cut -d ' ' -f 2- '$T/status.bob' | grep -v '^ LIVE ' | head -n 1 | grep -Eq '^ STALE [0-9]+ s '"
kill -CONT "$RELAY_PID"
unwatch_status bob
# (whether the note got out before the kill is up to the kernel: say which
# case this run tested; the log below must have the note once either way)
if wait_for "$T/tail.out" '"text":"in flight 0042"' 50; then
	echo "  note: the relay got the note before the kill; the restarted console must recognise it"
else
	echo "  note: the note did not get out before the kill; the restarted console sends it"
fi
check "bob's console is LIVE again" wait_row bob '$' '^ LIVE +as bob'
start_console alice3 alice ops.token
ALICE3=$(pid_of alice3)
PIDS="$PIDS $ALICE3"
check "the restarted console goes LIVE" wait_row alice3 '$' '^ LIVE +as alice'
check "and its outbox empties" wait_row_gone alice3 '$' ' [0-9]+ queued( |$)'
check "the note is in the feed" wait_for "$T/tail.out" '"text":"in flight 0042"' 150

# ---- hostile text: layout intact, no control sequence from the data -----------
# bob's raw output from here on; nothing critical is posted below, so any
# BEL is one from the data.
tm pipe-pane -o -t "$SESS:bob" "cat >> '$T/bob.raw'"
sleep 0.2
n=0
# one incident per case of strings.json (the text, JSON-escaped as it is
# there, as the summary and the service), oldest first
sed -n 's/^  "name": "\(.*\)",$/\1/p; s/^  "text": \(".*"\)$/\1/p' \
    "$FIX/hostile/strings.json" | while read -r name && read -r text; do
	n=$((n + 1))
	cat > "$T/h.json" <<EOT
{"receiver":"warroom","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"Hostile-$name","service":$text,"severity":"warning"},"annotations":{"summary":$text,"description":$text},"startsAt":"2026-11-27T15:50:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"$(printf '%016x' $n)"}],"groupLabels":{"alertname":"Hostile-$name"},"commonLabels":{"alertname":"Hostile-$name","severity":"warning"},"commonAnnotations":{},"externalURL":"http://vm:19093","version":"4","groupKey":"{}:{alertname=\\"Hostile-$name\\"}","truncatedAlerts":0}
EOT
	post /hooks/alertmanager "$T/h.json" > "$T/h.code"
	echo "$name $(cat "$T/h.code")" >> "$T/hostile.codes"
done
eq "every hostile string case was answered 2xx or 4xx (never 5xx)" \
    "$(grep -c ' [24][0-9][0-9]$' "$T/hostile.codes")" "$(wc -l < "$T/hostile.codes" | tr -d ' ')"
eq "the hostile fixture posted" \
    "$(post /hooks/alertmanager "$FIX/hostile/alertmanager-hostile.json")" 200
check "bob sees the hostile incident's title, made visible" \
    wait_screen bob 'disk full \^\[\]52;c;'
# an actor name is untrusted text too: a one-shot ack of #4 (the first
# strings case) as "ev<OSC 0>il"; the relay may refuse the name (65) or keep
# it, and then bob's ACK BY column shows it with visible tokens
"$WARROOM" ack 4 --feed "$FEED" --token-file "$T/ops.token" \
    --user "$(printf 'ev\033]0;owned\007il')" --db "$T/eve.db" --timeout 5 \
    >"$T/evil-ack.out" 2>&1
EVIL=$?
case $EVIL in
0) check "a hostile actor name is shown with visible tokens in ACK BY" \
    wait_screen bob '^ #4 +WARN +acknowledged .* [0-9]+/[0-9]+ +ev\^\[\]0;' ;;
65) ok "a hostile actor name is refused by the relay (65)" ;;
*) fail "a one-shot ack with a hostile actor name: exit $EVIL: $(cat "$T/evil-ack.out")" ;;
esac
# the hostile fixture is the newest triggered incident: g selects it
tm send-keys -t "$SESS:bob" g
check "bob's detail pane shows the hostile incident" wait_screen bob 'alertname +HostileText'
check "its description is drawn with visible tokens" \
    wait_screen bob 'api down\^\[\]0;owned'
sleep 0.5
cap bob
cp "$T/bob.raw" "$T/bob.raw.hostile"
eq "the screen is still 40 rows" "$(wc -l < "$T/scr.bob" | tr -d ' ')" 40
eq "the header is still the first row" "$(line_of bob 1 | grep -cE '^ ID +SEV +STATE +AGE +TITLE')" 1
eq "the status line is still the last row" "$(line_of bob '$' | grep -cE '^ LIVE +as bob ')" 1
bad=$(awk 'NR > 1 && /^ #[0-9]+  [^ ]/ { exit } NR > 1 && NF > 0 &&
    !/^ #[0-9]+ +(CRIT|ERR|WARN|INFO) +(triggered|acknowledged|resolved) +[0-9]+[smhd] / { print NR ": " $0 }
    NR > 1 && NF == 0 { exit }' "$T/scr.bob")
eq "every list row still starts with its id, severity, state and age" "$bad" ""
# and the ALERTS column (F/N) starts in the same terminal column on every row,
# wide and combining characters included (python3 measures; optional)
if command -v python3 >/dev/null 2>&1; then
	cols=$(python3 - "$T/scr.bob" <<'PY'
import re, sys, unicodedata
def width(c):
    if unicodedata.combining(c) or c in "\u200b\u200c\u200d\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1
seen = set()
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"^ #\d+ .*? (\d+/\d+)( |$)", line)
    if m:
        seen.add(sum(width(c) for c in line[:m.start(1)]))
print(" ".join(str(c) for c in sorted(seen)))
PY
)
	case $cols in
	*' '*|'') fail "the ALERTS column is in one place on every row: columns $cols" ;;
	*) ok "the ALERTS column is in one place on every row (column $cols)" ;;
	esac
fi
check "the detail pane's bar is in its place" \
    sh -c "grep -nE '^ #[0-9]+  disk full' '$T/scr.bob' | grep -q '^19:'"
eq "the data did not set the window title" \
    "$(tm display -p -t "$SESS:bob" '#{pane_title}' | grep -c owned)" 0
eq "the data did not set a tmux paste buffer (OSC 52)" "$(tm list-buffers | wc -l | tr -d ' ')" 0
raw="$T/bob.raw.hostile"
check "the raw capture has the hostile frames" grep -aq 'disk full' "$raw"
for m in "${ESC}]52;" "${ESC}]0;owned" "${ESC}Ptmux" "${ESC}[31mred" "${ESC}[6n" \
    "${ESC}[10;10Hmoved" "$(printf '\302\233')" "$(printf '\302\235')" \
    "$(printf '\302\234')" "$(printf '\342\200\256')" "$(printf '\342\200\213')" \
    "$(printf '\342\200\215')" "$(printf '\357\273\277')"; do
	name=$(printf '%s' "$m" | od -An -c | tr -s ' ' | sed 's/^ //')
	eq "no '$name' from the data in the raw output" \
	    "$(LC_ALL=C grep -a -c -F -e "$m" "$raw")" 0
done
eq "no OSC at all in the raw output" "$(LC_ALL=C grep -a -c -F -e "${ESC}]" "$raw")" 0
eq "no DCS at all in the raw output" "$(LC_ALL=C grep -a -c -F -e "${ESC}P" "$raw")" 0
eq "no BEL from the data in the raw output" "$(tr -cd '\007' < "$raw" | wc -c | tr -d ' ')" 0

# ---- resize: alive and drawn at every size --------------------------------------
resize() { tm resize-window -t "$SESS:bob" -x "$1" -y "$2"; }
resize 80 24
check "80x24: the status line is the last row" wait_row bob '$' '^ LIVE +as bob'
check "80x24: the header is the first row" wait_row bob 1 '^ ID +SEV +STATE'
eq "80x24: 24 rows" "$(wc -l < "$T/scr.bob" | tr -d ' ')" 24
check "80x24: alive" alive "$BOB"
resize 40 10
check "40x10: the status line is the last row" wait_row bob '$' '^ LIVE +as bob'
check "40x10: the list alone, header first" wait_row bob 1 '^ ID '
check "40x10: no detail pane" sh -c "! grep -q 'alertname' '$T/scr.bob'"
check "40x10: alive" alive "$BOB"
resize 20 5
check "20x5: the status line is the last row" wait_row bob '$' '^ LIVE +as bob'
check "20x5: the list header first" wait_row bob 1 '^ ID '
check "20x5: alive" alive "$BOB"
resize 18 4
check "18x4: terminal too small" wait_row bob 1 '^terminal too'
check "18x4: alive" alive "$BOB"
resize 1 1
tm display -p -t "$SESS:bob" '#{window_width}x#{window_height}' > "$T/size"
check "1x1 (tmux gave $(cat "$T/size")): one cell, drawn (the message cut to …)" \
    wait_row bob 1 '^(t|…)$'
check "1x1: alive" alive "$BOB"
resize 300 80
check "300x80: the status line is the last row" wait_row bob '$' '^ LIVE +as bob'
check "300x80: the header is the first row" wait_row bob 1 '^ ID +SEV +STATE'
check "300x80: list and detail side by side (the detail's bar on row 1)" \
    wait_row bob 1 '^ ID +SEV .* [x│] #[0-9]+  disk full'
eq "300x80: 80 rows" "$(wc -l < "$T/scr.bob" | tr -d ' ')" 80
check "300x80: alive" alive "$BOB"
# a storm of resizes with the help overlay open, then with the note prompt
storm() {
	for s in 100x30 30x8 1x1 200x60 5x5 80x24 19x5 20x4 2x40 250x3 60x15 \
	    1x80 300x1 160x9 120x40; do
		resize "${s%x*}" "${s#*x}"
	done
}
tm send-keys -t "$SESS:bob" '?'
check "? opens the help" wait_screen bob 'warroom keys'
storm
check "after a storm of resizes, the help at 120x40" wait_screen bob 'warroom keys - Esc'
check "after the storm: alive" alive "$BOB"
tm send-keys -t "$SESS:bob" Escape
check "Esc closes the help; the status line is back" wait_row bob '$' '^ LIVE +as bob'
tm send-keys -t "$SESS:bob" n
check "n opens the note prompt" wait_row bob '$' '^note on #[0-9]+:'
tm send-keys -t "$SESS:bob" -l "half typed"
storm
check "after a storm of resizes, the prompt keeps what was typed" \
    wait_row bob '$' '^note on #[0-9]+: half typed'
check "after the second storm: alive" alive "$BOB"
tm send-keys -t "$SESS:bob" Escape
check "Esc cancels the note" wait_row bob '$' '^ LIVE +as bob'
check "alice's console was not disturbed" wait_row alice3 '$' '^ LIVE +as alice'

# ---- never act on the wrong incident: a teammate's ack moves it ---------------
# A new critical incident sorts in at the top of alice's list; she selects
# it (g); bob acknowledges it in his console, so it moves down in hers,
# under other rows; her next note, and her resolve, still go to it: the
# selection belongs to the incident, not to the first row.
cat > "$T/x.json" <<EOT
{"receiver":"warroom","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"Checkout5xx","service":"checkout","severity":"critical"},"annotations":{"summary":"checkout 5xx rate"},"startsAt":"2026-11-27T15:50:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"00000000c0ffee00"}],"groupLabels":{"alertname":"Checkout5xx"},"commonLabels":{"alertname":"Checkout5xx","severity":"critical"},"commonAnnotations":{},"externalURL":"http://vm:19093","version":"4","groupKey":"{}:{alertname=\"Checkout5xx\"}","truncatedAlerts":0}
EOT
# (alice follows the top while it arrives, so that it is selected whenever
# it reaches her console, then stops following)
tm send-keys -t "$SESS:alice3" f
check "f: alice's status line says FOLLOWING TOP" \
    wait_row alice3 '$' '^ LIVE +as alice +FOLLOWING TOP'
eq "a new critical incident posted" "$(post /hooks/alertmanager "$T/x.json")" 200
check "the feed has it" \
    wait_for "$T/tail.out" '"kind":"triggered","incident":[0-9]*,.*checkout 5xx rate' 150
X=$(grep '"kind":"triggered"' "$T/tail.out" | grep 'checkout 5xx rate' |
    sed -n 's/.*"incident":\([0-9]*\),.*/\1/p' | head -n 1)
check "following the top, alice looks at #$X as it arrives" \
    wait_screen alice3 "^ #$X  checkout 5xx rate"
check "on her first row" wait_row alice3 2 "^ #$X +CRIT +triggered"
tm send-keys -t "$SESS:alice3" f
check "f again: no longer following" wait_row_gone alice3 '$' 'FOLLOWING TOP'
tm send-keys -t "$SESS:bob" -l ":#$X"
tm send-keys -t "$SESS:bob" Enter
check "bob selects #$X" wait_screen bob "^ #$X  checkout 5xx rate"
tm send-keys -t "$SESS:bob" a
check "alice sees bob's ack: #$X moved off her first row" \
    wait_screen alice3 "$(row "$X" CRIT acknowledged ' +bob')"
cap alice3
check "and another incident is on her first row now" \
    sh -c "sed -n 2p '$T/scr.alice3' | grep -Evq '^ #$X '"
check "her selection stayed on #$X (the detail shows it)" \
    grep -Eq "^ #$X  checkout 5xx rate" "$T/scr.alice3"
tm send-keys -t "$SESS:alice3" n
check "n asks for a note on #$X" wait_row alice3 '$' "^note on #$X:"
tm send-keys -t "$SESS:alice3" -l "looked at checkout"
tm send-keys -t "$SESS:alice3" Enter
check "the note went to #$X" \
    wait_for "$T/tail.out" "\"kind\":\"note\",\"incident\":$X,.*\"text\":\"looked at checkout\"" 150
tm send-keys -t "$SESS:alice3" r
check "r asks about #$X by id and title" \
    wait_row alice3 '$' "^resolve #$X \"checkout 5xx rate\"\\? y/n"
tm send-keys -t "$SESS:alice3" y
check "the resolve went to #$X" \
    wait_for "$T/tail.out" "\"kind\":\"resolved\",\"incident\":$X,.*\"actor\":\"alice\"" 150

# ---- severity: set by a person, with :sev and `warroom sev` --------------------
# #2 is a warning acknowledged by alice; bob's one-shot sets it critical
"$WARROOM" sev 2 critical --feed "$FEED" --token-file "$T/bob.token" \
    --user bob --db "$T/bob-oneshot.db" --timeout 5 >"$T/sev.out" 2>&1
eq "warroom sev 2 critical exits 0" "$?" 0
check "alice's list shows #2 critical" \
    wait_screen alice3 '^ #2 +CRIT +acknowledged .*p99 latency'
"$WARROOM" sev 2 loud --feed "$FEED" --token-file "$T/bob.token" \
    --user bob --db "$T/bob-oneshot.db" --timeout 5 >"$T/sev2.out" 2>&1
eq "warroom sev with a level that is none: 64" "$?" 64
check "and it says which levels there are" \
    grep -q 'critical, error, warning or info' "$T/sev2.out"
"$WARROOM" sev 99999 info --feed "$FEED" --token-file "$T/bob.token" \
    --user bob --db "$T/bob-oneshot.db" --timeout 5 >"$T/sev3.out" 2>&1
eq "warroom sev of an unknown incident: refused, 65" "$?" 65
# :sev in alice's console, on the incident given
tm send-keys -t "$SESS:alice3" -l ":sev #3 error"
tm send-keys -t "$SESS:alice3" Enter
check ":sev #3 error: the feed has it, by alice" \
    wait_for "$T/tail.out" '"kind":"severity_set","incident":3,.*"actor":"alice"' 150
check "alice's list shows #3 as ERR" wait_screen alice3 '^ #3 +ERR +acknowledged'
tm send-keys -t "$SESS:alice3" -l ":#3"
tm send-keys -t "$SESS:alice3" Enter
check "its detail says who set it" wait_screen alice3 'error \(set by alice\)'
# list --json: the level, the source's own word, who set it
cat > "$T/sev2.json" <<EOT
{"receiver":"warroom","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"QueueDepth","service":"jobs","severity":"SEV-2"},"annotations":{"summary":"queue depth"},"startsAt":"2026-11-27T15:50:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"00000000005e0002"}],"groupLabels":{"alertname":"QueueDepth"},"commonLabels":{"alertname":"QueueDepth","severity":"SEV-2"},"commonAnnotations":{},"externalURL":"http://vm:19093","version":"4","groupKey":"{}:{alertname=\"QueueDepth\"}","truncatedAlerts":0}
EOT
eq "an alert with severity SEV-2 posted" "$(post /hooks/alertmanager "$T/sev2.json")" 200
check "the feed has it" wait_for "$T/tail.out" '"title":"queue depth"' 150
"$WARROOM" list --json --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/list.db" >"$T/list.json" 2>"$T/list.err"
eq "warroom list --json exits 0" "$?" 0
check "list --json: #2 critical, set by bob" \
    grep -q '"id":2,[^}]*"severity":"critical","severity_raw":null,"severity_by":"bob"' "$T/list.json"
check "list --json: the SEV-2 alert is an error, the source's word kept" \
    grep -q '"severity":"error","severity_raw":"SEV-2","severity_by":null,"title":"queue depth"' "$T/list.json"

# ---- the log: every op applied exactly once -----------------------------------
replay_log
eq "#1 acknowledged once, by alice" "$(acks_in "$T/replay.out" 1 alice)" 1
eq "#2 acknowledged once, by alice (queued while the relay was down)" \
    "$(acks_in "$T/replay.out" 2 alice)" 1
eq "#3 acknowledged once, by alice (queued, console killed -9)" \
    "$(acks_in "$T/replay.out" 3 alice)" 1
eq "the note added once" "$(grep -c '"text":"rolled back deploy 4711"' "$T/replay.out")" 1
eq "the note in flight at the kill added once" \
    "$(grep -c '"text":"in flight 0042"' "$T/replay.out")" 1
eq "bob's ack of #$X once" "$(acks_in "$T/replay.out" "$X" bob)" 1
eq "no other acknowledgement" "$(grep -c '"kind":"acknowledged"' "$T/replay.out")" \
    $((EVIL == 0 ? 5 : 4))
eq "no note on another incident" "$(grep -c '"text":"looked at checkout"' "$T/replay.out")" 1

# ---- via: an act through another name's token says so, in tail and export ----
# alice's console uses the ops token; bob's, his own: only alice's acts
# carry "(via ops)" (the console's detail pane is test_tui.c's)
"$WARROOM" note 2 "bob was here" --feed "$FEED" --token-file "$T/bob.token" \
    --user bob --db "$T/bob-oneshot.db" --timeout 5 >"$T/bobnote.out" 2>&1
eq "bob's one-shot note exits 0" "$?" 0
"$WARROOM" tail --feed "$FEED" --token-file "$T/ops.token" \
    >"$T/tail.txt" 2>"$T/tail.txt.err" &
tp=$!
wait_for "$T/tail.txt" 'bob was here' 150
kill "$tp" 2>/dev/null
wait "$tp" 2>/dev/null
check "tail: alice's ack of #1 says (via ops)" \
    grep -Eq ' #1 acknowledged by alice \(via ops\)' "$T/tail.txt"
check "tail: bob's note through his own token names no via" \
    sh -c "grep 'bob was here' '$T/tail.txt' | grep -q ' by bob: ' && ! grep 'bob was here' '$T/tail.txt' | grep -q via"
"$WARROOM" export 1 --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/export.db" >"$T/export1.md" 2>"$T/export1.err"
check "export: alice's ack of #1 says (via ops)" \
    grep -Eq '^- .* acknowledged by alice \(via ops\)' "$T/export1.md"
"$WARROOM" export 2 --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/export.db" >"$T/export2.md" 2>"$T/export2.err"
check "export: bob's note names no via" \
    sh -c "grep -q '^- .* by bob: bob was here\$' '$T/export2.md'"

# ---- q quits cleanly ----------------------------------------------------------
tm send-keys -t "$SESS:bob" q
tm send-keys -t "$SESS:alice3" q
for w in bob alice3; do
	eq "q: $w's console exits 0" "$(wait_exit $w)" 0
done
check "bob's process is gone" sh -c "! kill -0 $BOB 2>/dev/null"
finish

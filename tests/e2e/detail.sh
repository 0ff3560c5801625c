#!/bin/sh
# The detail pane in an outage, in the real console under tmux at 80x24: an
# Alertmanager group of 300 alerts (over three PoPs) and a teammate's note
# made with `warroom note` from another console; opening the incident shows
# the note on the pane's first screen, marked as a person's, after the
# storm's 300 "alert firing" in one line; paging on, the alerts open with
# what differs across them.  Every wait is bounded (15 s at most).
. "$(dirname "$0")/lib.sh"
echo "detail: a 300-alert storm and a teammate's note read in one screen at 80x24"
tmux_init	# lib.sh: tm, cap, wait_screen
# row_of WIN ERE: the first row (1-based) of the last capture matching ERE
row_of() { grep -nE -- "$2" "$T/scr.$1" | head -n 1 | cut -d: -f1; }

make_tokens
start_relay || exit 1
python3 - "$T/storm.json" <<'PY'
import json, sys
pops = ["ams", "fra", "sin"]
alerts = []
for i in range(300):
    pop = pops[i % 3]
    alerts.append({
        "status": "firing",
        "labels": {"alertname": "NodeDown", "severity": "critical",
                   "instance": "edge-%03d.%s:9100" % (i, pop), "pop": pop},
        "annotations": {"summary": "edge node down"},
        "startsAt": "2026-11-27T15:%02d:%02dZ" % (i // 60, i % 60),
        "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "",
        "fingerprint": "%016x" % (0xed9e0000 + i)})
body = {"receiver": "warroom", "status": "firing", "alerts": alerts,
        "groupLabels": {"alertname": "NodeDown"},
        "commonLabels": {"alertname": "NodeDown", "severity": "critical"},
        "commonAnnotations": {}, "externalURL": "http://am:9093",
        "version": "4", "groupKey": "{}:{alertname=\"NodeDown\"}",
        "truncatedAlerts": 0}
json.dump(body, open(sys.argv[1], "w"))
PY
eq "a 300-alert group posted" "$(post /hooks/alertmanager "$T/storm.json")" 200
"$WARROOM" note 1 "transit down in all three PoPs, calling the carrier" \
    --feed "$FEED" --token-file "$T/bob.token" --user bob \
    --db "$T/bob.db" --timeout 10 >"$T/note.out" 2>&1
eq "bob's one-shot note exits 0" "$?" 0

CONSOLE_SIZE=80x24
start_console alice alice ops.token
eq "the tmux window is 80x24" \
    "$(tm display -p -t "$SESS:alice" '#{window_width}x#{window_height}')" 80x24
check "alice's console is LIVE and has the storm" \
    wait_screen alice '^ #1 +CRIT +TRIG'
check "its detail has bob's note" wait_screen alice 'bob +note: transit down'
tm send-keys -t "$SESS:alice" Enter	# the focus: Space pages the detail
check "the detail pane shows #1 from its first line (1-N/M)" \
    wait_screen alice '^ #1  .* 1-[0-9]+/[0-9]+ *$'
cap alice
bar=$(row_of alice '^ #1  .* 1-[0-9]+/[0-9]+ *$')
note=$(row_of alice '^> .* bob +note: transit down in all')
storm=$(row_of alice ' alert firing x300')
check "the note is on the pane's first screen, marked as a person's (row ${note:-none})" \
    test -n "$note" -a -n "$bar"
check "after the storm's 300 \"alert firing\" in one line (row ${storm:-none})" \
    test -n "$storm" -a "${storm:-99}" -lt "${note:-0}"
check "and no alert is on that screen yet" \
    sh -c "! grep -q 'alert 1/300' '$T/scr.alice'"
# page on to the alerts: their summary comes first
for _ in $(seq 1 10); do
	grep -q 'instance: 300 values' "$T/scr.alice" && break
	tm send-keys -t "$SESS:alice" Space
	sleep 0.2
	cap alice
done
check "paging on, the alerts start with what differs across them" \
    wait_screen alice '^  instance: 300 values; pop: ams 100, fra 100, sin 100; severity: critical 300$'
tm send-keys -t "$SESS:alice" q
eq "q: the console exits 0" "$(wait_exit alice)" 0
finish

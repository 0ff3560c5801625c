#!/bin/sh
# Events v2 bodies as real senders build them (tests/fixtures/
# pagerduty-events-v2: Grafana's PagerDuty contact point, go-pagerduty,
# Zabbix's and Checkmk's shipped scripts, Kapacitor, pypd), posted with no
# Authorization header as they post them, through their whole life: the
# trigger opens an incident whose alert started at payload.timestamp (or
# when it arrived, never 1970), a repeat changes nothing, an acknowledge
# acknowledges, and a resolve resolves the incident and its alert.
. "$(dirname "$0")/lib.sh"
echo "relay: Events v2 from six real senders, trigger to resolve"
make_tokens
pd_tokens
start_relay || exit 1
PD="$FIX/pagerduty-events-v2"

pd() { # pd FILE [PATH]: post with no Authorization header, as they do
	curl -s -o "$T/body" -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/json' \
	    --data-binary @"$1" "$URL${2:-/v2/enqueue}"
}
list() {
	"$WARROOM" list --json --feed "$FEED" --token-file "$T/ops.token" \
	    --db "$T/list.db" >"$T/list.json" 2>>"$T/list.err"
}
# incident TITLE FIELD: that field of the incident with that title
incident() {
	python3 - "$T/list.json" "$1" "$2" <<'PY'
import json, sys
m = [i for i in json.load(open(sys.argv[1])) if i["title"] == sys.argv[2]]
print(m[-1][sys.argv[3]] if m else "none")
PY
}
# until_state TITLE STATE N_FIRING
until_state() {
	end=$(( $(date +%s) + 10 ))
	while :; do
		list && [ "$(incident "$1" state)" = "$2" ] &&
		    [ "$(incident "$1" n_firing)" = "$3" ] && return 0
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}
# started ID: the start of the incident's first alert, as the timeline has it
started() {
	"$WARROOM" export "$1" --json --feed "$FEED" --token-file "$T/ops.token" \
	    --db "$T/export.db" 2>>"$T/export.err" | python3 -c '
import json, sys
o = json.load(sys.stdin)
print([e for e in o["timeline"] if e["kind"] == "alert_firing"][0]["alert"]["starts"])'
}

now=$(date -u +%Y)
# life SENDER TRIGGER-FILE TITLE ACK-FILE RESOLVE-FILE ("" for none);
# not $name: lib.sh's check sets it
life() {
	snd=$1; trig=$2; title=$3; ack=$4; res=$5
	eq "$snd: the trigger is accepted without a bearer token" "$(pd "$PD/$trig")" 202
	check "$snd: it opens an incident" until_state "$title" triggered 1
	id=$(incident "$title" id)
	h=$(head_seq)
	eq "$snd: the same trigger again is accepted" "$(pd "$PD/$trig")" 202
	list
	eq "$snd: and is the same alert (nothing new in the log)" "$(head_seq)" "$h"
	eq "$snd: one alert firing" "$(incident "$title" n_alerts)" 1
	case "$snd" in
	go-pagerduty|kapacitor) want=$(python3 -c '
import json, sys, datetime
t = json.load(open(sys.argv[1]))["payload"]["timestamp"]
t = t.replace("Z", "+00:00")
if "." in t:
    head, rest = t.split(".", 1)
    frac = rest[:len(rest) - len(rest.lstrip("0123456789"))]
    tz = rest[len(frac):]
    t = head + "." + (frac + "000000")[:6] + tz
d = datetime.datetime.fromisoformat(t).astimezone(datetime.timezone.utc)
print(d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000))' "$PD/$trig")
		eq "$snd: the alert started at its payload.timestamp" "$(started "$id")" "$want";;
	*)	s=$(started "$id")
		eq "$snd: no timestamp: the alert started when it arrived" "${s%%-*}" "$now";;
	esac
	if [ -n "$ack" ]; then
		eq "$snd: the acknowledge is accepted" "$(pd "$PD/$ack")" 202
		check "$snd: it acknowledges the incident" until_state "$title" acknowledged 1
	fi
	if [ -n "$res" ]; then
		eq "$snd: the resolve is accepted" "$(pd "$PD/$res")" 202
		check "$snd: it resolves the incident and its alert" until_state "$title" resolved 0
	fi
}
life grafana grafana-trigger.json "[FIRING:1] HighLatency api (api-1 warning)" \
    "" grafana-resolve.json
life go-pagerduty go-pagerduty-trigger.json "checkout p99 latency above 2s" \
    go-pagerduty-acknowledge.json go-pagerduty-resolve.json
life zabbix zabbix-trigger.json "Problem: High CPU utilization (over 90% for 5m)" \
    zabbix-acknowledge.json zabbix-resolve.json
life checkmk checkmk-trigger.json "CRITICAL: CPU load on db-1" \
    "" checkmk-resolve.json
life kapacitor kapacitor-trigger.json "cpu usage_idle below 10 on web-3" \
    "" kapacitor-resolve.json
eq "pypd: the trigger, posted to /v2/enqueue/, is accepted" \
    "$(pd "$PD/pypd-trigger.json" /v2/enqueue/)" 202
check "pypd: it opens an incident" until_state "nightly backup failed on store-2" triggered 1
check "the relay is alive" curl -fs "$URL/healthz" -o /dev/null
finish

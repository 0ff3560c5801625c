#!/bin/sh
# Silences from the war room, with a real Alertmanager (0.25) on loopback:
# `warroom silence` makes one there (amtool lists it with the group's
# matchers, the person as its creator and the right end), narrowed by a
# matcher; `warroom unsilence` expires it there; one expired with amtool
# shows as "silence expired" in the timeline (the relay reads its silences
# again every silence-refresh); an Alertmanager that is down refuses the op
# with its reason and nothing is shown as made.
. "$(dirname "$0")/lib.sh"
echo "silences: made, expired and followed at a real Alertmanager"
AM=$(command -v prometheus-alertmanager || command -v alertmanager)
if [ -z "$AM" ] || ! command -v amtool >/dev/null; then
	echo "  skipped: prometheus-alertmanager and amtool are not installed" \
	    "(make deps)"
	exit 0
fi
make_tokens
AMPORT=$(free_port)
AMURL="http://127.0.0.1:$AMPORT"
cat > "$T/relay.conf" <<EOT
[sender am]
alertmanager = $AMURL
silence-refresh = 1s
EOT
start_relay --config "$T/relay.conf" || exit 1
printf '%s\n' "$TOK_AM" > "$T/am.token"
cat > "$T/am.yml" <<EOT
route:
  receiver: warroom
  group_by: [alertname, service]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: warroom
    webhook_configs:
      - url: $URL/hooks/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials_file: $T/am.token
EOT
start_am() {
	"$AM" --config.file="$T/am.yml" --storage.path="$T/am-data" \
	    --web.listen-address="127.0.0.1:$AMPORT" --cluster.listen-address= \
	    --log.level=warn >>"$T/am.log" 2>&1 &
	AMPID=$!
	PIDS="$PIDS $AMPID"
	for _ in $(seq 1 100); do
		curl -fs "$AMURL/-/ready" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
check "alertmanager is ready" start_am
amt() { amtool --alertmanager.url="$AMURL" "$@"; }
for n in ams-1 ams-2 fra-1; do
	amt alert add EdgeNodeDown service=edge pop="${n%-*}" instance="$n" \
	    severity=critical --annotation=summary="edge node $n down" >/dev/null
done

W() { "$WARROOM" --feed "$FEED" --token-file "$T/ops.token" --user alice \
    --db "$T/alice.db" --timeout 20 "$@"; }
# json_timeline: the incident's timeline as export --json gives it
timeline() { W export "${1:-1}" --json 2>>"$T/export.err"; }
# kinds: how many events of kind $1 incident 1's timeline holds
kinds() {
	timeline | python3 -c '
import json, sys
try:
    o = json.load(sys.stdin)
except ValueError:
    print(0); sys.exit()
print(sum(1 for e in o["timeline"] if e["kind"] == sys.argv[1]))' "$1"
}
until_kinds() { # until_kinds KIND N
	end=$(( $(date +%s) + 20 ))
	while [ "$(kinds "$1")" != "$2" ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.3
	done
}
check "the group's 3 alerts are in incident #1" until_kinds alert_firing 3

# ---- a silence made from the war room ------------------------------------
before=$(date -u +%s)
W silence 1 2h --comment "rolling restart of the edge" \
    >"$T/silence.out" 2>"$T/silence.err"
eq "warroom silence exits 0" "$?" 0
check "and says so" grep -q "silenced #1 for 2h" "$T/silence.out"
amt silence query -o json >"$T/q1.json"
python3 - "$T/q1.json" "$before" >"$T/q1.txt" <<'PY'
import json, sys, datetime
q = json.load(open(sys.argv[1]))
before = int(sys.argv[2])
for s in q:
    m = ", ".join('%s%s"%s"' % (x["name"], "=" if x["isEqual"] and not x["isRegex"] else "?", x["value"]) for x in s["matchers"])
    end = datetime.datetime.fromisoformat(s["endsAt"].replace("Z", "+00:00")).timestamp()
    print("id=%s" % s["id"])
    print("matchers=%s" % m)
    print("by=%s" % s["createdBy"])
    print("comment=%s" % s["comment"])
    print("ends_in_2h=%s" % (7190 <= end - before <= 7230))
PY
eq "amtool lists one silence" "$(grep -c '^id=' "$T/q1.txt")" 1
eq "its matchers are the labels its alerts share, equality" \
    "$(sed -n 's/^matchers=//p' "$T/q1.txt")" \
    'alertname="EdgeNodeDown", service="edge", severity="critical"'
eq "made by the person" "$(sed -n 's/^by=//p' "$T/q1.txt")" alice
eq "its comment names the incident" "$(sed -n 's/^comment=//p' "$T/q1.txt")" \
    "warroom #1: rolling restart of the edge"
eq "it ends in 2h" "$(sed -n 's/^ends_in_2h=//p' "$T/q1.txt")" True
SID1=$(sed -n 's/^id=//p' "$T/q1.txt")
timeline | python3 -c '
import json, sys
for e in json.load(sys.stdin)["timeline"]:
    if e["kind"] == "silenced":
        print(e["silence_id"], e["actor"], e["duration_ms"])' >"$T/ev1.txt"
eq "the timeline's silenced event has Alertmanager's id, by alice, 2h" \
    "$(cat "$T/ev1.txt")" "$SID1 alice 7200000"

n_silences() {
	W list --json 2>/dev/null | python3 -c '
import json, sys
try:
    l = json.load(sys.stdin)
except ValueError:
    print("?"); sys.exit()
print(" ".join(s["id"] for s in l[0].get("silences", [])))'
}
eq "the incident holds it (list --json)" "$(n_silences)" "$SID1"
stop_relay
start_relay --config "$T/relay.conf" || exit 1
eq "and still does after the relay restarts" "$(n_silences)" "$SID1"

# narrowed by a matcher
W silence 1 30m pop=ams >/dev/null 2>"$T/silence2.err"
eq "a narrowed silence exits 0" "$?" 0
amt silence query -o json pop=ams >"$T/q2.json"
SID2=$(python3 -c 'import json,sys; q=json.load(open(sys.argv[1])); print(q[0]["id"] if len(q)==1 else "")' "$T/q2.json")
check "amtool lists it with pop=\"ams\" too" test -n "$SID2"
eq "its matchers" "$(python3 -c 'import json,sys; print(", ".join(m["name"]+"="+m["value"] for m in json.load(open(sys.argv[1]))[0]["matchers"]))' "$T/q2.json")" \
    "alertname=EdgeNodeDown, service=edge, severity=critical, pop=ams"

# ---- unsilence -------------------------------------------------------------
W unsilence 1 >/dev/null 2>"$T/unsilence0.err"
eq "unsilence with two silences and no id is refused (65)" "$?" 65
check "naming them" grep -q "has 2 silences: name one" "$T/unsilence0.err"
W unsilence 1 "$(printf '%.8s' "$SID1")" >"$T/unsilence.out" \
    2>"$T/unsilence.err"
eq "unsilence by an id's prefix exits 0" "$?" 0
state=$(curl -fs "$AMURL/api/v2/silence/$SID1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["state"])')
eq "Alertmanager has expired it" "$state" expired
check "the timeline says unsilenced" until_kinds unsilenced 1

# ---- expired at Alertmanager: the timeline follows -------------------------
amt silence expire "$SID2"
check "one expired with amtool shows as silence_expired" \
    until_kinds silence_expired 1
timeline | python3 -c '
import json, sys
for e in json.load(sys.stdin)["timeline"]:
    if e["kind"] == "silence_expired":
        print(e["silence_id"], e["actor"])' >"$T/ev2.txt"
eq "by alertmanager, the right silence" "$(cat "$T/ev2.txt")" \
    "$SID2 alertmanager"
W list --json >"$T/list.json" 2>/dev/null
eq "the incident has no silence left" \
    "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))[0].get("silences", [])))' "$T/list.json")" 0

# ---- from the console: preview, y, made; the detail lists it ----------------
tmux_init
start_console c1 alice ops.token
check "the console shows the incident" wait_screen c1 "EdgeNodeDown"
tm send-keys -t "$SESS:c1" ":silence 2h edge maintenance pop=ams" Enter
check "it previews what it silences and asks" wait_screen c1 \
    'silence 2 alerts matching alertname="EdgeNodeDown", service="edge", severity="critical", pop="ams" for 2h\? y/n'
tm send-keys -t "$SESS:c1" y
check "the detail lists the silence with its end and maker" \
    wait_screen c1 "Silenced +until .* by alice: alertname=\"EdgeNodeDown\""
check "the timeline says silenced for 2h" wait_screen c1 "silenced for 2h"
amt silence query -o json pop=ams >"$T/q3.json"
eq "amtool lists the console's silence, by alice, with its comment" \
    "$(python3 -c 'import json,sys; q=json.load(open(sys.argv[1])); print(len(q), q[0]["createdBy"], q[0]["comment"])' "$T/q3.json")" \
    "1 alice warroom #1: edge maintenance"
SID3=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$T/q3.json")
tm send-keys -t "$SESS:c1" ":unsilence" Enter
no_silence_row() {
	for _ in $(seq 1 150); do
		cap c1
		grep -q "^ *Silenced " "$T/scr.c1" || return 0
		sleep 0.1
	done
	return 1
}
check "unsilence from the console: the detail no longer lists it" \
    no_silence_row
check "and the timeline says unsilenced" until_kinds unsilenced 2
state=$(curl -fs "$AMURL/api/v2/silence/$SID3" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["state"])')
eq "and Alertmanager has expired it" "$state" expired
tm send-keys -t "$SESS:c1" ":silence 1h pop=~a" Enter
check "a regex matcher is refused on the status line" \
    wait_screen c1 "only = \(equal\) is taken"

# ---- refusals ----------------------------------------------------------------
W silence 1 1h 'pop=~am.*' >/dev/null 2>"$T/bad.err"
eq "a regex matcher is bad usage (64)" "$?" 64
kill "$AMPID"
wait "$AMPID" 2>/dev/null
n_before=$(kinds silenced)
W silence 1 1h >/dev/null 2>"$T/down.err"
eq "with Alertmanager down the op is refused (65)" "$?" 65
check "saying it gave no answer" grep -q "gave no answer" "$T/down.err"
eq "and nothing is shown as made" "$(kinds silenced)" "$n_before"
tm send-keys -t "$SESS:c1" Escape ":silence 1h" Enter
check "the console previews" wait_screen c1 "for 1h\? y/n"
tm send-keys -t "$SESS:c1" y
check "and shows the refusal: Alertmanager gave no answer" \
    wait_screen c1 "refused.*gave no answer|gave no answer" 300
check "the relay is alive" curl -fs "$URL/healthz" -o /dev/null
finish

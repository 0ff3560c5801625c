#!/bin/sh
# Silences from the war room, with a real Alertmanager (0.25) on loopback:
# `warroom silence` makes one there (amtool lists it with the group's
# matchers, the person as its creator and the right end), narrowed by a
# matcher; `warroom unsilence` expires it there; one expired with amtool
# shows as "silence expired" in the timeline (the relay reads its silences
# again every silence-refresh); one edited with amtool so that
# Alertmanager replaced it with a new id is followed to the new one
# (silence_changed, new_silence_id); a silence op whose POST was made and
# whose answer the relay never recorded (killed -9 while a proxy held the
# answer) is sent again and adopts that silence, not making a second; an
# unsilence of one replaced there before the relay read it again expires
# the replacement too;
# Alertmanager's 400 reaches the person decoded, sanitised and bounded; an
# Alertmanager that is down refuses the op with its reason and nothing is
# shown as made.
. "$(dirname "$0")/lib.sh"
echo "silences: made, expired and followed at a real Alertmanager"
am_need skip
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
am_config '[alertname, service]'
check "alertmanager is ready" am_start
amt() { amtool --alertmanager.url="$AMURL" "$@"; }
for n in ams-1 ams-2 fra-1; do
	amt alert add EdgeNodeDown service=edge pop="${n%-*}" instance="$n" \
	    severity=critical --annotation=summary="edge node $n down" >/dev/null
done

W() { "$WARROOM" --feed "$FEED" --token-file "$T/ops.token" --user alice \
    --db "$T/alice.db" --timeout 20 "$@"; }
# json_timeline: the incident's timeline as export --json gives it
timeline() { W export "${1:-1}" --json 2>>"$T/export.err"; }
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
eq "its matchers are the group's labels (group_by), equality" \
    "$(sed -n 's/^matchers=//p' "$T/q1.txt")" \
    'alertname="EdgeNodeDown", service="edge"'
eq "made by the person" "$(sed -n 's/^by=//p' "$T/q1.txt")" alice
# The group's next alert, of another severity, is under the silence too:
# the silence names the group, not the alerts firing when it was made.
amt alert add EdgeNodeDown service=edge pop=sin instance=sin-1 \
    severity=warning --annotation=summary="edge node sin-1 down" >/dev/null
check "a later alert of the group is silenced at Alertmanager" sh -c \
    "amtool --alertmanager.url='$AMURL' alert query -s -o simple instance=sin-1 | grep -q EdgeNodeDown"
check "its comment names the incident and the op" sh -c "sed -n 's/^comment=//p' '$T/q1.txt' | grep -Eqx 'warroom #1: rolling restart of the edge \(op [0-9a-f]{32}\)'"
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
    "alertname=EdgeNodeDown, service=edge, pop=ams"

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
    'silence 2 alerts matching alertname="EdgeNodeDown", service="edge", pop="ams" for 2h\? y/n'
tm send-keys -t "$SESS:c1" y
check "the detail lists the silence with its end and maker" \
    wait_screen c1 "Silenced +until .* by alice: alertname=\"EdgeNodeDown\""
check "the timeline says silenced for 2h" wait_screen c1 "silenced for 2h"
amt silence query -o json pop=ams >"$T/q3.json"
eq "amtool lists the console's silence, by alice, with its comment" \
    "$(python3 -c 'import json,re,sys; q=json.load(open(sys.argv[1])); print(len(q), q[0]["createdBy"], re.sub(r" \(op [0-9a-f]{32}\)$", "", q[0]["comment"]))' "$T/q3.json")" \
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

# ---- edited at Alertmanager: the relay follows the replacement ------------
# An edit Alertmanager cannot make in place (a new start, new matchers)
# expires the silence and makes another with a new id.
# silences_with COMMENT: the ids of active or pending silences whose
# comment starts "warroom #1: COMMENT"
silences_with() {
	curl -fs "$AMURL/api/v2/silences" | python3 -c '
import json, sys
for s in json.load(sys.stdin):
    if s["status"]["state"] != "expired" and s["comment"].startswith("warroom #1: " + sys.argv[1] + " (op "):
        print(s["id"])' "$1"
}
n_expired=$(kinds silence_expired)
W silence 1 1h --comment "to be edited" >/dev/null 2>"$T/edit.err"
eq "a silence to edit is made" "$?" 0
OLD=$(silences_with "to be edited")
check "Alertmanager has it" test -n "$OLD"
start=$(date -u -d '+10 min' +%Y-%m-%dT%H:%M:%SZ)
amt silence update --start="$start" --duration=2h "$OLD" >/dev/null
NEW=$(silences_with "to be edited")
check "amtool's edit of its start made a new silence" \
    sh -c "[ -n '$NEW' ] && [ '$NEW' != '$OLD' ]"
check "the timeline says silence_changed" until_kinds silence_changed 1
timeline | python3 -c '
import json, sys
for e in json.load(sys.stdin)["timeline"]:
    if e["kind"] == "silence_changed":
        print(e["silence_id"], e.get("new_silence_id"), e["actor"])' >"$T/ev3.txt"
eq "from the old id to the new one, by alertmanager" "$(cat "$T/ev3.txt")" \
    "$OLD $NEW alertmanager"
eq "the incident holds the new one (list --json)" "$(n_silences)" "$NEW"
sleep 2
eq "and the old one is not recorded as expired" "$(kinds silence_expired)" \
    "$n_expired"
W list --json >"$T/list2.json" 2>/dev/null
eq "with the new one's end: 10 min + 2h from now" "$(python3 -c '
import datetime, json, sys, time
s = json.load(open(sys.argv[1]))[0]["silences"][0]
end = datetime.datetime.fromisoformat(s["ends"].replace("Z", "+00:00")).timestamp()
print(7190 + 600 <= end - time.time() <= 7210 + 600)' "$T/list2.json")" True
W unsilence 1 >/dev/null 2>"$T/unsilence3.err"
eq "unsilence then expires the new one" "$(curl -fs "$AMURL/api/v2/silence/$NEW" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["state"])')" \
    expired

# ---- a silence op in flight across a relay restart is made once -------------
# A proxy between the relay and Alertmanager passes the POST on, and holds
# Alertmanager's answer: the silence is made, the relay has not recorded
# it, and is killed (-9).  The op, still in the outbox, is sent again to
# the relay started again: it adopts that silence instead of making a
# second.
wait_for_file() {
	for _ in $(seq 1 100); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
PXPORT=$(free_port)
cat > "$T/proxy.py" <<'PY'
import http.client, http.server, os, sys, time
port, upstream, hold, held = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
bad = sys.argv[5]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def relay(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        if self.command == "POST" and os.path.exists(bad):
            # an Alertmanager's 400, hostile: long, escapes, controls
            msg = open(bad, "rb").read()
            self.send_response(400)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(msg)))
            self.end_headers()
            self.wfile.write(msg)
            return
        c = http.client.HTTPConnection("127.0.0.1", upstream, timeout=10)
        c.request(self.command, self.path, body,
                  {"Content-Type": self.headers.get("Content-Type", "application/json")})
        r = c.getresponse()
        data = r.read()
        if self.command == "POST" and os.path.exists(hold):
            open(held, "w").close()
            time.sleep(60)
            return
        self.send_response(r.status)
        self.send_header("Content-Type", r.getheader("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    do_GET = do_POST = do_DELETE = relay
class S(http.server.ThreadingHTTPServer):
    daemon_threads = True
S(("127.0.0.1", port), H).serve_forever()
PY
python3 "$T/proxy.py" "$PXPORT" "$AMPORT" "$T/proxy.hold" "$T/proxy.held" \
    "$T/proxy.400" 2>>"$T/proxy.log" &
PIDS="$PIDS $!"
relay_via() { # relay_via URL [SIGNAL [REFRESH]]: the relay started again
	cat > "$T/relay.conf" <<EOT
[sender am]
alertmanager = $1
silence-refresh = ${3:-1s}
EOT
	stop_relay "${2:-TERM}"
	start_relay --config "$T/relay.conf"
}
relay_via "http://127.0.0.1:$PXPORT" || exit 1
touch "$T/proxy.hold"
n_made=$(kinds silenced)
"$WARROOM" --feed "$FEED" --token-file "$T/ops.token" --user alice \
    --db "$T/alice.db" --timeout 4 silence 1 1h --comment "across a restart" \
    >/dev/null 2>"$T/restart.err" &
CLI=$!
check "the POST reached Alertmanager, its answer held" \
    wait_for_file "$T/proxy.held"
eq "Alertmanager made the silence" "$(silences_with "across a restart" | wc -l)" 1
kill -9 "$RELAY_PID"
wait "$RELAY_PID" 2>/dev/null
wait "$CLI"
eq "the op was not confirmed (75): it stays in the outbox" "$?" 75
rm -f "$T/proxy.hold"
relay_via "$AMURL" KILL || exit 1
W list >/dev/null 2>"$T/deliver.err"
check "the op sent again is recorded" until_kinds silenced $((n_made + 1))
eq "Alertmanager still has one silence for it, not two" \
    "$(silences_with "across a restart" | wc -l)" 1
eq "the one the incident holds" "$(n_silences)" \
    "$(silences_with "across a restart")"
check "the relay says it adopted it" grep -q "adopted, not made again" \
    "$T/relay.log"
W unsilence 1 >/dev/null 2>&1

# ---- unsilence of a silence replaced there that the relay has not read again
# (a refresh every hour): the replacement is expired too, not left silencing
relay_via "$AMURL" TERM 1h || exit 1
# The relay refreshes once when it starts (its first 250 ms tick), then
# every hour: a silence made before that first tick was read again at
# once, replacement and all (a flake, seen once in two runs).
sleep 2
W silence 1 1h --comment "edited then unsilenced" >/dev/null 2>"$T/edit2.err"
eq "a silence is made" "$?" 0
OLD2=$(silences_with "edited then unsilenced")
amt silence update --start="$start" "$OLD2" >/dev/null
NEW2=$(silences_with "edited then unsilenced")
check "amtool replaced it" sh -c "[ -n '$NEW2' ] && [ '$NEW2' != '$OLD2' ]"
eq "the relay has not read it again: the incident holds the old id" \
    "$(n_silences)" "$OLD2"
W unsilence 1 >/dev/null 2>"$T/unsilence4.err"
eq "unsilence exits 0" "$?" 0
eq "Alertmanager has no silence for it left: the replacement is expired" \
    "$(silences_with "edited then unsilenced" | wc -l)" 0
eq "the incident holds none" "$(n_silences)" ""
relay_via "$AMURL" || exit 1

# ---- Alertmanager's 400: its message, bounded and in plain ASCII ------------
relay_via "http://127.0.0.1:$PXPORT" || exit 1
python3 - "$T/proxy.400" <<'PY'
import json, sys
msg = "silence invalid: \x1b[31mred\x1b]0;pwned\x07 \u202e\x7ftail\n" + "x" * 5000
open(sys.argv[1], "w").write(json.dumps(msg))
PY
W silence 1 1h >/dev/null 2>"$T/bad400.err"
eq "Alertmanager's 400 refuses the op (65)" "$?" 65
check "with its message, decoded" grep -q \
    "refused the silence: 400 silence invalid: ?\[31mred?\]0;pwned? ????tail?xxx" \
    "$T/bad400.err"
check "no control byte or escape reaches the person" \
    sh -c "! LC_ALL=C grep -q \"\$(printf '[\\001-\\010\\013-\\037\\177]')\" '$T/bad400.err'"
check "and it is bounded" sh -c "[ \$(wc -c < '$T/bad400.err') -lt 1024 ]"
eq "nothing is shown as made" "$(n_silences)" ""
rm -f "$T/proxy.400"
relay_via "$AMURL" || exit 1

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

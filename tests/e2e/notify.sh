#!/bin/sh
# Notifiers deliver pages to people who are not looking, and the incident's
# timeline shows every attempt.  A person assigning alice pages her through
# every notifier serving her: a webhook (on localhost, resolved off the
# loop) that answers 502 twice and then recovers gets exactly one delivered
# body, after two "502, retrying in N s" events; a Slack-format webhook gets
# Slack's {"text", "blocks"} shape; a command gets the JSON on stdin and
# WARROOM_* in its environment, none of the relay's own.  A command that
# hangs is killed at its bound, its process group with it.  A retry
# survives kill -9: the relay, restarted, reads from its log that a page
# was due again and delivers it once.  /metrics counts the attempts.
. "$(dirname "$0")/lib.sh"
echo "relay: notifiers (webhook, slack, command) with retries in the timeline"
# the event kind's number, from its row in core/model.h
make_tokens
RX="$T/rx"
: > "$RX.log"
printf '/hook 502 2\n' > "$RX.ctl"
python3 "$(dirname "$0")/notify-receiver.py" "$RX.port" "$RX.log" "$RX.ctl" \
    >"$T/rx.out" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 1 100); do [ -s "$RX.port" ] && break; sleep 0.05; done
RPORT=$(cat "$RX.port")
cat > "$T/page.sh" <<EOT
#!/bin/sh
cat > "$T/page.in.\$WARROOM_PERSON"
env > "$T/page.env.\$WARROOM_PERSON"
exit 0
EOT
cat > "$T/relay.conf" <<EOT
[notifier hook]
type = webhook
url = http://localhost:$RPORT/hook?key=s3cretkey
users = alice
retry = 1s
retries = 4
timeout = 5s

[notifier chat]
type = webhook
url = http://127.0.0.1:$RPORT/slack
format = slack
users = alice

[notifier pager]
type = command
command = sh $T/page.sh
users = alice, carol

[notifier hang]
type = command
command = sleep 9187
users = dave
timeout = 1s
retries = 0

[notifier later]
type = webhook
url = http://127.0.0.1:$RPORT/later
users = erin
retry = 3s
EOT
WR_SECRET_MARKER=do-not-pass start_relay --config "$T/relay.conf" || exit 1
eq "the alert is taken" \
    "$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")" 200

one() { "$WARROOM" "$@" --feed "$FEED" --token-file "$T/bob.token" \
    --user bob --db "$T/bob.db" --timeout 20 >>"$T/cli.out" 2>&1; }
rx_count() { # rx_count PATH STATUS
	grep -c "\"path\": \"$1\", .*\"status\": $2," "$RX.log"
}

check "bob assigns incident 1 to alice" one assign 1 alice
check "the webhook's third attempt is delivered" \
    wait_notified alice hook '^delivered$'
eq "the timeline shows every attempt at alice via hook" \
    "$(notified alice hook | tr '\n' '|')" \
    "502, retrying in 1 s|502, retrying in 2 s|delivered|"
eq "the receiver answered 502 twice" "$(rx_count /hook 502)" 2
eq "and took exactly one body" "$(rx_count /hook 200)" 1
python3 - "$RX.log" >"$T/hook.check" 2>&1 <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["path"] != "/hook" or r["status"] != 200:
        continue
    b = json.loads(r["body"])
    assert r["ctype"] == "application/json", r["ctype"]
    assert r["query"] == "/hook?key=s3cretkey", r["query"]
    assert b["version"] == 1 and b["kind"] == "page", b
    assert b["person"] == "alice" and b["notifier"] == "hook", b
    assert b["why"] == "assigned by bob", b
    assert b["attempt"] == 3, b
    assert b["incident"]["id"] == 1, b
    assert b["incident"]["service"] == "search", b
    assert b["incident"]["severity"] == "warning", b
    assert b["incident"]["state"] == "triggered", b
    assert b["time"].endswith("Z"), b
    print("ok")
PY
check "the delivered body is warroom's JSON: page #1 for alice, assigned by bob" \
    grep -qx ok "$T/hook.check"
check "the Slack webhook is delivered" wait_notified alice chat '^delivered$'
python3 - "$RX.log" >"$T/slack.check" 2>&1 <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["path"] != "/slack":
        continue
    b = json.loads(r["body"])
    assert sorted(b) == ["blocks", "text"], b
    assert b["text"].startswith("#1 "), b["text"]
    assert "paging alice, assigned by bob" in b["text"], b["text"]
    assert b["blocks"][0]["type"] == "section", b
    assert b["blocks"][0]["text"]["type"] == "mrkdwn", b
    assert b["blocks"][1]["type"] == "context", b
    print("ok")
PY
check "it has Slack's shape: text, then a section and a context block" \
    grep -qx ok "$T/slack.check"
check "the command notifier is delivered" wait_notified alice pager '^delivered$'
check "the command read the JSON on its stdin" \
    grep -q '"kind":"page".*"person":"alice"' "$T/page.in.alice"
check "its environment says the incident and the person" \
    sh -c "grep -qx WARROOM_INCIDENT=1 '$T/page.env.alice' &&
        grep -qx WARROOM_PERSON=alice '$T/page.env.alice' &&
        grep -qx 'WARROOM_WHY=assigned by bob' '$T/page.env.alice'"
check "and nothing of the relay's own environment" \
    sh -c "! grep -q WR_SECRET_MARKER '$T/page.env.alice'"
check "the webhook's secret query is not in the relay's log" \
    sh -c "! grep -q s3cretkey '$T/relay.log'"

check "bob assigns incident 1 to dave, whose notifier hangs" one assign 1 dave
check "the hanging command is killed at its bound, and not retried" \
    wait_notified dave hang '^killed after 1 s, gave up after 1 attempt$'
check "its process is gone" sh -c "! pgrep -f 'sleep 918[7]' >/dev/null"

curl -fs "$URL/metrics" > "$T/metrics"
check "/metrics counts the page attempts" \
    grep -q '^warroom_notifications_attempted_total{kind="page"} 6$' "$T/metrics"
check "/metrics counts the deliveries" \
    grep -q '^warroom_notifications_delivered_total{kind="page"} 3$' "$T/metrics"
check "/metrics counts the failures" \
    grep -q '^warroom_notifications_failed_total{kind="page"} 3$' "$T/metrics"

# A retry survives kill -9.
printf '/hook 502 2\n/later 503 -1\n' > "$RX.ctl"
check "bob assigns incident 1 to erin" one assign 1 erin
check "erin's webhook fails and is to be retried" \
    wait_notified erin later '^503, retrying in 3 s$'
stop_relay KILL
printf '/hook 502 2\n' > "$RX.ctl"	# it recovers meanwhile
start_relay --config "$T/relay.conf" || exit 1
check "the restarted relay takes the retry up from its log" \
    wait_for "$T/relay.log" "notify: 1 page to retry, as the log says" 100
check "and delivers it" wait_notified erin later '^delivered$'
eq "erin's timeline: the failure, then the delivery" \
    "$(notified erin later | tr '\n' '|')" "503, retrying in 3 s|delivered|"
eq "its receiver took exactly one body" "$(rx_count /later 200)" 1
eq "the delivered attempt is the second" \
    "$(sqlite3 "$T/relay.db" "SELECT json_extract(body, '\$.count') FROM events
        WHERE kind = $NOTIFIED AND json_extract(body, '\$.person') = 'erin'
        ORDER BY seq DESC LIMIT 1")" 2
eq "alice's delivered page is not sent again" "$(rx_count /hook 200)" 1
python3 - "$RX.log" >"$T/later.check" 2>&1 <<'PY2'
import json, sys
bodies = [json.loads(json.loads(l)["body"]) for l in open(sys.argv[1])
          if json.loads(l)["path"] == "/later"]
assert len(bodies) == 2, len(bodies)
assert [b["why"] for b in bodies] == ["assigned by bob"] * 2, bodies
print("ok")
PY2
check "the retry after the restart says why, as the first attempt did" \
    grep -qx ok "$T/later.check"
eq "and every attempt's event says it too" \
    "$(sqlite3 "$T/relay.db" "SELECT json_extract(body, '\$.why') FROM events
        WHERE kind = $NOTIFIED AND json_extract(body, '\$.person') = 'erin'
        ORDER BY seq" | tr '\n' '|')" "assigned by bob|assigned by bob|"

"$WARROOM" export 1 --feed "$FEED" --token-file "$T/ops.token" --timeout 20 \
    --db "$T/ops.db" >"$T/export.md" 2>&1
check "a console decodes the attempts: the export shows them" \
    grep -q "notified by warroomd: alice via hook: 502, retrying in 1 s" \
    "$T/export.md"
check "and its header names who was paged" \
    grep -q "^- Paged: alice, dave, erin" "$T/export.md"
"$WARROOM" tail --json --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/tail.db" >"$T/tail.json" 2>&1 &
TAIL=$!
PIDS="$PIDS $TAIL"
check "warroom tail decodes them too" \
    wait_for "$T/tail.json" '"kind":"notified".*"person":"erin".*"notifier":"later"' 200
finish

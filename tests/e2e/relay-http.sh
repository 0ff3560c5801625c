#!/bin/sh
# The relay's HTTP side, as a sender sees it: real posts with curl against a
# real warroomd on loopback.  Each refusal must leave the log as it was.
. "$(dirname "$0")/lib.sh"
echo "relay: HTTP ingest, auth, limits, duplicates"
make_tokens
pd_tokens
cat >> "$T/tokens" <<'EOT'
carol carol0123456789abcdef0123 console
dana dana0123456789abcdef01234 console users=alice
EOT
printf 'carol0123456789abcdef0123\n' > "$T/carol.token"
printf 'dana0123456789abcdef01234\n' > "$T/dana.token"
chmod 600 "$T/carol.token" "$T/dana.token"
start_relay --body-limit 65536 --body-timeout 1500 || exit 1

eq "healthz answers without a token" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")" 200
eq "a fresh log is empty" "$(head_seq)" 0

eq "alertmanager delivery is accepted" "$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")" 200
h1=$(head_seq)
eq "it made two events (triggered, alert firing)" "$h1" 2

eq "the same delivery again is accepted" "$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")" 200
eq "a duplicate delivery leaves the log as it was" "$(head_seq)" "$h1"

eq "no token: 401" "$(curl -s -o "$T/body" -w '%{http_code}' -X POST --data-binary @"$FIX/alertmanager/single-warning.json" "$URL/hooks/alertmanager")" 401
eq "a wrong token: 401" "$(post /hooks/alertmanager "$FIX/alertmanager/storm-40-firing.json" wrongtoken0123456789)" 401
eq "a console-only token cannot ingest: 401" "$(post /hooks/alertmanager "$FIX/alertmanager/storm-40-firing.json" "$TOK_BOB")" 401
eq "refused tokens leave the log as it was" "$(head_seq)" "$h1"

printf '{"alerts": [' > "$T/bad.json"
eq "malformed JSON: 400" "$(post /hooks/alertmanager "$T/bad.json")" 400
check "the 400 says why" grep -q "invalid JSON" "$T/body"
printf '{"version":"4","groupKey":"{}:{a=\\"\377\\"}","alerts":[]}' > "$T/badutf8.json"
eq "invalid UTF-8: 400" "$(post /hooks/alertmanager "$T/badutf8.json")" 400
check "the 400 names UTF-8" grep -qi "utf-8" "$T/body"
printf '{"version":"4","groupKey":"k","groupKey":"k2","alerts":[]}' > "$T/dup.json"
eq "duplicate keys: 400" "$(post /hooks/alertmanager "$T/dup.json")" 400
printf '{"version":"4","groupKey":"k","alerts":[{"status":"firing","labels":{"a":"x\\u0000y"},"annotations":{},"startsAt":"2026-11-27T15:57:08Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f1"}]}' > "$T/nul.json"
eq "a NUL in a string: 400" "$(post /hooks/alertmanager "$T/nul.json")" 400
printf '{"version":"4","groupKey":"k","alerts":"nope"}' > "$T/type.json"
eq "wrong types: 400" "$(post /hooks/alertmanager "$T/type.json")" 400
head -c 200000 /dev/zero | tr '\0' ' ' > "$T/big.json"
eq "a body over the limit: 413" "$(post /hooks/alertmanager "$T/big.json")" 413
eq "refused bodies leave the log as it was" "$(head_seq)" "$h1"

eq "events v2 trigger: 202" "$(post /v2/enqueue "$FIX/pagerduty-events-v2/trigger.json")" 202
check "the answer carries the dedup key" grep -q '"dedup_key":"payments-db-replication-lag"' "$T/body"
eq "events v2 trigger without dedup key: 202" "$(post /v2/enqueue "$FIX/pagerduty-events-v2/trigger-no-dedup-key.json")" 202
check "a dedup key is made and returned" grep -Eq '"dedup_key":"[0-9a-f]{32}"' "$T/body"
printf '{"routing_key":"x","event_action":"explode"}' > "$T/ev-bad.json"
eq "events v2 nonsense: 400" "$(post /v2/enqueue "$T/ev-bad.json")" 400
check "the 400 has the PagerDuty shape" grep -q '"status":"invalid event"' "$T/body"

# Every path and method the relay does not serve, with and without a token,
# with a body that would be a valid event: one answer each, nothing parsed,
# nothing stored, nothing logged, and the relay still up.
h0=$(head_seq)
log0=$(wc -l < "$T/relay.log")
codes=""
for tok in "" "$TOK_AM"; do
	for m in GET POST PUT DELETE PATCH; do
		for p in /nope /healthz /metrics /feed /feed/ /v2 /v2/enqueue/x /hooks /v2/enqueue /hooks/alertmanager/; do
			case "$m $p" in "GET /healthz"|"GET /metrics"|"GET /feed"|"GET /feed/"|"POST /v2/enqueue"|"POST /hooks/alertmanager/") continue;; esac
			c=$(curl -s -m 5 -o /dev/null -w '%{http_code}' -X "$m" \
			    ${tok:+-H "Authorization: Bearer $tok"} \
			    --data-binary @"$FIX/pagerduty-events-v2/trigger.json" "$URL$p")
			codes="$codes $m$p=$c"
		done
	done
done
bad=$(printf '%s\n' $codes | grep -Ev '^[A-Z]+/(nope|v2|hooks|v2/enqueue/x)=404$|^[A-Z]+/(healthz|metrics|feed|feed/|v2/enqueue|hooks/alertmanager/)=405$' || true)
eq "unknown paths get 404, wrong methods 405" "$bad" ""
eq "GET /feed without an upgrade: 400" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/feed")" 400
eq "nothing sent to a path the relay does not serve is stored" "$(head_seq)" "$h0"
eq "nor logged" "$(wc -l < "$T/relay.log")" "$log0"
check "the relay is still up" kill -0 "$RELAY_PID"
# two refused posts on one keep-alive connection, then a good one
c=$(curl -s -o /dev/null -o /dev/null -w "%{http_code} " -X POST --data-binary @"$FIX/pagerduty-events-v2/trigger.json" "$URL/nope" "$URL/healthz")
eq "refusals on one connection are answered once each" "$c" "404 405 "
eq "and store nothing" "$(head_seq)" "$h0"
curl -s -o /dev/null -D "$T/hdr" -X PUT "$URL/healthz"
check "a 405 says which method is allowed" grep -qi '^allow: GET' "$T/hdr"
sed 's/payments-db-replication-lag/slash-test/' "$FIX/pagerduty-events-v2/trigger.json" > "$T/ev-slash.json"
eq "/v2/enqueue/ is /v2/enqueue (pypd)" "$(post /v2/enqueue/ "$T/ev-slash.json")" 202
check "and answers like it" grep -q '"dedup_key":"slash-test"' "$T/body"
eq "/hooks/alertmanager/ is /hooks/alertmanager" "$(post /hooks/alertmanager/ "$FIX/alertmanager/storm-40-firing.json")" 200
check "the relay is still up after all that" kill -0 "$RELAY_PID"

# Bounded cost per request.  A body trickled a byte every 0.3 s gets a 408
# at the deadline (--body-timeout 1500), however it paces itself: 20 at once.
h0=$(head_seq)
tp=""
for i in $(seq 1 20); do
	python3 "$ROOT/tests/e2e/trickle.py" "$PORT" "$TOK_AM" 10 > "$T/trickle.$i" &
	tp="$tp $!"
done
for p in $tp; do wait "$p"; done
bad=$(cat "$T"/trickle.* | awk '$1 != "HTTP/1.1" || $2 != 408 || $NF > 6.0' | head -3)
eq "20 trickled bodies are all answered 408 and closed by 6 s (of 10)" "$bad" ""
check "the relay is alive after the tricklers" kill -0 "$RELAY_PID"
c=$(curl -s -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOK_AM" \
    -H 'Transfer-Encoding: chunked' --data-binary @"$FIX/pagerduty-events-v2/trigger.json" "$URL/v2/enqueue")
eq "a chunked body gets 411 Length Required" "$c" 411
check "which says to send a Content-Length" grep -q 'Content-Length' "$T/body"
python3 - "$T/links.json" <<'PY'
import json, sys
ev = {"routing_key": "r" * 32, "event_action": "trigger",
      "payload": {"summary": "s", "source": "h", "severity": "critical"},
      "links": [{"href": 1}] * 2000}
open(sys.argv[1], "w").write(json.dumps(ev))
PY
eq "an event with 2000 bad links: 400" "$(post /v2/enqueue "$T/links.json")" 400
eq "the answer lists 10 errors" "$(grep -o 'links\[[0-9]*\]' "$T/body" | wc -l)" 10
check "and says how many there were" grep -q '2000 errors, the first 10 listed' "$T/body"
check "and stays small ($(wc -c < "$T/body") bytes)" test "$(wc -c < "$T/body")" -lt 2048
eq "none of that was stored" "$(head_seq)" "$h0"
ws() { # ws [PROTOCOL]: the status line of an upgrade to /feed
	curl -s -m 2 -i -H "Authorization: Bearer $TOK_OPS" -H 'Connection: Upgrade' \
	    -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
	    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
	    ${1:+-H "Sec-WebSocket-Protocol: $1"} "$URL/feed" | head -n 1 | tr -d '\r'
}
eq "an upgrade without a subprotocol is refused" "$(ws)" "HTTP/1.0 400 Bad Request"
eq "an upgrade with another subprotocol is refused" "$(ws chat)" "HTTP/1.0 400 Bad Request"
eq "an upgrade offering warroom.v1 among others is taken" "$(ws 'chat, warroom.v1')" "HTTP/1.1 101 Switching Protocols"

# Events v2 as PagerDuty senders post it: no Authorization header, the
# routing_key is the credential.
PD="$FIX/pagerduty-events-v2"
pd() { # pd PATH FILE [CURL ARGS]: post with no bearer token
	p=$1; f=$2; shift 2
	curl -s -o "$T/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	    "$@" --data-binary @"$f" "$URL$p"
}
codes=""
for s in grafana-trigger grafana-resolve go-pagerduty-trigger go-pagerduty-acknowledge \
    go-pagerduty-resolve zabbix-trigger zabbix-acknowledge zabbix-resolve \
    checkmk-trigger checkmk-resolve kapacitor-trigger kapacitor-resolve; do
	codes="$codes $s=$(pd /v2/enqueue "$PD/$s.json")"
	grep -q '"status":"success"' "$T/body" || codes="$codes($(cat "$T/body"))"
done
eq "every sender's body is taken on its routing_key alone" "$codes" \
    " grafana-trigger=202 grafana-resolve=202 go-pagerduty-trigger=202 go-pagerduty-acknowledge=202 go-pagerduty-resolve=202 zabbix-trigger=202 zabbix-acknowledge=202 zabbix-resolve=202 checkmk-trigger=202 checkmk-resolve=202 kapacitor-trigger=202 kapacitor-resolve=202"
eq "pypd, posting to /v2/enqueue/ with its own Authorization scheme: 202" \
    "$(pd /v2/enqueue/ "$PD/pypd-trigger.json" -H 'Authorization: Token token=y_NbAkKc66ryYTWUXYEu')" 202
h1=$(head_seq)
sed 's/ROUTING_KEY_ZBX_0123456789abcdef/not-a-token-0123456789abcdef/' "$PD/zabbix-trigger.json" > "$T/zbx-bad.json"
eq "a routing_key that is no token: 401" "$(pd /v2/enqueue "$T/zbx-bad.json")" 401
check "in the Events v2 shape, errors[0] saying why (Zabbix shows it)" \
    grep -q '"status":"unauthorized".*"errors":\["no bearer token, and the routing_key is not a token' "$T/body"
check "and the answer does not echo the key" sh -c "! grep -q not-a-token '$T/body'"
sed "s/ROUTING_KEY_ZBX_0123456789abcdef/$TOK_BOB/" "$PD/zabbix-trigger.json" > "$T/zbx-console.json"
eq "a console-only token as routing_key: 401" "$(pd /v2/enqueue "$T/zbx-console.json")" 401
eq "a wrong bearer token is not saved by a good routing_key: 401" \
    "$(pd /v2/enqueue "$PD/zabbix-trigger.json" -H 'Authorization: Bearer wrongtoken0123456789')" 401
check "that 401 has the Events v2 shape too" grep -q '"errors":\[' "$T/body"
printf '{"event_action":"trigger","payload":{"summary":"s","source":"h","severity":"info"}}' > "$T/nokey.json"
eq "no routing_key and no bearer: 401" "$(pd /v2/enqueue "$T/nokey.json")" 401
eq "refused events leave the log as it was" "$(head_seq)" "$h1"
eq "a body over the limit on /v2/enqueue: 413" "$(post /v2/enqueue "$T/big.json")" 413
check "in the Events v2 shape" grep -q '"status":"request too large".*"errors":\[' "$T/body"

eq "hostile text is accepted and stored as sent" "$(post /hooks/alertmanager "$FIX/hostile/alertmanager-hostile.json")" 200
eq "unknown path: 404" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/nope")" 404
curl -s "$URL/metrics" > "$T/metrics"
check "metrics count requests by endpoint and code" grep -q 'warroom_http_requests_total{endpoint="/hooks/alertmanager",code="401"} 3' "$T/metrics"
check "metrics count ingested events" grep -q 'warroom_events_ingested_total{source="alertmanager"}' "$T/metrics"
check "metrics have the commit histogram" grep -q 'warroom_commit_seconds_bucket{le="+Inf"}' "$T/metrics"

# the relay refuses to start without tokens, and with a readable token file
"$WARROOMD" --listen 127.0.0.1:1 --db "$T/x.db" >"$T/noauth.out" 2>&1
eq "no --tokens and no --no-auth: refuses to start (78, bad configuration)" "$?" 78
chmod 644 "$T/tokens"
"$WARROOMD" --listen 127.0.0.1:1 --db "$T/x.db" --tokens "$T/tokens" >"$T/mode.out" 2>&1
check "a token file others can read is refused" grep -q "chmod 600" "$T/mode.out"
chmod 600 "$T/tokens"

# Acting as someone else: a token acts as its own name, the names of its
# users=, or anyone with users=*.
as() { # as TOKENFILE USER: warroom list's exit status; stderr in $T/as.err
	"$WARROOM" list --json --feed "$FEED" --token-file "$T/$1" --user "$2" \
	    --db "$T/as-$1-$2.db" --log "$T/as-$1-$2.log" --timeout 3 \
	    >"$T/as.out" 2>"$T/as.err"
	echo $?
}
eq "token carol acts as carol" "$(as carol.token carol)" 0
eq "a console claiming another name is refused at once, not retried (77)" \
    "$(as carol.token alice)" 77
check "it connected once" test "$(grep -c 'the relay says user_not_allowed' \
    "$T/as-carol.token-alice.log")" -eq 1
check "and says why: user_not_allowed, whom it may act as" \
    grep -q 'user_not_allowed: token carol may act as: carol' "$T/as.err"
check "in an error frame before the close" \
    grep -q 'the relay says user_not_allowed: token carol may act as: carol' "$T/as-carol.token-alice.log"
eq "token dana (users=alice) acts as alice" "$(as dana.token alice)" 0
check "but not as bob" test "$(as dana.token bob)" -ne 0
check "told it may act as dana, alice" grep -q 'token dana may act as: dana, alice' "$T/as.err"
eq "a users=* token acts as anyone" "$(as ops.token mallory)" 0
check "the relay logs the refusal" grep -q 'console bob (token dana) refused' "$T/relay.log"

# The log: created 0600 whatever the umask, and a console's hello.user
# cannot write a line of its own into it.
stop_relay TERM
# not in a subshell: start_relay must set RELAY_PID here, or the relay is
# never stopped and outlives the test
mask=$(umask); umask 022
start_relay --log "$T/warroomd.log" || exit 1
umask "$mask"
eq "the --log file is created 0600" "$(stat -c %a "$T/warroomd.log")" 600
forged=$(printf 'm\n2026-12-01T00:00:00Z warroomd: console root\033[2J')
"$WARROOM" list --json --feed "$FEED" --token-file "$T/ops.token" --db "$T/forge.db" \
    --user "$forged" --timeout 10 >"$T/forge.out" 2>&1
eq "a console whose user has a newline and ESC still lists" "$?" 0
check "the relay logs the user escaped" wait_for "$T/warroomd.log" 'console m\\x0a2026-12-01T00:00:00Z warroomd: console root\\x1b\[2J (token ops) connected'
n=$(grep -c '^2026-12-01T00:00:00Z' "$T/warroomd.log")
eq "and no forged line starts the log" "$n" 0
check "no control byte is in the log" sh -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$T/warroomd.log'"
stop_relay TERM
start_relay || exit 1

h=$(head_seq)
stop_relay TERM
check "SIGTERM stops the relay cleanly" grep -q "stopped at seq $h" "$T/relay.log"
start_relay || exit 1
eq "after a restart the log is all there" "$(head_seq)" "$h"
finish

#!/bin/sh
# Events v2 dedup_keys belong to their routing key (PagerDuty's rule, and
# DESIGN.md's Identity): one bearer token that carries two routing keys is
# two senders.  The same dedup_key under two routing keys is two
# incidents; an acknowledge or resolve under another routing key is
# answered 202 and changes nothing; and the routing key itself is never
# stored or shown.
. "$(dirname "$0")/lib.sh"
echo "relay: Events v2 dedup_keys are scoped by routing key"
make_tokens
start_relay || exit 1

post() { # post ROUTING_KEY ACTION [SUMMARY]
	body="{\"routing_key\":\"$1\",\"event_action\":\"$2\",\"dedup_key\":\"disk-full\""
	[ "$2" = trigger ] && body="$body,\"payload\":{\"summary\":\"$3\",\"source\":\"db1\",\"severity\":\"critical\"}"
	curl -s -o "$T/body" -w '%{http_code}' -X POST \
	    -H "Authorization: Bearer $TOK_AM" -H 'Content-Type: application/json' \
	    --data-binary "$body}" "$URL/v2/enqueue"
}
list() {
	"$WARROOM" list --json --feed "$FEED" --token-file "$T/ops.token" \
	    --db "$T/list.db" >"$T/list.json" 2>>"$T/list.err"
}
# field TITLE FIELD
field() {
	python3 - "$T/list.json" "$1" "$2" <<'PY'
import json, sys
m = [i for i in json.load(open(sys.argv[1])) if i["title"] == sys.argv[2]]
print(m[-1][sys.argv[3]] if m else "none")
PY
}
count() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/list.json"; }

RK_A=team-a-integration-key-00000001
RK_B=team-b-integration-key-00000002
eq "trigger under routing key A: 202" "$(post $RK_A trigger 'disk full (team a)')" 202
eq "the same dedup_key under routing key B: 202" "$(post $RK_B trigger 'disk full (team b)')" 202
list
eq "two incidents, one per routing key" "$(count)" 2
eq "a resolve under an unknown routing key: 202" "$(post other-key-0000000000000000003 resolve)" 202
eq "an acknowledge under routing key B: 202" "$(post $RK_B acknowledge)" 202
list
eq "team a's incident is untouched by team b's acknowledge" \
    "$(field 'disk full (team a)' state)" triggered
eq "team b's incident is acknowledged" "$(field 'disk full (team b)' state)" acknowledged
eq "a resolve under routing key A: 202" "$(post $RK_A resolve)" 202
list
eq "team a's incident is resolved" "$(field 'disk full (team a)' state)" resolved
eq "team b's is still acknowledged" "$(field 'disk full (team b)' state)" acknowledged
check "no routing key is in the relay's database" sh -c \
    "! grep -aq -e '$RK_A' -e '$RK_B' '$T/relay.db' '$T/relay.db-wal' 2>/dev/null"
check "no routing key is in the relay's log" sh -c \
    "! grep -q -e '$RK_A' -e '$RK_B' '$T/relay.log'"
check "no routing key reached the console" sh -c \
    "! grep -q -e '$RK_A' -e '$RK_B' '$T/list.json'"
finish

#!/bin/sh
# The relay asks a real Alertmanager (0.25) for a group that max_alerts cut
# short: with `[sender am] alertmanager = URL` in the relay config, a
# delivery saying truncatedAlerts makes the relay read the whole group from
# GET /api/v2/alerts/groups, so the incident holds all 10 alerts, not the
# first 5; an alert that resolves among those never sent is resolved too.
. "$(dirname "$0")/lib.sh"
echo "relay: the Alertmanager API client reads truncated groups whole"
am_need
make_tokens
AMPORT=$(free_port)
AMURL="http://127.0.0.1:$AMPORT"
cat > "$T/relay.conf" <<EOT
[sender am]
alertmanager = $AMURL
EOT
start_relay --config "$T/relay.conf" || exit 1
printf '%s\n' "$TOK_AM" > "$T/am.token"
am_config '[alertname, service]' 'max_alerts: 5'
check "alertmanager is ready" am_start

for i in 01 02 03 04 05 06 07 08 09 10; do
	amtool --alertmanager.url="$AMURL" alert add HighLatency service=api \
	    instance="api-$i" severity=warning \
	    --annotation=summary="p99 latency high on api-$i" >/dev/null
done

check "all 10 alerts of the group are in the incident, not the 5 sent" \
    until_kinds alert_firing 10
check "the relay says it read the group whole" \
    grep -q "alertmanager of sender am: read the whole group" "$T/relay.log"

# api-08 is one Alertmanager never sent (it sends api-01..05): expire it.
amtool --alertmanager.url="$AMURL" alert add HighLatency service=api \
    instance=api-08 severity=warning \
    --annotation=summary="p99 latency high on api-08" \
    --end="$(date -u -d '-1 second' +%Y-%m-%dT%H:%M:%SZ)" >/dev/null
check "an alert resolved among those never sent is resolved in the incident" \
    until_kinds alert_resolved 1
"$WARROOM" list --json --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/list.db" >"$T/list.json" 2>/dev/null
st=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["state"])' "$T/list.json")
eq "and the incident stays open" "$st" triggered

# With its Alertmanager gone, a truncated delivery is taken as it is and
# the failed request is logged; the relay carries on.
kill "$AMPID"
wait "$AMPID" 2>/dev/null
eq "a truncated delivery with Alertmanager down is accepted" \
    "$(post /hooks/alertmanager "$FIX/alertmanager-real/max5-truncated-firing.json")" 200
check "the relay logs that it cannot reach it" \
    wait_for "$T/relay.log" "alertmanager of sender am: cannot reach" 100
check "the relay is alive" curl -fs "$URL/healthz" -o /dev/null
finish

#!/bin/sh
# A real Prometheus Alertmanager routes its webhooks to a real warroomd with a
# bearer token: alerts raised with amtool appear in `warroom tail`, and
# expiring them (amtool alert add --end in the past, with or without
# --start) resolves the incident.
. "$(dirname "$0")/lib.sh"
echo "relay: a real Alertmanager delivering to the relay"
am_need
make_tokens
start_relay || exit 1
printf '%s\n' "$TOK_AM" > "$T/am.token"
AMPORT=$(free_port)
AMURL="http://127.0.0.1:$AMPORT"
am_config '[alertname, service]'
check "alertmanager is ready" am_start

"$WARROOM" tail --json --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/tail.db" >"$T/tail.out" 2>"$T/tail.err" &
PIDS="$PIDS $!"

start=$(date -u -d '-60 seconds' +%Y-%m-%dT%H:%M:%SZ)
amtool --alertmanager.url="$AMURL" alert add DiskFull service=db \
    severity=critical instance=db-1 --annotation=summary="disk 97% on db-1" \
    --start="$start" >/dev/null
check "the incident appears in warroom tail" wait_for "$T/tail.out" '"kind":"triggered"' 150
check "with its title from the summary" grep -q '"title":"disk 97% on db-1"' "$T/tail.out"
check "and its severity" grep -q '"severity":"critical"' "$T/tail.out"
check "the alert is firing in it" grep -q '"kind":"alert_firing"' "$T/tail.out"
check "the actor is the source" grep -q '"actor":"alertmanager"' "$T/tail.out"
check "the token's name is recorded" grep -q '"via":"am"' "$T/tail.out"

past=$(date -u -d '-5 seconds' +%Y-%m-%dT%H:%M:%SZ)
amtool --alertmanager.url="$AMURL" alert add DiskFull service=db \
    severity=critical instance=db-1 --annotation=summary="disk 97% on db-1" \
    --start="$start" --end="$past" >/dev/null
check "expiring the alert resolves it at the source" wait_for "$T/tail.out" '"kind":"alert_resolved"' 150
check "and the incident is resolved" wait_for "$T/tail.out" '"kind":"resolved"' 50
n=$(grep -c '"kind":"triggered"' "$T/tail.out")
eq "Alertmanager's repeats did not open a second incident" "$n" 1

# Raised and expired without --start, the end a few seconds before the
# alert began: Alertmanager sends the resolve with startsAt = endsAt, both
# before the firing startsAt; it still resolves the incident.
amtool --alertmanager.url="$AMURL" alert add CertExpiry service=edge \
    severity=warning instance=edge-1 --annotation=summary="cert expires on edge-1" \
    >/dev/null
check "an alert raised without --start opens an incident" \
    wait_for "$T/tail.out" '"title":"cert expires on edge-1"' 150
past=$(date -u -d '-10 seconds' +%Y-%m-%dT%H:%M:%SZ)
amtool --alertmanager.url="$AMURL" alert add CertExpiry service=edge \
    severity=warning instance=edge-1 --annotation=summary="cert expires on edge-1" \
    --end="$past" >/dev/null
resolves() { [ "$(grep -c '"kind":"resolved"' "$T/tail.out")" -ge 2 ]; }
until_resolves() {
	for _ in $(seq 1 150); do resolves && return 0; sleep 0.1; done
	return 1
}
check "its resolve without --start (startsAt = endsAt) resolves it" until_resolves
finish

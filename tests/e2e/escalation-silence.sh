#!/bin/sh
# The end of a silence starts the escalation again from step 1, as an
# unack does, with a real Alertmanager (0.25) on loopback: a policy of
# 0s alice / 3s bob / 6s erin; the incident is silenced for 8 s just after
# step 1; no step fires while it is; at its end the relay records
# "silence expired" at once (its silence-refresh is an hour: it does not
# wait for it; it asks Alertmanager about that silence first), and the
# escalation pages alice, then bob, then erin again, not erin at once (the
# latest step due since the trigger, which it did, so that bob was never
# paged).  A silence extended at Alertmanager (amtool silence update)
# between two refreshes is not recorded expired at its old end: the relay
# asks, and records the new end; the incident does not escalate.
. "$(dirname "$0")/lib.sh"
echo "escalation-silence: a silence's end starts the escalation again"
am_need skip
make_tokens
AMPORT=$(free_port)
AMURL="http://127.0.0.1:$AMPORT"
cat > "$T/relay.conf" <<EOT
[sender am]
alertmanager = $AMURL
silence-refresh = 1h

[policy edge]
step = 0s alice
step = 3s bob
step = 6s erin
EOT
start_relay --config "$T/relay.conf" --log "$T/warroomd.log" || exit 1
printf '%s\n' "$TOK_AM" > "$T/am.token"
am_config '[alertname, service]'
check "alertmanager is ready" am_start
start_tail

# line KIND PATTERN: the tail's line number of the first such event
line() {
	grep -n "\"kind\":\"$1\"" "$T/tail.out" | grep -- "$2" | head -1 |
	    cut -d: -f1
}

amtool --alertmanager.url="$AMURL" alert add EdgeNodeDown service=edge \
    instance=ams-1 severity=critical --annotation=summary="edge ams-1 down" \
    >/dev/null
check "step 1 assigns alice" wait_count policy_assigned '"targets":"alice"' 1
"$WARROOM" silence 1 8s --comment "restart" --feed "$FEED" \
    --token-file "$T/ops.token" --user alice --db "$T/alice.db" \
    --timeout 20 >"$T/silence.out" 2>"$T/silence.err"
eq "warroom silence 1 8s exits 0" "$?" 0
SILENCED_MS=$(date +%s%3N)
check "the silence is in the log" wait_count silenced '"incident":1' 1
while [ "$(date +%s%3N)" -lt $((SILENCED_MS + 7000)) ]; do sleep 0.2; done
eq "no step while it is silenced (3 s and 6 s fell due)" \
    "$(count escalated)" 0
check "at its end the relay records it expired" \
    wait_count silence_expired '"incident":1' 1
EXPIRED_MS=$(date +%s%3N)
check "within 3 s of its end, not at the next silence-refresh (an hour)" \
    test "$EXPIRED_MS" -lt $((SILENCED_MS + 11000))
check "then step 1 again: alice" \
    wait_count escalated '"step":1,' 1
check "paging alice" sh -c \
    "grep '\"kind\":\"escalated\"' '$T/tail.out' | grep '\"step\":1,' | grep -q '\"targets\":\"alice\"'"
check "then bob, step 2" wait_count escalated '"targets":"bob"' 1
check "then erin, step 3" wait_count escalated '"targets":"erin"' 1
L_EXP=$(line silence_expired '"incident":1')
L1=$(line escalated '"step":1,')
L2=$(line escalated '"targets":"bob"')
L3=$(line escalated '"targets":"erin"')
check "in that order, after the silence's end" \
    test "${L_EXP:-0}" -lt "${L1:-0}" -a "${L1:-0}" -lt "${L2:-0}" -a \
    "${L2:-0}" -lt "${L3:-0}"
eq "erin is paged once" "$(count escalated '"targets":"erin"')" 1

# Extended at Alertmanager between two refreshes: at its old end the
# relay asks, and follows the new end; nothing escalates.
amtool --alertmanager.url="$AMURL" alert add EdgeLinkFlap service=edge \
    instance=ams-2 severity=warning --annotation=summary="link flaps" \
    >/dev/null
check "a second incident, step 1 assigns alice" \
    wait_count policy_assigned '"incident":2,' 1
"$WARROOM" silence 2 6s --comment "flapping" --feed "$FEED" \
    --token-file "$T/ops.token" --user alice --db "$T/alice.db" \
    --timeout 20 >"$T/silence2.out" 2>"$T/silence2.err"
eq "warroom silence 2 6s exits 0" "$?" 0
SILENCED_MS=$(date +%s%3N)
check "the silence is in the log" wait_count silenced '"incident":2,' 1
SID=$(grep '"kind":"silenced"' "$T/tail.out" | grep '"incident":2,' |
    sed 's/.*"silence_id":"\([^"]*\)".*/\1/' | head -1)
amtool --alertmanager.url="$AMURL" silence update "$SID" \
    --end="$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" >"$T/update.out" 2>&1
eq "amtool silence update (an hour from now) exits 0" "$?" 0
check "at its old end the relay follows the new one (silence_changed)" \
    wait_count silence_changed '"incident":2,' 1
while [ "$(date +%s%3N)" -lt $((SILENCED_MS + 10000)) ]; do sleep 0.2; done
eq "it is not recorded expired" "$(count silence_expired '"incident":2,')" 0
eq "and does not escalate (3 s and 6 s fell due)" \
    "$(count escalated '"incident":2,')" 0
finish

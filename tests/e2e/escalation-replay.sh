#!/bin/sh
# A rehearsal (warroomd --replay) escalates as live deliveries do, and its
# steps are derived from the log too: a relay killed with SIGKILL between
# two steps of a played incident and started again with the same --replay
# (which plays the recording again from its start) fires the missed step
# once, and no step twice, for either incident of the recording (an
# Events v2 trigger and an Alertmanager group): a repeated delivery of an
# incident already open is no new incident, and its escalation goes on
# from the log.
. "$(dirname "$0")/lib.sh"
echo "escalation-replay: a rehearsal's steps across a kill -9 and a second --replay"
make_tokens

{ schedule_weekly primary UTC alice; cat <<'EOT'
[policy rehearsal]
step = 0s primary
step = 4s bob
step = 1h carol
EOT
} > "$T/relay.conf"
cat > "$T/scenario.jsonl" <<'EOT'
# two incidents, one per sender kind
{"at":0.2,"source":"events-v2","body":{"routing_key":"rehearsal-key-000000000000000001","event_action":"trigger","dedup_key":"rehearsal-db","payload":{"summary":"replication lag 340s","source":"db-2","severity":"error","component":"postgres"}}}
{"at":0.4,"source":"alertmanager","body":{"receiver":"warroom","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"CheckoutErrors","service":"checkout","severity":"critical"},"annotations":{"summary":"checkout 5xx 4%"},"startsAt":"@-60","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"c0ffee0000000001"}],"groupLabels":{"alertname":"CheckoutErrors"},"commonLabels":{"alertname":"CheckoutErrors","service":"checkout","severity":"critical"},"commonAnnotations":{},"externalURL":"http://am:9093","version":"4","groupKey":"{}:{alertname=\"CheckoutErrors\"}","truncatedAlerts":0}}
EOT
start_relay --config "$T/relay.conf" --replay "$T/scenario.jsonl" \
    --log "$T/warroomd.log" || exit 1
start_tail
check "the rehearsal's first step assigns alice, for both incidents" \
    wait_count policy_assigned '"targets":"alice"' 2
STEP1_MS=$(date +%s%3N)
kill -9 "$RELAY_PID"
wait "$RELAY_PID" 2>/dev/null
eq "no step 2 before the kill" "$(count escalated)" 0
# started again, with the same recording, once step 2 fell due
while [ "$(date +%s%3N)" -lt $((STEP1_MS + 4500)) ]; do sleep 0.1; done
start_relay --config "$T/relay.conf" --replay "$T/scenario.jsonl" \
    --log "$T/warroomd.log" || exit 1
check "after the restart, step 2 fires for both" \
    wait_count escalated '"step":2' 2
check "the recording was played again" \
    wait_for "$T/warroomd.log" "replay: all 2 lines played" 100
# anything a second play would have started has had its time: step 1
# fires at once
sleep 1.5
eq "two incidents, not four" "$(count triggered)" 2
eq "step 1 fired once for each" "$(count policy_assigned)" 2
eq "step 2 fired once for each" "$(count escalated '"step":2')" 2
eq "no step fired from 1 again" "$(count escalated '"step":1,')" 0
eq "and step 3 is an hour away" "$(count escalated '"step":3')" 0
for id in 1 2; do
	eq "#$id: step 1 then step 2, each once" "$(grep -E '"kind":"(policy_assigned|escalated)"' "$T/tail.out" | grep "\"incident\":$id," | sed 's/.*"step":\([0-9]*\).*/\1/' | tr '\n' ' ')" "1 2 "
done
finish

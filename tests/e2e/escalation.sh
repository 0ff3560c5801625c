#!/bin/sh
# Escalation policies end to end, with delays of seconds: a new incident is
# assigned to whoever is on call for its policy's first step; the relay is
# killed with SIGKILL between step 1 and step 2 and started again after
# step 2 fell due, and step 2 fires exactly once (and step 1 not again):
# the timers are derived from the log.  An ack stops the escalation, an
# unack starts it again from step 1, a resolve stops it; an ack-timeout
# returns an acknowledged incident to triggered with an event saying so; a
# snooze (warroom snooze ID DURATION) of an acknowledged incident ends in
# "snooze over", triggered, and the escalation again.
# Every step is paged (relay/notify.h; the log says so until a notifier
# delivers it).
. "$(dirname "$0")/lib.sh"
echo "escalation: steps from the log, across a kill -9"
make_tokens

{
	schedule_weekly primary UTC alice
	schedule_weekly secondary UTC bob
	cat <<'EOT'
[policy checkout]
match = service=checkout
step = 0s primary
step = 3s secondary
step = 1h carol

[policy db]
match = service=db
step = 0s primary
ack-timeout = 2s
EOT
} > "$T/relay.conf"
"$WARROOMD" --check-config "$T/relay.conf" --no-auth >"$T/check.out" 2>&1
eq "--check-config accepts the policies" "$?" 0
check "and lists whom each step pages now" \
    grep -q "step 1 after 0m: primary (schedule: alice now)" "$T/check.out"
printf '[policy bad]\nstep = 3s a\nstep = 1s b\n' > "$T/bad.conf"
"$WARROOMD" --check-config "$T/bad.conf" --no-auth >"$T/bad.out" 2>&1
eq "a bad policy: exit 78" "$?" 78
check "with the file, line and reason" grep -q \
    "bad.conf:1: \[policy bad\]: step 2 comes no later than step 1" \
    "$T/bad.out"

start_relay --config "$T/relay.conf" --log "$T/warroomd.log" || exit 1
start_tail

trigger() { # trigger DEDUP SERVICE SUMMARY
	curl -s -o "$T/body" -w '%{http_code}' -X POST \
	    -H "Authorization: Bearer $TOK_AM" \
	    -H 'Content-Type: application/json' --data-binary \
	    "{\"routing_key\":\"r1\",\"event_action\":\"trigger\",\"dedup_key\":\"$1\",\"payload\":{\"summary\":\"$3\",\"component\":\"$2\",\"source\":\"h1\",\"severity\":\"critical\"}}" \
	    "$URL/v2/enqueue"
}
op() { # op SUBCOMMAND ID [TEXT]
	"$WARROOM" "$@" --feed "$FEED" --token-file "$T/ops.token" \
	    --user alice --db "$T/op.db" >>"$T/op.out" 2>&1
}

eq "a checkout incident is accepted" "$(trigger c1 checkout 'checkout 5xx rate')" 202
check "step 1 assigns whoever is on call for primary" \
    wait_count policy_assigned '"targets":"alice"' 1
check "with why, policy, step and when the next fires" sh -c \
    "grep '\"kind\":\"policy_assigned\"' '$T/tail.out' | grep '\"why\":\"on call for primary\"' | grep '\"policy\":\"checkout\"' | grep '\"step\":1,\"steps\":3' | grep -q '\"next_at\"'"
check "and pages alice (notify.h)" \
    wait_for "$T/warroomd.log" "page #1 for alice (assigned by policy checkout)"
ASSIGNED_MS=$(date +%s%3N)

# Killed between the two steps; started again once step 2 fell due.
kill -9 "$RELAY_PID"
wait "$RELAY_PID" 2>/dev/null
eq "no step 2 before the kill" "$(count escalated)" 0
while [ "$(date +%s%3N)" -lt $((ASSIGNED_MS + 3500)) ]; do sleep 0.1; done
start_relay --config "$T/relay.conf" --log "$T/warroomd.log" || exit 1
check "after the restart, step 2 fires" \
    wait_count escalated '"targets":"bob"' 1
check "its words: escalated to bob (on call for secondary), step 2 of 3" sh -c \
    "grep '\"kind\":\"escalated\"' '$T/tail.out' | grep '\"why\":\"on call for secondary\"' | grep -q '\"step\":2,\"steps\":3'"
check "bob is paged" wait_for "$T/warroomd.log" \
    "page #1 for bob (escalated, step 2 of 3)"

# An ack stops it; the ack's event comes after any second step 2 would.
op ack 1
check "the ack is in the log" wait_count acknowledged '"incident":1' 1
eq "step 2 fired exactly once" "$(count escalated '"step":2')" 1
eq "step 1 did not fire again" "$(count policy_assigned)" 1
op unack 1
check "an unack starts it again from step 1" \
    wait_count escalated '"step":1,' 1
check "with the on-call person again" sh -c \
    "grep '\"kind\":\"escalated\"' '$T/tail.out' | grep '\"step\":1,' | grep -q '\"targets\":\"alice\"'"
check "and step 2 again 3 s later" wait_count escalated '"step":2' 2
op resolve 1
check "a resolve is in the log" wait_count resolved '"incident":1' 1

# ack-timeout: an acknowledgement that runs out.
eq "a db incident is accepted" "$(trigger d1 db 'replica lag')" 202
check "its policy assigns it" wait_count policy_assigned '"incident":2' 1
op ack 2
check "acknowledged" wait_count acknowledged '"incident":2' 1
check "after 2 s the acknowledgement expires" \
    wait_count ack_expired '"incident":2' 1
check "saying the ack-timeout and the policy" sh -c \
    "grep '\"kind\":\"ack_expired\"' '$T/tail.out' | grep '\"policy\":\"db\"' | grep -q '\"after_ms\":2000'"
check "and the escalation starts again" \
    wait_count escalated '"incident":2' 1
"$WARROOM" list --json --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/list.db" >"$T/list.json" 2>>"$T/list.err"
eq "the db incident is triggered again" "$(python3 -c '
import json, sys
print([i["state"] for i in json.load(open(sys.argv[1])) if i["id"] == 2][0])
' "$T/list.json")" triggered
eq "the checkout incident is resolved, assigned by its policy" "$(python3 -c '
import json, sys
i = [i for i in json.load(open(sys.argv[1])) if i["id"] == 1][0]
print(i["state"], i["assignee"])
' "$T/list.json")" "resolved alice"

# A bad policy on SIGHUP: refused with its line, the old ones kept.
cp "$T/relay.conf" "$T/relay.conf.good"
printf '[policy broken]\nstep = 5m x\nstep = 1m y\n' >> "$T/relay.conf"
kill -HUP "$RELAY_PID"
check "SIGHUP with a bad policy: refused, with file, line and reason" \
    wait_for "$T/warroomd.log" "reload refused, the old configuration and tokens are kept: $T/relay.conf:[0-9]*: \[policy broken\]: step 2 comes no later than step 1"

# Snooze: an acknowledged incident comes back triggered when it is up.
eq "a third incident" "$(trigger c3 checkout 'checkout latency')" 202
check "assigned by its policy (the old policies still serve)" \
    wait_count policy_assigned '"incident":3' 1
op snooze 3 5m
eq "warroom snooze of a triggered incident: refused (65)" "$?" 65
check "saying it is not acknowledged" \
    grep -q "only an acknowledged incident can be snoozed" "$T/op.out"
op ack 3
check "#3 acknowledged" wait_count acknowledged '"incident":3' 1
op snooze 3 soon
eq "warroom snooze with no duration: bad usage (64)" "$?" 64
op snooze 3 2s
eq "warroom snooze 3 2s" "$?" 0
check "it says until when" grep -q "snoozed #3 until 20" "$T/op.out"
check "a snoozed event with its end" sh -c \
    "grep '\"kind\":\"snoozed\"' '$T/tail.out' | grep '\"incident\":3' | grep -q '\"until\"'"
check "then snooze over" wait_count snooze_over '"incident":3' 1
check "and the escalation starts again from step 1" \
    wait_count escalated '"incident":3' 1
eq "after the snooze #3 is triggered" "$(grep '"incident":3' "$T/tail.out" | grep -o '"kind":"[a-z_]*"' | tr '\n' ' ')" \
    '"kind":"triggered" "kind":"alert_firing" "kind":"policy_assigned" "kind":"acknowledged" "kind":"snoozed" "kind":"snooze_over" "kind":"escalated" '
op resolve 3
check "#3 resolved" wait_count resolved '"incident":3' 1

# An override is who is on call: the step pages the person it names.
"$WARROOM" override primary dave --for 1h --feed "$FEED" \
    --token-file "$T/ops.token" --user alice --db "$T/op.db" \
    >>"$T/op.out" 2>&1
eq "warroom override primary dave --for 1h" "$?" 0
eq "a fourth incident" "$(trigger c4 checkout 'checkout errors')" 202
check "step 1 assigns dave, on call for primary by the override" sh -c \
    "for i in \$(seq 1 200); do grep '\"kind\":\"policy_assigned\"' '$T/tail.out' | grep '\"incident\":4' | grep -q '\"targets\":\"dave\"' && exit 0; sleep 0.1; done; exit 1"
op resolve 4
check "#4 resolved" wait_count resolved '"incident":4' 1

# A restart with nothing due fires nothing.
cp "$T/relay.conf.good" "$T/relay.conf"
n0=$(grep -c . "$T/tail.out")
stop_relay
start_relay --config "$T/relay.conf" --log "$T/warroomd.log" || exit 1
op note 2 "looking at the replica"
check "a note after the restart is in the log" wait_count note '"incident":2' 1
eq "and nothing but the note came after the restart" \
    "$(($(grep -c . "$T/tail.out") - n0))" 1
finish

#!/bin/sh
# Handoff notices follow the final schedule (layers plus overrides): an
# override that takes frank's coming shift for gina has gina told she goes
# on call, and frank, whose shift it takes, not told.  The handoff is 40 s
# after the relay starts, handoff-notice = 30s: the override is made before
# the notice is due.
. "$(dirname "$0")/lib.sh"
echo "relay: handoff notices follow the overrides"
make_tokens
handoff_in 40 30s "alice, frank, gina, hank"
# the override: from the handoff, for half an hour
UNTIL=$(date -u -d "${HANDOFF}Z + 30 min" +%Y-%m-%dT%H:%M:%SZ)
HANDOFF=${HANDOFF}Z
start_relay --config "$T/relay.conf" || exit 1
"$WARROOM" override primary gina --from "$HANDOFF" --until "$UNTIL" \
    --feed "$FEED" --token-file "$T/ops.token" --user alice \
    --db "$T/op.db" >"$T/op.out" 2>&1
eq "warroom override primary gina over frank's coming shift" "$?" 0
check "gina is told she goes on call" \
    wait_for "$T/relay.log" "on-call notice (primary) to gina via pager, attempt 1: delivered" 300
check "her notice says her shift starts at the handoff" \
    python3 -c "
import json, sys
b = json.load(open('$T/in.on_call.gina'))
assert b['from'] == '$HANDOFF'.replace('Z', '.000Z'), b
" 
# An override made after the notice went: the one it puts on call is told.
"$WARROOM" override primary hank --from "$HANDOFF" --until "$UNTIL" \
    --feed "$FEED" --token-file "$T/ops.token" --user alice \
    --db "$T/op.db" >>"$T/op.out" 2>&1
eq "warroom override primary hank over the same shift, after gina's notice" "$?" 0
check "hank is told he goes on call" \
    wait_for "$T/relay.log" "on-call notice (primary) to hank via pager, attempt 1: delivered" 100
eq "gina was told once" \
    "$(grep -c 'notice (primary) to gina' "$T/relay.log")" 1
eq "frank, whose shift the override takes, is not told" \
    "$(grep -c 'notice (primary) to frank' "$T/relay.log")" 0

# An override from now ("take the pager for 10 minutes"): no notice window
# comes before it, and its person is told at once; alice, whose shift it
# takes, is told she is off call.  Before, only she was told.
"$WARROOM" override primary frank --for 10m \
    --feed "$FEED" --token-file "$T/ops.token" --user alice \
    --db "$T/op.db" >>"$T/op.out" 2>&1
eq "warroom override primary frank --for 10m (from now)" "$?" 0
check "frank is told he is on call now" \
    wait_for "$T/relay.log" "on-call notice (primary) to frank via pager, attempt 1: delivered" 100
check "alice is told she is off call" \
    wait_for "$T/relay.log" "off-call notice (primary) to alice via pager, attempt 1: delivered" 100
# stopped and started again: neither is told twice (every handoff of the
# window is recorded, not only the last)
stop_relay
start_relay --config "$T/relay.conf" || exit 1
sleep 1.5
eq "after a restart frank was still told once" \
    "$(grep -c 'on-call notice (primary) to frank' "$T/relay.log")" 1
eq "and alice once" \
    "$(grep -c 'off-call notice (primary) to alice' "$T/relay.log")" 1
finish

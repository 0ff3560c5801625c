#!/bin/sh
# Handoff notices: with handoff-notice = 5m, whoever takes over a shift is
# told within five minutes of the handoff (frank, at once: his shift starts
# 20 s after the relay does), and whoever goes off call is told once the
# handoff has happened (alice), each through the notifiers serving them,
# here a command given the JSON on stdin and WARROOM_* in its environment.
# They belong to no incident: logged and counted in /metrics, no event.
# A relay killed or stopped and started again inside a notice's window
# does not tell it again: what each notifier told is in the store.
. "$(dirname "$0")/lib.sh"
echo "relay: handoff notices to whoever goes on call and off call"
make_tokens
# The handoff from alice to frank 20 s from now.
handoff_in 20 5m "alice, frank"
start_relay --config "$T/relay.conf" || exit 1
check "frank is told at once that he goes on call" \
    wait_for "$T/relay.log" "on-call notice (primary) to frank via pager, attempt 1: delivered" 100
python3 - "$T/in.on_call.frank" "$HANDOFF" >"$T/on.check" 2>&1 <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
assert b["kind"] == "on_call" and b["person"] == "frank", b
assert b["schedule"] == "primary" and b["notifier"] == "pager", b
assert b["from"] == sys.argv[2] + ".000Z", (b["from"], sys.argv[2])
assert b["until"] is not None and "incident" not in b, b
print("ok")
PY
check "his notice says the schedule and when his shift starts" \
    grep -qx ok "$T/on.check"
check "his command's environment says so too" \
    sh -c "grep -qx WARROOM_KIND=on_call '$T/env.on_call.frank' &&
        grep -qx WARROOM_SCHEDULE=primary '$T/env.on_call.frank' &&
        grep -qx 'WARROOM_FROM=$HANDOFF.000Z' '$T/env.on_call.frank'"
# Killed (kill -9) after frank's notice went, and started again inside
# his notice's window: he is not told again (the store has it told).
kill -9 "$RELAY_PID"
wait "$RELAY_PID" 2>/dev/null
start_relay --config "$T/relay.conf" || exit 1
check "after a kill -9 and a restart, the relay serves again" \
    curl -fs "$URL/healthz" -o /dev/null
check "alice is told she is off call once the handoff has happened" \
    wait_for "$T/relay.log" "off-call notice (primary) to alice via pager, attempt 1: delivered" 600
python3 - "$T/in.off_call.alice" "$HANDOFF" "$START" >"$T/off.check" 2>&1 <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
assert b["kind"] == "off_call" and b["person"] == "alice", b
assert b["until"] == sys.argv[2] + ".000Z", (b["until"], sys.argv[2])
assert b["next"] == "frank", b
assert b["from"] == sys.argv[3] + ".000Z", (b["from"], sys.argv[3])
print("ok")
PY
check "her notice says when her shift began and ended, and who took over" \
    grep -qx ok "$T/off.check"
curl -fs "$URL/metrics" > "$T/metrics"
check "/metrics counts her notice delivered (frank's was before the kill)" \
    grep -q '^warroom_notifications_delivered_total{kind="handoff"} 1$' "$T/metrics"
# Stopped and started again inside her notice's window: not told again.
stop_relay
start_relay --config "$T/relay.conf" || exit 1
sleep 1.5
eq "each was told once, across a kill -9 and a restart" \
    "$(grep -c 'notice (primary) to' "$T/relay.log")" 2
curl -fs "$URL/metrics" > "$T/metrics"
check "/metrics (since the last start) counts no notice delivered again" \
    grep -q '^warroom_notifications_delivered_total{kind="handoff"} 0$' "$T/metrics"
eq "a notice is no event in any timeline" \
    "$(sqlite3 "$T/relay.db" "SELECT count(*) FROM events")" 0
finish

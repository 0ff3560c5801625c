#!/bin/sh
# Big groups are not lost: with the default body limit the relay takes a
# 15,000-alert Alertmanager group (about 16 MB) with bounded memory, and
# every refused delivery is logged, once per burst, without a token.
. "$(dirname "$0")/lib.sh"
echo "relay: a 16 MB group, and refusals logged once per burst"
make_tokens
start_relay || exit 1	# the default --body-limit
python3 "$ROOT/tests/e2e/big-group.py" 15000 "$T/g15000.json"
python3 "$ROOT/tests/e2e/big-group.py" 1500 "$T/g1500.json"
sz=$(wc -c < "$T/g15000.json")
check "the 15,000-alert body is about 16 MB ($sz bytes)" test "$sz" -gt 15000000
eq "a 1,500-alert group (1.6 MB) is accepted" "$(post /hooks/alertmanager "$T/g1500.json")" 200
h=$(head_seq)
eq "a 15,000-alert group is accepted" "$(post /hooks/alertmanager "$T/g15000.json")" 200
check "its 13,500 new alerts are stored (head $h -> $(head_seq))" test "$(head_seq)" -ge $((h + 13500))
hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$RELAY_PID/status")
echo "  (warroomd peak RSS after a $sz-byte body: $hwm kB)"
# (not under ASan: its redzones and shadow cost about 40% more for the
# parsed body's many small blocks, 178 MB against 125 MB, whatever its options)
case "$BUILD" in
*sanitize*) ok "peak RSS not checked under the sanitizers ($hwm kB)" ;;
*) check "the relay's peak RSS stayed under 200 MB ($hwm kB)" test "$hwm" -lt 204800 ;;
esac

# A console that joins by snapshot takes the group whole: the relay sends
# it in frames a console reads (at most half of its 1 MiB frame limit),
# the group in parts.  Before, it was one 16 MB frame: the console refused
# it, returned from libwebsockets' callback mid-frame, and crashed on the
# corrupted heap (a 5,000-alert group did it).
other_epoch_db snap.db ops
eq "a console db of another epoch" "$?" 0
"$WARROOM" list --json --feed "$FEED" --token-file "$T/ops.token" \
    --user ops --db "$T/snap.db" --timeout 60 >"$T/snap.json" 2>"$T/snap.err"
eq "warroom list on it takes a snapshot and exits 0" "$?" 0
check "it took a snapshot" grep -q 'console ops .*connected: snapshot' "$T/relay.log"
eq "the 15,000-alert incident, whole" "$(python3 -c 'import json,sys; print(sorted(i["n_alerts"] for i in json.load(open(sys.argv[1]))))' "$T/snap.json")" "[15000]"
eq "its alerts are all in the console's store" \
    "$(sqlite3 "$T/snap.db" "SELECT count(*) FROM alerts WHERE incident = 1")" 15000

# refusals: logged with sender, endpoint, size and reason; once a burst
head -c 17000000 /dev/zero | tr '\0' ' ' > "$T/over.json"
eq "a body over 16 MB: 413" "$(post /hooks/alertmanager "$T/over.json")" 413
check "the 413 is logged with the sender, endpoint and size" \
    wait_for "$T/relay.log" 'refused 413 from am: POST /hooks/alertmanager, 17000000 bytes'
printf '{"version":"4","groupKey":"k","alerts":"nope"}' > "$T/bad.json"
for i in $(seq 1 30); do post /hooks/alertmanager "$T/bad.json" >/dev/null; done
for i in $(seq 1 20); do
	curl -s -o /dev/null -X POST --data-binary @"$T/bad.json" "$URL/hooks/alertmanager"
	curl -s -o /dev/null -X POST -H 'Authorization: Bearer not-a-token-0123456789' \
	    --data-binary @"$T/bad.json" "$URL/v2/enqueue"
done
sed "s/R0UT1NGK3Y0000000000000000000001/$TOK_BOB/" "$FIX/pagerduty-events-v2/trigger.json" > "$T/console-key.json"
curl -s -o /dev/null -X POST --data-binary @"$T/console-key.json" "$URL/v2/enqueue"
check "a burst of 30 bad bodies is one log line" wait_for "$T/relay.log" 'refused 400 from am: POST /hooks/alertmanager, 46 bytes'
eq "and only one" "$(grep -c 'refused 400 from am:' "$T/relay.log")" 1
check "it says why" grep -q 'refused 400 from am: .*alerts' "$T/relay.log"
eq "20 posts without a token: one line, unauthenticated" \
    "$(grep -c 'refused 401 from unauthenticated: POST /hooks/alertmanager' "$T/relay.log")" 1
eq "20 with a wrong bearer on /v2/enqueue, and a console token as routing_key: one line" \
    "$(grep -c 'refused 401 from unauthenticated: POST /v2/enqueue' "$T/relay.log")" 1
leak=""
for s in "$TOK_OPS" "$TOK_AM" "$TOK_BOB" not-a-token-0123456789; do
	grep -q -- "$s" "$T/relay.log" && leak="$leak $s"
done
eq "no token, good or bad, is in the log" "$leak" ""
# before its routing_key is checked an Events v2 body is held to 512 KB
python3 - "$T/ev2-big.json" <<'PY'
import json, sys
ev = {"routing_key": "not-a-token-0123456789", "event_action": "trigger",
      "payload": {"summary": "s", "source": "h", "severity": "info",
                  "custom_details": {"blob": "x" * 600000}}}
open(sys.argv[1], "w").write(json.dumps(ev))
PY
c=$(curl -s -o "$T/body" -w '%{http_code}' -X POST --data-binary @"$T/ev2-big.json" "$URL/v2/enqueue")
eq "a 600 KB Events v2 body with no bearer token: 413, not read" "$c" 413
sed "s/not-a-token-0123456789/$TOK_AM/" "$T/ev2-big.json" > "$T/ev2-big-ok.json"
eq "the same body with a bearer token is taken" "$(post /v2/enqueue "$T/ev2-big-ok.json")" 202
check "the relay is alive" kill -0 "$RELAY_PID"
finish

#!/bin/sh
# The feed as consoles see it: `warroom tail --json` against a real relay
# sees the right events in order, a late tail gets the replay, a relay killed
# and restarted is resumed with no gap and no duplicate, and one-shot ops
# answer with the contract's exit codes (0, 65, 75, 77).
. "$(dirname "$0")/lib.sh"
echo "feed: tail, replay, resume across restarts, one-shot ops"
make_tokens
start_relay || exit 1

"$WARROOM" tail --json --feed "$FEED" --token-file "$T/ops.token" \
    --backoff-cap 300 >"$T/tail1.out" 2>"$T/tail1.err" &
TAIL1=$!
PIDS="$PIDS $TAIL1"
sleep 0.5
post /hooks/alertmanager "$FIX/alertmanager/storm-40-firing.json" >/dev/null
post /hooks/alertmanager "$FIX/alertmanager/single-warning.json" >/dev/null
check "tail sees the storm's 40 alerts" wait_for "$T/tail1.out" '"seq":43'
first=$(head -n 1 "$T/tail1.out")
case "$first" in
*'"seq":1,'*'"kind":"triggered"'*|*'"kind":"triggered"'*'"seq":1,'*) ok "the first event is seq 1, triggered" ;;
*) fail "the first event is seq 1, triggered: $first" ;;
esac
n=$(grep -c '"kind":"alert_firing"' "$T/tail1.out")
eq "one alert_firing per alert (40 + 1)" "$n" 41

"$WARROOM" tail --json --feed "$FEED" --token-file "$T/ops.token" \
    >"$T/late.out" 2>&1 &
PIDS="$PIDS $!"
check "a tail that connects late gets the replay" wait_for "$T/late.out" '"seq":43'
eq "the replay is the same log" "$(grep -o '"seq":[0-9]*' "$T/late.out" | head -43 | tr -d '\n')" \
    "$(grep -o '"seq":[0-9]*' "$T/tail1.out" | head -43 | tr -d '\n')"

# ops as a person makes them
"$WARROOM" ack 1 --feed "$FEED" --token-file "$T/ops.token" --user alice \
    --db "$T/alice.db" >"$T/ack.out" 2>&1
eq "warroom ack exits 0" "$?" 0
check "the ack shows in tail as alice's" wait_for "$T/tail1.out" '"kind":"acknowledged".*"actor":"alice"'
"$WARROOM" ack 1 --feed "$FEED" --token-file "$T/ops.token" --user alice \
    --db "$T/alice.db" >"$T/ack2.out" 2>&1
eq "acking again is fine (exit 0)" "$?" 0
check "and says it changed nothing" grep -qi "already" "$T/ack2.out"
eq "no second acknowledged event" "$(grep -c '"kind":"acknowledged"' "$T/tail1.out")" 1
"$WARROOM" ack 999 --feed "$FEED" --token-file "$T/ops.token" --user alice \
    --db "$T/alice.db" >"$T/ack3.out" 2>&1
eq "an ack of an unknown incident is refused (65)" "$?" 65
"$WARROOM" note 1 "rolled back the deploy" --feed "$FEED" \
    --token-file "$T/ops.token" --user alice --db "$T/alice.db" >/dev/null 2>&1
eq "warroom note exits 0" "$?" 0
check "the note is in the feed" wait_for "$T/tail1.out" '"text":"rolled back the deploy"'
printf 'not-a-real-token-at-all\n' > "$T/bad.token"
"$WARROOM" ack 1 --feed "$FEED" --token-file "$T/bad.token" --user alice \
    --db "$T/bad.db" >"$T/bad.out" 2>&1
eq "a refused token exits 77" "$?" 77
"$WARROOM" list --json --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/alice.db" >"$T/list.json" 2>"$T/list.err"
eq "warroom list --json exits 0" "$?" 0
check "list shows who acknowledged" grep -q '"ack_by":"alice"' "$T/list.json"

"$WARROOM" export 1 --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/alice.db" >"$T/export.md" 2>"$T/export.err"
eq "warroom export exits 0" "$?" 0
check "the export names the incident" grep -q '^# Incident #1: ' "$T/export.md"
check "the export has alice's acknowledgement" grep -q 'Acknowledged by: alice' "$T/export.md"
check "the export's timeline has the note, through the ops token" grep -q 'note by alice (via ops): rolled back the deploy' "$T/export.md"
"$WARROOM" export 999 --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/alice.db" >/dev/null 2>&1
eq "export of an unknown incident exits 65" "$?" 65
"$WARROOM" stats --json --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/alice.db" >"$T/stats.json" 2>&1
eq "warroom stats exits 0" "$?" 0
check "stats counts the acknowledged incident" grep -q '"acknowledged":1' "$T/stats.json"

# kill -9 the relay: tails keep going and resume with no gap, no duplicate
before=$(head_seq)
kill -9 "$RELAY_PID"; wait "$RELAY_PID" 2>/dev/null
"$WARROOM" resolve 2 --feed "$FEED" --token-file "$T/ops.token" --user bob \
    --db "$T/bob.db" --timeout 1 >"$T/offline.out" 2>&1
eq "an op while the relay is down exits 75" "$?" 75
check "and says it is queued" grep -qi "queued" "$T/offline.out"
start_relay || exit 1
post /hooks/alertmanager "$FIX/alertmanager/storm-40-partly-resolved.json" >/dev/null
"$WARROOM" list --feed "$FEED" --token-file "$T/ops.token" --user bob \
    --db "$T/bob.db" >/dev/null 2>&1
check "the queued resolve is delivered by the next command" wait_for "$T/tail1.out" '"kind":"resolved".*"actor":"bob"'
after=$(head_seq)
check "tail resumed up to the new head" wait_for "$T/tail1.out" "\"seq\":$after,"
grep -o '"seq":[0-9]*' "$T/tail1.out" | cut -d: -f2 > "$T/seqs"
eq "no duplicate seq after the restart" "$(sort -n "$T/seqs" | uniq -d | wc -l | tr -d ' ')" 0
eq "no gap: seqs run 1..$after" "$(sort -n "$T/seqs" | awk 'NR!=$1{print "gap at " NR; exit}')" ""
eq "the resolve was applied once" "$(grep -c '"kind":"resolved".*"actor":"bob"' "$T/tail1.out")" 1

kill -TERM "$TAIL1"; wait "$TAIL1" 2>/dev/null
eq "tail ends cleanly on SIGTERM" "$?" 0
"$WARROOM" tail --json --feed "$FEED" --token-file "$T/ops.token" | head -n 2 > "$T/head.out"
eq "tail ends when stdout closes" "$(wc -l < "$T/head.out" | tr -d ' ')" 2
finish

#!/bin/sh
# Overrides and cover requests as ops, end to end: three consoles under
# tmux on one relay with a schedule in its config file.  dave's console
# takes the pager (:override primary me 2h): bob's pane shows dave on call
# and the override, and `warroom oncall --json` says "source": "override";
# bob's O key opens the override prompt for the schedule and his override
# (the last made) wins.  dave asks for cover (:cover primary FROM UNTIL
# REASON): every console shows the request; carol takes it (:take ID) and
# the override it makes is in every pane and in --json, the request gone.
# A restart of the relay keeps every override (they are the log's);
# :override rm takes one back; `warroom override` exits as DESIGN.md says.
. "$(dirname "$0")/lib.sh"
echo "override: overrides and cover requests made in one console, seen in all"
tmux_init	# lib.sh: tm, cap, wait_screen, start_console

make_tokens
schedule_weekly primary Europe/Berlin "alice, bob, carol" > "$T/relay.conf"
start_relay --config "$T/relay.conf" || exit 1

oc() { # oc NAME ARGS...: warroom as ops with its own database
	name=$1; shift
	"$WARROOM" "$@" --feed "$FEED" --token-file "$T/ops.token" \
	    --db "$T/oc-$name.db" --timeout 20 >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
}

start_console dave dave ops.token
start_console bob bob ops.token
start_console carol carol ops.token
for w in dave bob carol; do
	check "$w's pane shows primary" \
	    wait_screen "$w" '^ primary +(alice|bob|carol), for '
done

# dave takes the pager for two hours
tm send-keys -t "$SESS:dave" ':override primary me 2h' Enter
check "dave's console queues it" wait_screen dave 'override of primary by dave'
check "bob's pane: dave is on call, for about 2h" \
    wait_screen bob '^ primary +dave, for (1h 5[0-9]m|2h 00m); next '
check "and the override is listed with the command that removes it" \
    wait_screen bob 'override [0-9]+: dave, .* \(:override rm [0-9]+\)'
"$WARROOM" tail --feed "$FEED" --token-file "$T/ops.token" --user ops \
    >"$T/tail.out" 2>"$T/tail.err" &
TAIL=$!
PIDS="$PIDS $TAIL"
check "warroom tail names it by its seq, as :override rm takes it" \
    wait_for "$T/tail.out" '\[[0-9]*\] dave on call for primary from .* by dave' 200
kill "$TAIL" 2>/dev/null
oc json1 oncall --json --user ops
eq "warroom oncall --json: exit 0" "$RC" 0
check "it says dave, from the override" \
    grep -q '"now":{"person":"dave","from":"[^"]*","until":"[^"]*","source":"override"}' "$T/json1.out"

# bob: Tab to the on-call pane, O opens the prompt for primary
tm send-keys -t "$SESS:bob" Tab Tab
tm send-keys -t "$SESS:bob" O
check "O opens :override primary in bob's prompt" \
    wait_screen bob '^:override primary'
tm send-keys -t "$SESS:bob" 'erin now +3h' Enter
check "dave's pane: erin, made last, is on call" \
    wait_screen dave '^ primary +erin, for (2h 5[0-9]m|3h 00m)'
check "and both overrides are listed" \
    wait_screen dave 'override [0-9]+: erin, '

# dave asks for cover on Sunday the 20th, 09:00-09:00 Berlin time
tm send-keys -t "$SESS:dave" \
    ':cover primary 2026-12-20T09:00 2026-12-21T09:00 at a wedding' Enter
for w in bob carol; do
	check "$w's console shows dave's cover request (UTC on this screen)" \
	    wait_screen "$w" 'cover [0-9]+: dave asks for cover: primary, Sun 08:00.Mon 08:00, at a wedding \(:take [0-9]+\)'
done
cap carol
ID=$(sed -n 's/.*cover \([0-9][0-9]*\): dave asks for cover.*/\1/p' "$T/scr.carol" | head -n 1)
check "the request has a number ($ID)" test -n "$ID"
tm send-keys -t "$SESS:carol" ":take $ID" Enter
check "dave's console is told carol took it" \
    wait_screen dave "carol took cover request $ID"
check "dave's pane lists carol's override for Sunday" \
    wait_screen dave 'override [0-9]+: carol, Sun 08:00.Mon 08:00'
check "bob's pane lists carol's override too" \
    wait_screen bob 'override [0-9]+: carol, Sun 08:00.Mon 08:00'
cap bob	# the same schedules frame took the request away
check "bob's pane no longer shows the request" \
    sh -c "! grep -q 'cover $ID: dave' '$T/scr.bob'"
oc json2 oncall --json --user ops --at 2026-12-20T12:00:00Z
check "warroom oncall --json --at Sunday noon: carol, from the override" \
    grep -q '"now":{"person":"carol","from":"2026-12-20T08:00:00.000Z","until":"2026-12-21T08:00:00.000Z","source":"override"}' "$T/json2.out"

# erin asks for cover, then withdraws it (:cover rm ID): gone from every
# console; dave cannot withdraw it for her
tm send-keys -t "$SESS:carol" Escape
tm send-keys -t "$SESS:carol" \
    ':user erin' Enter ':cover primary 2026-12-27T09:00 2026-12-28T09:00 dentist' Enter
check "bob's console shows erin's cover request" \
    wait_screen bob 'cover [0-9]+: erin asks for cover: primary, Sun 08:00.Mon 08:00, dentist'
cap bob
WID=$(sed -n 's/.*cover \([0-9][0-9]*\): erin asks for cover.*/\1/p' "$T/scr.bob" | head -n 1)
tm send-keys -t "$SESS:dave" ":cover rm $WID" Enter
check "dave may not withdraw erin's request" \
    wait_screen dave "cover request $WID is erin's: only erin withdraws it"
tm send-keys -t "$SESS:carol" ":cover rm $WID" Enter
check "erin withdraws it: the room is told" \
    wait_screen bob "erin withdrew cover request $WID \(primary\)"
check "and it is gone from bob's pane" \
    screen_poll gone bob 'cover [0-9]+: erin' 150
tm send-keys -t "$SESS:carol" ':user carol' Enter

# A restart keeps them: a new console database asks the new relay
stop_relay
start_relay --config "$T/relay.conf" || exit 1
oc json3 oncall --json --user ops
check "after a relay restart erin is still on call (override)" \
    grep -q '"now":{"person":"erin","from":"[^"]*","until":"[^"]*","source":"override"}' "$T/json3.out"
oc json4 oncall --json --user ops --at 2026-12-20T12:00:00Z
check "and carol's Sunday too" \
    grep -q '"now":{"person":"carol","from":"2026-12-20T08:00:00.000Z"' "$T/json4.out"
check "bob's console reconnects and still lists the overrides" \
    wait_screen bob 'override [0-9]+: carol, Sun 08:00.Mon 08:00' 300

# :override rm: dave takes erin's back; dave is on call again
cap dave
EID=$(sed -n 's/.*override \([0-9][0-9]*\): erin,.*/\1/p' "$T/scr.dave" | head -n 1)
check "erin's override has a number ($EID)" test -n "$EID"
tm send-keys -t "$SESS:dave" ":override rm $EID" Enter
check "bob's pane: dave again, erin's override gone" \
    wait_screen bob '^ primary +dave, for '
oc json5 oncall --json --user ops
check "warroom oncall --json says dave" \
    grep -q '"now":{"person":"dave",.*"source":"override"}' "$T/json5.out"

# warroom override: the command line contract
oc ov1 override primary frank --for 30m --user ops
eq "warroom override --for: exit 0" "$RC" 0
check "it says who is on call and until when" \
    grep -q '^frank is on call for primary from .* until ' "$T/ov1.out"
oc ov2 override nosuch frank --for 30m --user ops
eq "an unknown schedule: refused, exit 65" "$RC" 65
check "saying why" grep -q 'refused the override: no schedule nosuch' "$T/ov2.err"
oc ov3 override primary frank --from 2026-01-01T00:00:00Z \
    --until 2026-01-02T00:00:00Z --user ops
eq "one that is over already: exit 65" "$RC" 65
oc ov4 override primary frank --user ops
eq "neither --for nor --from/--until: exit 64" "$RC" 64
oc ov5 override primary frank --from 2026-12-24T10:00:00Z --until 2026-12-24T09:00:00Z --user ops
eq "--until before --from: exit 64" "$RC" 64

for w in dave bob carol; do tm send-keys -t "$SESS:$w" q; done
for w in dave bob carol; do
	for _ in $(seq 1 100); do [ -e "$T/$w.exit" ] && break; sleep 0.1; done
	eq "$w's console quits with 0" "$(cat "$T/$w.exit" 2>/dev/null)" 0
done
finish

#!/bin/sh
# The console side of an escalation, in real consoles under tmux: the
# person a step pages sees "#1 escalated to you: checkout 5xx rate" on the
# status line and hears the bell (--quiet keeps the banner, not the bell);
# a later step paging someone else moves the banner to that person's
# console; the row is marked "esc 2/3"; the detail shows the policy, the
# step and when the next fires; x dismisses the banner; an ack takes it
# down; :snooze snoozes an acknowledged incident, and when it is up the
# incident escalates again.  Every wait is bounded.
. "$(dirname "$0")/lib.sh"
echo "escalation-banner: escalated to you, in the console of the person paged"
tmux_init
make_tokens
{ schedule_weekly primary UTC alice; cat <<'EOT'
[policy checkout]
match = service=checkout
step = 0s primary
step = 3s bob
step = 1h carol

[policy search]
match = service=search
step = 1h primary
EOT
} > "$T/relay.conf"
start_relay --config "$T/relay.conf" --log "$T/warroomd.log" || exit 1
trigger() { # trigger DEDUP SUMMARY [SERVICE]
	curl -s -o "$T/body" -w '%{http_code}' -X POST \
	    -H "Authorization: Bearer $TOK_AM" \
	    -H 'Content-Type: application/json' --data-binary \
	    "{\"routing_key\":\"r1\",\"event_action\":\"trigger\",\"dedup_key\":\"$1\",\"payload\":{\"summary\":\"$2\",\"component\":\"${3:-checkout}\",\"source\":\"h1\",\"severity\":\"warning\"}}" \
	    "$URL/v2/enqueue"
}
bell() { tm display -p -t "$SESS:$1" '#{window_bell_flag}'; }
wait_bell() { # wait_bell WIN: tmux flags a bell in WIN (5 s)
	for _ in $(seq 1 50); do
		[ "$(bell "$1")" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}
gone_from() { # gone_from WIN ERE: no row of WIN matches ERE (10 s)
	for _ in $(seq 1 100); do
		cap "$1"
		grep -Eq -- "$2" "$T/scr.$1" || return 0
		sleep 0.1
	done
	return 1
}

# A first window that stays current, so that a console's bell is flagged.
tm new-session -d -s "$SESS" -x 120 -y 40 -n idle 'sleep 600'
start_console alice alice ops.token
start_console bob bob bob.token --quiet
check "alice's console is up" wait_screen alice 'LIVE'
check "bob's console is up" wait_screen bob 'LIVE'

eq "a checkout incident" "$(trigger c1 'checkout 5xx rate')" 202
check "alice's status line: #1 escalated to you" \
    wait_screen alice '#1 escalated to you: checkout 5xx rate'
check "alice's console rang the bell" wait_bell alice
cap bob
check "bob's console has no banner yet" sh -c \
    "! grep -q 'escalated to you' '$T/scr.bob'"
check "step 2 pages bob: his banner" \
    wait_screen bob '#1 escalated to you: checkout 5xx rate'
eq "bob's console is --quiet: no bell" "$(bell bob)" 0
check "alice's banner is gone: the step paged someone else" \
    gone_from alice 'escalated to you'

check "the row is marked esc 2/3" wait_screen alice '^ #1 .*esc 2/3'
tm send-keys -t "$SESS:alice" Enter
check "the detail: policy, step, whom it paged, when the next fires" \
    wait_screen alice 'Escalation +policy checkout, step 2 of 3 \(paged bob\); the next at'
check "and the timeline has the step" \
    wait_screen alice 'escalated to bob, step 2 of 3'
check "the detail names who is on call for its policy (the relay's policies, sent to consoles)" \
    wait_screen alice 'On call +primary: alice'
tm send-keys -t "$SESS:bob" x
check "x dismisses bob's banner" wait_screen bob 'banner dismissed'
cap bob
check "and it is gone" sh -c "! grep -q 'escalated to you' '$T/scr.bob'"

# An acknowledgement takes it down.
tm send-keys -t "$SESS:alice" Escape
eq "a second incident" "$(trigger c2 'cart errors')" 202
check "alice's banner for #2" \
    wait_screen alice '#2 escalated to you: cart errors'
"$WARROOM" ack 2 --feed "$FEED" --token-file "$T/ops.token" --user alice \
    --db "$T/op.db" >"$T/ack.out" 2>&1
eq "warroom ack 2" "$?" 0
check "acknowledged: the banner is down" \
    gone_from alice '#2 escalated to you'


# A console started after the step shows it too (derived from the room).
start_console alice2 alice ops.token
check "a console started later shows no banner for #2 (acknowledged)" \
    wait_screen alice2 'LIVE'
cap alice2
check "and none for #1 (escalated to bob)" sh -c \
    "! grep -q 'escalated to you' '$T/scr.alice2'"
start_console bob2 bob bob.token
check "bob's second console shows #1 escalated to him" \
    wait_screen bob2 '#1 escalated to you: checkout 5xx rate'

# :snooze in the console: #2 (acknowledged) for 5 s, then it is back.
# Every status row alice's console shows from now on is recorded: the
# banner of step 1 lasts until step 2, 3 s later, whatever the checks
# between take.
watch_status alice
SNOOZED_MS=$(date +%s%3N)
tm send-keys -t "$SESS:alice" ':snooze #2 5s' Enter
check ":snooze says until when, queued" \
    wait_screen alice 'snooze #2 until [0-9:]+: queued'
tm send-keys -t "$SESS:alice" ':2' Enter Enter
check "the detail: Snoozed until ..." \
    wait_screen alice 'Snoozed +until .*, then triggered again'
check "the timeline: snoozed until (her clock), by alice" \
    wait_screen alice 'alice \(via ops\) +snoozed until [0-9][0-9]:[0-9][0-9]:[0-9][0-9]$'
check "when it is up: snooze over" \
    wait_screen alice 'snooze over: triggered again'
banner_since() { status_at alice "$1" "$2" >/dev/null; }
check "and #2 escalates to alice again: her banner" \
    banner_since '#2 escalated to you: cart errors' "$SNOOZED_MS"
unwatch_status alice

# Before its first step fires (an hour after the trigger), the detail
# says when it will and whom it pages, from the policy the relay sent.
tm send-keys -t "$SESS:alice" Escape
eq "a search incident" "$(trigger s1 'search slow' search)" 202
check "it is listed" wait_screen alice '^ #3 '
tm send-keys -t "$SESS:alice" ':3' Enter Enter
check "before its first step: the step, whom it pages, when" \
    wait_screen alice 'Escalation +policy search, step 1 of 1 pages primary at'
check "and who that is now" wait_screen alice 'On call +primary: alice'
finish

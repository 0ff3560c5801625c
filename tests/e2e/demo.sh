#!/bin/sh
# `warroom --demo` as the README's quick start runs it, in tmux at 120x40
# (at 80x24 the on-call strip does not fit; `:oncall week` shows it there):
# the recorded outage arrives, and the on-call pane has two schedules, one of
# which (primary) hands over from maya to sam during the outage: first the
# status line says "sam takes primary in N min", then the pane says sam is on
# call; and maya takes the secondary pager for two hours (an override, a
# schedule-wide op in the recording), which the pane shows.  maya assigns
# the edge storm to sam, who is paged through the demo's two notifiers (as
# maya is, whom the policy's first step assigned): one takes the page, the
# other cannot be reached and the timeline says so; nobody acknowledges it,
# and the demo's policy escalates it from primary to secondary.  sam, the
# checkout incident's second responder (maya acknowledged it, he adds a
# note), starts its postmortem at the end, which its detail shows.  Then,
# from another shell, the subcommands read the demo's history through the
# relay address its help (?) names.  Every wait is bounded.
. "$(dirname "$0")/lib.sh"
echo "demo: the recorded outage with two schedules and a handoff"
tmux_init	# lib.sh: tm, cap, wait_screen

rm -f "$T/demo.exit"
tm new-session -d -s "$SESS" -x 120 -y 40 -n demo "cd '$ROOT' && env -u NO_COLOR \
TERM=xterm-256color LC_ALL=C.UTF-8 TZ=UTC TMPDIR='$T' XDG_CONFIG_HOME='$T/xdg' \
XDG_DATA_HOME='$T/xdg' '$WARROOM' --demo 2>'$T/demo.err'; echo \$? > '$T/demo.exit'"
check "the outage's first incident arrives" wait_screen demo 'checkout 5xx rate'
check "the on-call pane shows primary with maya on call" \
    wait_screen demo 'primary +maya, for'
check "and secondary, another zone's weekly rotation" \
    wait_screen demo 'secondary +(jordan|lee), for'
check "the status line announces the handoff" \
    wait_screen demo 'sam takes primary in [0-9]+ min'
check "maya's override of secondary shows in the pane (35 s in)" \
    wait_screen demo 'secondary +maya, for [12]h' 600
# The handoff is 40 s after the start: wait up to 60 s.
check "sam takes over primary during the outage" \
    wait_screen demo 'primary +sam, for 1[12]h' 600
tm send-keys -t "$SESS:demo" ':open 4' Enter
check "the unacknowledged edge storm escalated to secondary (its row)" \
    wait_screen demo 'EdgeNodeDown .* esc 2/2'
check "and its detail names the policy and the step" \
    wait_screen demo 'Escalation +policy critical, step 2 of 2'
check "step 1 assigned it to primary's maya" \
    wait_screen demo 'policy critical +assigned to maya, on call for primary'
check "maya was paged for it: the pager took it" \
    wait_screen demo 'warroomd +notified maya via pager: delivered'
check "and the chat webhook nobody answers is retried, then given up" \
    wait_screen demo 'notified maya via chat: no answer, (retrying in 10 s|gave up)'
tm send-keys -t "$SESS:demo" ':open 1' Enter
check "the checkout incident's postmortem, started by sam at the end" \
    wait_screen demo 'Postmortem +v1, last saved by sam' 300
check "with three notes: maya's two and sam's, its second responder's" \
    wait_screen demo 'Alerts +0 firing of 1; 3 notes'
# The help names the demo relay's address, and the subcommands reach it
# from another shell (each on a database of its own), as warroom(1) and
# the README say: the numbers of the closing note come so.
tm send-keys -t "$SESS:demo" '?'
check "the help names the demo relay's address" \
    wait_screen demo "this console's relay: ws://127\.0\.0\.1:[0-9]+/feed"
FEED=$(grep -Eo "this console's relay: ws://127\.0\.0\.1:[0-9]+/feed" \
    "$T/scr.demo" | grep -Eo 'ws://.*')
tm send-keys -t "$SESS:demo" Escape
sub() { # sub NAME ARGS...: a subcommand against the demo, out in $T/NAME
	n=$1; shift
	XDG_CONFIG_HOME="$T/xdg" "$WARROOM" --feed "$FEED" --db "$T/sub.db" \
	    --user lee "$@" >"$T/$n" 2>"$T/$n.err"
}
sub stats stats --json
eq "warroom stats reads the demo's history: 7 incidents, 2 acknowledged" \
    "$(grep -Eo '"incidents":[0-9]+,"mtta":[{]"n":[0-9]+' "$T/stats")" \
    '"incidents":7,"mtta":{"n":2'
sub pm postmortem 1
check "warroom postmortem 1: the version sam started" \
    grep -q '^warroom: postmortem v1 of #1, saved by sam at ' "$T/pm.err"
sub export export 1
check "warroom export 1 names it in the header" \
    grep -q '^- Postmortem: v1, saved by sam at ' "$T/export"
sub actions actions --owner sam
check "warroom actions --owner sam: his action item" \
    grep -q '^#1 .*sam .*alert on the 5xx rate per deploy' "$T/actions"
tm send-keys -t "$SESS:demo" q
eq "q ends the demo with 0" "$(wait_exit demo)" 0
check "the demo left no directory behind" \
    sh -c "! ls -d '$T'/warroom-demo.* 2>/dev/null | grep -q ."
finish

#!/bin/sh
# Terminals the console cannot or can barely use, under tmux: TERM=dumb (no
# cursor addressing) is refused with a message that says why, with the exit
# status of an unknown TERM (64); under LANG=C the real console sends the
# terminal ASCII only (raw bytes captured with pipe-pane) and draws the
# rule between panes as '|'.  Every wait is bounded (15 s at most).
. "$(dirname "$0")/lib.sh"
echo "term: TERM=dumb refused like an unknown TERM; LANG=C draws ASCII only"
tmux_init	# lib.sh: tm, cap, wait_screen
# wait_file FILE: until FILE is not empty (15 s at most)
wait_file() {
	for _ in $(seq 1 150); do [ -s "$1" ] && return 0; sleep 0.1; done
	return 1
}

make_tokens
start_relay || exit 1
eq "an alert posted" \
    "$(post /hooks/alertmanager "$FIX/alertmanager/storm-40-firing.json")" 200

# the one-shot commands too: LANG=C gets ASCII
env -u LC_ALL -u LC_CTYPE LANG=C "$WARROOM" list --feed "$FEED" \
    --token-file "$T/ops.token" --db "$T/list.db" >"$T/list.out" 2>&1
eq "LANG=C warroom list exits 0" "$?" 0
check "and prints the group's title with a dash" grep -q 'NodeDown - 40 alerts' "$T/list.out"
eq "and no byte >= 0x80" "$(LC_ALL=C tr -d '\000-\177' < "$T/list.out" | wc -c | tr -d ' ')" 0

# run_as WIN TERMNAME: the console with that TERM in a window of its own;
# its stderr to $T/WIN.err, its exit status to $T/WIN.exit
run_as() {
	cmd="env TERM=$2 LC_ALL=C.UTF-8 XDG_CONFIG_HOME='$T/xdg' \
XDG_DATA_HOME='$T/xdg' '$WARROOM' --feed '$FEED' --token-file '$T/ops.token' \
--user alice --db '$T/$1.db' 2>'$T/$1.err'; echo \$? > '$T/$1.exit'"
	tm new-window -d -t "$SESS:" -n "$1" "$cmd"
}
# a window that stays, so that the server does while the others come and go
tm new-session -d -s "$SESS" -x 200 -y 50 -n hold "cat"

run_as unknown no-such-terminal-xyz
check "an unknown TERM: the console exits" wait_file "$T/unknown.exit"
UNKNOWN=$(cat "$T/unknown.exit" 2>/dev/null)
eq "with 64" "$UNKNOWN" 64
check "and says so" grep -q 'cannot start the terminal (TERM=no-such-terminal-xyz)' "$T/unknown.err"
run_as dumb dumb
check "TERM=dumb: the console exits" wait_file "$T/dumb.exit"
eq "with the status of an unknown TERM" "$(cat "$T/dumb.exit" 2>/dev/null)" "$UNKNOWN"
check "and says it cannot move the cursor, and what to do" \
    grep -q '^warroom: cannot start the terminal (TERM=dumb): it cannot move the cursor, and the console needs one that can, such as TERM=xterm-256color' "$T/dumb.err"

# LANG=C: what the terminal receives is ASCII
cmd="env -u LC_ALL -u LC_CTYPE LANG=C TERM=xterm-256color TZ=UTC \
XDG_CONFIG_HOME='$T/xdg' XDG_DATA_HOME='$T/xdg' '$WARROOM' --feed '$FEED' \
--token-file '$T/ops.token' --user alice --db '$T/c.db' 2>'$T/c.err'; \
echo \$? > '$T/c.exit'"
# (it starts once pipe-pane is on, so that every byte it sends is seen)
tm new-window -d -t "$SESS:" -n c \
    "while [ ! -e '$T/c.go' ]; do sleep 0.05; done; $cmd"
tm pipe-pane -o -t "$SESS:c" "cat >> '$T/c.raw'"
touch "$T/c.go"
check "LANG=C: the console is LIVE with the storm" wait_screen c '^ LIVE +as alice'
check "the group's title has a dash for its em dash" \
    wait_screen c 'InstanceDown - 40 alerts|- 40 alerts'
check "the rule between the panes is '|'" wait_screen c '^.{100}\|'
tm send-keys -t "$SESS:c" n
tm send-keys -t "$SESS:c" -l "$(printf 'caf\303\251')"
check "typed non-ASCII is refused with a message" \
    wait_screen c 'non-ASCII input refused: the locale is not UTF-8'
tm send-keys -t "$SESS:c" Escape
sleep 0.5
tm send-keys -t "$SESS:c" q
check "q: the console exits" wait_file "$T/c.exit"
eq "with 0" "$(cat "$T/c.exit" 2>/dev/null)" 0
n=$(LC_ALL=C tr -d '\000-\177' < "$T/c.raw" | wc -c | tr -d ' ')
eq "no byte >= 0x80 reached the terminal ($(wc -c < "$T/c.raw" | tr -d ' ') bytes)" "$n" 0
finish

#!/bin/sh
# Who is on call, as the console and `warroom oncall` answer it from the
# schedules the relay sends (warroom-protocol(7), "schedules"): a relay with
# two schedules in its config file; the console under tmux shows both in
# its on-call pane; `warroom oncall --json --at` gives the answers DESIGN.md
# specifies, exactly, across Berlin's March and October changes; with the
# relay gone it answers from the stored copy (exit 75).  The expected
# instants are the ones tests/e2e/schedules-config.sh checks for
# --check-config (counted by hand, checked with Python's zoneinfo).
. "$(dirname "$0")/lib.sh"
echo "oncall: the relay's schedules in the console's pane and in warroom oncall"
tmux_init	# lib.sh: tm, cap, wait_screen, start_console
WAIT_TRIES=200	# 20 s for each wait on the screen

make_tokens
{ schedule_weekly primary Europe/Berlin "alice, bob, carol"; cat <<EOT
[schedule nights]
timezone = America/New_York

[layer nights.n]
rotation = 1w
start = 2026-03-02T09:00
participants = frank
restrict = daily 20:00-08:00
EOT
} > "$T/relay.conf"
start_relay --config "$T/relay.conf" || exit 1

oc() { # oc NAME ARGS...: warroom oncall as ops, out/err/rc in $T/NAME.*
	name=$1; shift
	"$WARROOM" oncall --feed "$FEED" --token-file "$T/ops.token" \
	    --user ops --db "$T/ops.db" --timeout 20 "$@" \
	    >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
}

# Wed 2026-03-25 12:00Z: alice's fourth week, which began Mon 09:00 CET
# (08:00Z) and ends Mon 30 March 09:00 CEST (07:00Z: Sunday moved Berlin
# forward, the week is 167 hours); New York is between frank's nights.
oc march --json --at 2026-03-25T12:00:00Z
eq "oncall --json --at: exit 0" "$RC" 0
cat > "$T/want" <<'EOT'
{"at":"2026-03-25T12:00:00.000Z","schedules":[{"name":"primary","timezone":"Europe/Berlin","now":{"person":"alice","from":"2026-03-23T08:00:00.000Z","until":"2026-03-30T07:00:00.000Z","source":"layer weekly"},"next":{"person":"bob","from":"2026-03-30T07:00:00.000Z","until":"2026-04-06T07:00:00.000Z"}},{"name":"nights","timezone":"America/New_York","now":null,"next":{"person":"frank","from":"2026-03-26T00:00:00.000Z","until":"2026-03-26T12:00:00.000Z"}}]}
EOT
check "the JSON across the March change is the one DESIGN.md gives" \
    cmp -s "$T/want" "$T/march.out"
cmp -s "$T/want" "$T/march.out" || { diff "$T/want" "$T/march.out"; cat "$T/march.err"; }

# Sat 2026-10-24 12:00Z: week 33 is alice's again, from Mon 19 October
# 09:00 CEST (07:00Z) to Mon 26 October 09:00 CET (08:00Z): 169 hours.
oc october --json --at 2026-10-24T12:00:00Z --schedule primary
eq "oncall --schedule primary: exit 0" "$RC" 0
cat > "$T/want" <<'EOT'
{"at":"2026-10-24T12:00:00.000Z","schedules":[{"name":"primary","timezone":"Europe/Berlin","now":{"person":"alice","from":"2026-10-19T07:00:00.000Z","until":"2026-10-26T08:00:00.000Z","source":"layer weekly"},"next":{"person":"bob","from":"2026-10-26T08:00:00.000Z","until":"2026-11-02T08:00:00.000Z"}}]}
EOT
check "the October change: only primary, alice until 08:00Z" \
    cmp -s "$T/want" "$T/october.out"
cmp -s "$T/want" "$T/october.out" || { diff "$T/want" "$T/october.out"; cat "$T/october.err"; }

TZ=UTC oc text --at 2026-03-25T12:00:00Z
eq "oncall (text): exit 0" "$RC" 0
check "the text says who, until when and from which layer" \
    grep -qx '  now   alice, until Mon 2026-03-30 07:00 UTC (layer weekly)' "$T/text.out"
check "and who is next in nights, after the gap" \
    grep -qx '  next  frank, from Thu 2026-03-26 00:00 UTC until Thu 2026-03-26 12:00 UTC' "$T/text.out"

oc nosuch --schedule nosuch
eq "an unknown schedule: exit 65" "$RC" 65
check "and it says so" grep -q 'no schedule nosuch' "$T/nosuch.err"
oc badat --at yesterday
eq "--at that is no time: exit 64" "$RC" 64

# The console: both schedules in the pane (who is on call now depends on
# today, so the rows are matched, not spelled out).
start_console alice alice ops.token --backoff-cap 300
check "the pane shows primary: who, for how long, who is next" \
    wait_screen alice '^ primary +(alice|bob|carol), for [0-9]+[dhm].*; next (alice|bob|carol) from [A-Z][a-z]{2} 0[78]:00'
check "and nights: frank or the gap until his next night" \
    wait_screen alice '^ nights +(frank|nobody on call), for [0-9]+[dhm]'
check "the pane no longer says no schedules were announced" \
    sh -c "! grep -q 'no on-call schedules' '$T/scr.alice'"

# SIGHUP with a third schedule: the relay sends the schedules again and
# the console's pane shows it without reconnecting.
cat >> "$T/relay.conf" <<EOT

[schedule tertiary]
timezone = Asia/Kolkata

[layer tertiary.t]
rotation = 1d
start = 2026-03-02T09:00
participants = gita
EOT
kill -HUP "$RELAY_PID"
check "after SIGHUP the pane shows the new schedule" \
    wait_screen alice '^ tertiary +gita'
oc reloaded --json --schedule tertiary --at 2026-03-25T12:00:00Z
check "and warroom oncall answers for it" \
    grep -q '"name":"tertiary","timezone":"Asia/Kolkata","now":{"person":"gita"' "$T/reloaded.out"
check "the console did not reconnect for it" \
    sh -c "[ \$(grep -c 'saying hello' '$T/alice.log') -eq 1 ]"

# The relay gone: the stored copy still answers.
stop_relay
oc offline --json --at 2026-03-25T12:00:00Z --timeout 1
eq "relay down: exit 75" "$RC" 75
check "with the same answer from the stored copy" \
    grep -q '"now":{"person":"alice","from":"2026-03-23T08:00:00.000Z"' "$T/offline.out"

tm send-keys -t "$SESS:alice" q
eq "the console quits with 0" "$(wait_exit alice)" 0
finish

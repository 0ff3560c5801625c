#!/bin/sh
# SIGHUP (systemctl reload warroomd) reads the config file and the token
# file again, as at start, and swaps them in whole or not at all: a changed
# schedule is in effect at once and the consoles stay connected; a broken
# config or token file is refused with its file, line and reason, and the
# old ones keep serving; an option that needs a restart keeps its old
# value and is named; a console whose token was removed is told, shows
# TOKEN REFUSED and does not come back, while the others stay; a new token
# works at once.
. "$(dirname "$0")/lib.sh"
echo "reload-config: SIGHUP reloads schedules and tokens, consoles stay"
make_tokens
TOK_CAROL=carol0123456789abcdef0123456

# conf [EXTRA]: the config file, one schedule, plus EXTRA's lines
conf() {
	cat > "$T/relay.conf" <<EOT
retention = 90d

[schedule primary]
timezone = Europe/Berlin

[layer primary.weekly]
rotation = 1w
start = 2026-03-02T09:00
participants = alice, bob
EOT
	[ -n "${1:-}" ] && printf '%s\n' "$1" >> "$T/relay.conf"
	return 0
}
metric() { # metric NAME: its value in /metrics
	curl -fs "$URL/metrics" | awk -v n="$1" '$1 == n { print $2 }'
}
welcomes() { grep -c 'feed: welcome from' "$1" 2>/dev/null; }
# gone PID: wait until the process has exited (up to 20 s)
gone() {
	for _ in $(seq 1 200); do alive "$1" || return 0; sleep 0.1; done
	return 1
}
# hup_and_wait PATTERN: SIGHUP, then a line matching PATTERN in the log
# that was not there before (up to 20 s)
hup_and_wait() {
	n0=$(grep -c -- "$1" "$T/warroomd.log")
	kill -HUP "$RELAY_PID"
	for _ in $(seq 1 200); do
		[ "$(grep -c -- "$1" "$T/warroomd.log")" -gt "$n0" ] && return 0
		sleep 0.1
	done
	return 1
}

conf
start_relay --config "$T/relay.conf" --log "$T/warroomd.log" || exit 1
check "at start the relay names its schedule" \
    wait_for "$T/warroomd.log" "1 schedule: primary (Europe/Berlin, 1 layer)"
eq "/metrics counts one schedule" "$(metric warroom_schedules)" 1

"$WARROOM" tail --json --feed "$FEED" --token-file "$T/ops.token" \
    --backoff-cap 300 --log "$T/ops.log" >"$T/ops.out" 2>"$T/ops.err" &
OPS=$!
"$WARROOM" tail --json --feed "$FEED" --token-file "$T/bob.token" \
    --backoff-cap 300 --log "$T/bob.log" >"$T/bob.out" 2>"$T/bob.err" &
BOB=$!
PIDS="$PIDS $OPS $BOB"
check "ops's console is connected" wait_for "$T/ops.log" "feed: welcome from" 200
check "bob's console is connected" wait_for "$T/bob.log" "feed: welcome from" 200

# 1. A second schedule: in effect after SIGHUP, nobody reconnects.
conf "
[schedule secondary]
timezone = America/New_York

[layer secondary.nights]
rotation = 1d
start = 2026-03-02T20:00
participants = frank, grace"
check "SIGHUP with a new schedule: the relay says it reloaded" \
    hup_and_wait "SIGHUP: reloaded the configuration and 3 tokens"
check "and names the two schedules now in effect" wait_for "$T/warroomd.log" \
    "SIGHUP: 2 schedules: primary (Europe/Berlin, 1 layer), secondary (America/New_York, 1 layer)"
eq "/metrics: two schedules" "$(metric warroom_schedules)" 2
eq "/metrics: one reload that worked" \
    "$(metric 'warroom_config_reloads_total{result="ok"}')" 1
code=$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")
eq "a delivery after the reload is stored" "$code" 200
check "ops's console gets it live" wait_for "$T/ops.out" '"seq":1,' 200
eq "ops's console connected once, not again" "$(welcomes "$T/ops.log")" 1
eq "bob's console connected once, not again" "$(welcomes "$T/bob.log")" 1

# 2. A broken config (line 19: a rotation of no known length): refused
# with the file, the line and the reason; the old one serves on.
cat > "$T/relay.conf.bad" <<EOT
retention = 90d

[schedule primary]
timezone = Europe/Berlin

[layer primary.weekly]
rotation = 1w
start = 2026-03-02T09:00
participants = alice, bob

[schedule tertiary]
timezone = Europe/Paris

[layer tertiary.x]
start = 2026-03-02T09:00
participants = zed


rotation = 3 fortnights
EOT
cp "$T/relay.conf.bad" "$T/relay.conf"
check "SIGHUP with a broken config: refused, with the file and line" \
    hup_and_wait "SIGHUP: reload refused, the old configuration and tokens are kept: $T/relay.conf:19: \[layer tertiary.x\]"
check "the relay keeps running" alive "$RELAY_PID"
eq "/metrics: one reload refused" \
    "$(metric 'warroom_config_reloads_total{result="failed"}')" 1
eq "/metrics: still the two schedules of before" "$(metric warroom_schedules)" 2
code=$(post /hooks/alertmanager "$FIX/alertmanager/storm-40-firing.json")
eq "a delivery after the refused reload is stored" "$code" 200
check "and reaches ops's console" wait_for "$T/ops.out" '"seq":3,' 200
eq "ops's console still connected once" "$(welcomes "$T/ops.log")" 1

# A schedule section that ends without its layers, the reason known only
# at the end of the file: refused at the line of its header.
conf "
[schedule empty]
timezone = UTC"
check "a schedule with no layers: refused at its header's line (11)" \
    hup_and_wait "SIGHUP: reload refused.*: $T/relay.conf:11: \[schedule empty\]: no layers"

# 3. An option that needs a restart: named, and kept as it was.
conf
sed -i '1i verbose = true' "$T/relay.conf"
check "an option that needs a restart is named, with both values" \
    hup_and_wait "SIGHUP: these need a restart and keep their old values: verbose off (the new configuration says on)"
check "and the rest is reloaded: one schedule again" \
    wait_for "$T/warroomd.log" "SIGHUP: 1 schedule: primary (Europe/Berlin, 1 layer)"

# 4. Tokens: bob's taken away, carol's added.
cat > "$T/tokens" <<EOT
ops $TOK_OPS console,ingest users=*
am $TOK_AM ingest
carol $TOK_CAROL console,ingest users=*
EOT
printf '%s\n' "$TOK_CAROL" > "$T/carol.token"
chmod 600 "$T/carol.token"
check "SIGHUP with bob's token removed: one console closed" \
    hup_and_wait "reloaded the configuration and 3 tokens from $T/tokens; 1 console closed"
check "the relay says whose token it took back" wait_for "$T/warroomd.log" \
    "(token bob): its token was taken back by the reload"
check "bob's console says TOKEN REFUSED" \
    wait_for "$T/bob.log" "feed: TOKEN REFUSED: .*no longer has the token bob" 200
check "and stops, without retrying" gone "$BOB"
wait "$BOB"
eq "its exit status is 77 (no permission)" "$?" 77
eq "it connected once and never came back (no 401 at /feed)" \
    "$(welcomes "$T/bob.log")/$(metric 'warroom_http_requests_total{endpoint="/feed",code="401"}')" "1/"
check "ops's console is still running" alive "$OPS"
eq "and still connected once" "$(welcomes "$T/ops.log")" 1
code=$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json" "$TOK_CAROL")
eq "carol's new token posts at once" "$code" 200
"$WARROOM" tail --json --feed "$FEED" --token-file "$T/carol.token" \
    --log "$T/carol.log" >"$T/carol.out" 2>&1 &
PIDS="$PIDS $!"
check "and a console with it connects" wait_for "$T/carol.log" "feed: welcome from" 200
timeout 20 "$WARROOM" tail --json --feed "$FEED" --token-file "$T/bob.token" \
    >/dev/null 2>"$T/bob2.err"
eq "a new console with bob's old token is refused (77)" "$?" 77
eq "with a 401 at /feed" \
    "$(metric 'warroom_http_requests_total{endpoint="/feed",code="401"}')" 1

# 5. A broken token file: refused with its line; carol's token still works.
cat > "$T/tokens" <<EOT
ops $TOK_OPS console,ingest users=*
am short
EOT
check "SIGHUP with a broken token file: refused, with the file and line" \
    hup_and_wait "SIGHUP: reload refused, the old configuration and tokens are kept: $T/tokens:2: token of am is shorter"
eq "/metrics: three reloads refused" \
    "$(metric 'warroom_config_reloads_total{result="failed"}')" 3
code=$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json" "$TOK_CAROL")
eq "carol's token, from the file kept, still posts" "$code" 200
check "no token is ever written to the log" \
    sh -c "! grep -q -e '$TOK_BOB' -e '$TOK_CAROL' -e '$TOK_OPS' '$T/warroomd.log'"
eq "ops's console connected once through it all" "$(welcomes "$T/ops.log")" 1
stop_relay
eq "SIGTERM still stops it, with status 0" "$?" 0
finish

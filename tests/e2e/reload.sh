#!/bin/sh
# SIGHUP (systemctl reload warroomd): the relay keeps running and serving,
# reopens its --log file (so logrotate can move it away), and says so.
. "$(dirname "$0")/lib.sh"
echo "reload: SIGHUP reopens the log and stops nothing"
make_tokens

start_relay --log "$T/warroomd.log"
check "the relay logs to its --log file" wait_for "$T/warroomd.log" "listening on"
mv "$T/warroomd.log" "$T/warroomd.log.1"
kill -HUP "$RELAY_PID"
check "after SIGHUP a new log file is written" \
    wait_for "$T/warroomd.log" "SIGHUP: reopened the log $T/warroomd.log"
check "the relay is still running" kill -0 "$RELAY_PID"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")
eq "and still answers /healthz" "$code" 200
eq "the new log file has mode 0600" "$(stat -c %a "$T/warroomd.log")" 600
check "the old file holds nothing written after the reopen" \
    sh -c "! grep -q SIGHUP '$T/warroomd.log.1'"
code=$(post /hooks/alertmanager "$FIX/alertmanager-real/max5-truncated-firing.json")
eq "a delivery after the reload is stored" "$code" 200

# A log that cannot be reopened (its directory gone): the relay keeps the
# old one and says why, in the old one.
mkdir "$T/d"
stop_relay
start_relay --log "$T/d/warroomd.log"
check "the relay logs into d/" wait_for "$T/d/warroomd.log" "listening on"
mv "$T/d" "$T/d.gone"
kill -HUP "$RELAY_PID"
check "a log it cannot reopen: it says so in the old one" \
    wait_for "$T/d.gone/warroomd.log" "SIGHUP: cannot open log $T/d/warroomd.log"
check "and keeps running" kill -0 "$RELAY_PID"
stop_relay
eq "SIGTERM still stops it, with status 0" "$?" 0

# Without --log the relay writes to standard error (the journal under
# systemd): SIGHUP is harmless there too.
start_relay
kill -HUP "$RELAY_PID"
check "without --log, SIGHUP is noted on standard error" \
    wait_for "$T/relay.log" "SIGHUP: logging to standard error"
check "and the relay keeps running" kill -0 "$RELAY_PID"
stop_relay
finish

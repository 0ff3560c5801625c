#!/bin/sh
# warroomd's options, as an operator meets them: one parser for the command
# line and the config file, a bad value refused at start with the file, the
# line and the reason (exit 78), a mistyped flag with a short usage (64),
# and --no-auth kept to loopback unless asked for by name.
. "$(dirname "$0")/lib.sh"
echo "relay: options and config file"
make_tokens

# run_d NAME ARGS...: run warroomd to completion; $RC, $T/NAME.out, $T/NAME.err
run_d() {
	name=$1; shift
	# a relay that wrongly starts is stopped, and fails the check
	timeout 10 "$WARROOMD" "$@" >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
}

printf '# relay.conf\nlisten = 127.0.0.1:8470\nheartbeat = 2k\n' > "$T/relay.conf"
run_d hb --config "$T/relay.conf" --tokens "$T/tokens" --db "$T/x.db"
eq "heartbeat = 2k in the file: exit 78" "$RC" 78
eq "the refusal names the file, the line and the reason" "$(cat "$T/hb.err")" \
    "warroomd: $T/relay.conf:3: heartbeat: '2k' is not a duration (use 10s, 2m, ...)"

printf 'listen = [::1]:99999\n' > "$T/port.conf"
run_d port --config "$T/port.conf" --tokens "$T/tokens" --db "$T/x.db"
eq "listen = [::1]:99999 in the file: exit 78" "$RC" 78
check "the refusal says the port is out of range" grep -qF "port.conf:1: listen: '[::1]:99999': port out of range (0 to 65535)" "$T/port.err"

printf 'db = %s\n\n[schedul primary]\ntimezone = UTC\n' "$T/x.db" > "$T/sect.conf"
run_d sect --config "$T/sect.conf" --tokens "$T/tokens"
eq "an unknown section: exit 78" "$RC" 78
check "the refusal names the section and its line" grep -qF "sect.conf:3: unknown section [schedul primary]" "$T/sect.err"

run_d neg --body-limit -1 --tokens "$T/tokens" --db "$T/x.db"
eq "--body-limit -1 on the command line: exit 78" "$RC" 78
eq "the refusal names the option" "$(cat "$T/neg.err")" \
    "warroomd: --body-limit: '-1' is negative (a size is at least 1k)"
run_d hbcli --heartbeat 2k --tokens "$T/tokens" --db "$T/x.db"
check "the command line gives the file's reason for the same value" grep -qF "warroomd: --heartbeat: '2k' is not a duration (use 10s, 2m, ...)" "$T/hbcli.err"

run_d typo --lisen 127.0.0.1:1 --tokens "$T/tokens"
eq "a mistyped flag: exit 64" "$RC" 64
check "it prints a short usage, not the whole help" test "$(wc -l < "$T/typo.err")" -le 4
check "the short usage points to --help" grep -q -- "--help" "$T/typo.err"
check "the usage is not the help text" sh -c "! grep -q Endpoints '$T/typo.err'"
run_d stray --tokens "$T/tokens" extra
eq "a stray argument: exit 64" "$RC" 64
run_d missing --config "$T/nope.conf" --tokens "$T/tokens"
eq "a missing config file: exit 78" "$RC" 78
check "it says it cannot open it" grep -qF "cannot open config $T/nope.conf" "$T/missing.err"

run_d open --no-auth --listen 0.0.0.0:1 --db "$T/x.db"
eq "--no-auth on 0.0.0.0: exit 78" "$RC" 78
check "the refusal names the address and the option that allows it" grep -qF -- "--no-auth on 0.0.0.0, which is not a loopback address" "$T/open.err"
check "... and the option that allows it" grep -qF -- "--no-auth-non-loopback" "$T/open.err"
printf 'no-auth = true\nlisten = 0.0.0.0:1\n' > "$T/open.conf"
run_d openfile --config "$T/open.conf" --db "$T/x.db"
eq "the same in the config file: exit 78" "$RC" 78

run_d chk --check-config "$T/relay.conf" --tokens "$T/tokens"
eq "--check-config on a bad file: exit 78" "$RC" 78
cat > "$T/good.conf" <<EOT
# a good file: options, a sender, severity words
db = $T/relay.db
tokens = $T/tokens
body-limit = 64k   # small, to see it apply
heartbeat = 1s
drain-timeout = 1500

[sender am]
alertmanager = http://127.0.0.1:9093

[severity]
critical = blocker, showstopper
EOT
run_d chkok --check-config "$T/good.conf"
eq "--check-config on a good file: exit 0" "$RC" 0
eq "... and says so" "$(cat "$T/chkok.out")" "$T/good.conf: ok"

printf '[sender am-prdo]\nalertmanager = http://127.0.0.1:9093\n' > "$T/typo-sender.conf"
run_d chksender --check-config "$T/typo-sender.conf" --tokens "$T/tokens"
eq "--check-config: a [sender] naming no ingest token: exit 78" "$RC" 78
check "it names the line and the token file" grep -qF "typo-sender.conf:1: [sender am-prdo] names no token with the ingest role in $T/tokens" "$T/chksender.err"

run_d help --help
check "--help lists --no-auth-non-loopback" grep -q -- "--no-auth-non-loopback" "$T/help.out"
eq "--help fits in 80 columns" "$(awk 'length > 80' "$T/help.out" "$T/typo.err" | wc -l)" 0

# The file's values apply, and the command line overrides them.
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
"$WARROOMD" --config "$T/good.conf" --listen "127.0.0.1:$PORT" >>"$T/relay.log" 2>&1 &
RELAY_PID=$!; PIDS="$PIDS $RELAY_PID"
for _ in $(seq 1 100); do curl -fs "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
head -c 100000 /dev/zero | tr '\0' ' ' > "$T/big.json"
eq "body-limit = 64k from the file: a 100 kB body gets 413" "$(post /hooks/alertmanager "$T/big.json")" 413
# [severity] critical = blocker: an alert labelled severity=blocker is critical
sed 's/"severity":"warning"/"severity":"Blocker"/g' "$FIX/alertmanager/single-warning.json" > "$T/blocker.json"
eq "an alert with severity=Blocker is accepted" "$(post /hooks/alertmanager "$T/blocker.json")" 200
curl -s "$URL/metrics" > "$T/metrics"
check "[severity] critical = blocker in the file makes it a critical incident" grep -q 'warroom_incidents_open{severity="critical"} 1' "$T/metrics"
stop_relay TERM
"$WARROOMD" --config "$T/good.conf" --listen "127.0.0.1:$PORT" --body-limit 1M >>"$T/relay.log" 2>&1 &
RELAY_PID=$!; PIDS="$PIDS $RELAY_PID"
for _ in $(seq 1 100); do curl -fs "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
eq "--body-limit 1M on the command line wins: the same body is read (400)" "$(post /hooks/alertmanager "$T/big.json")" 400
stop_relay TERM

# --no-auth on loopback starts; off loopback only when asked for by name.
"$WARROOMD" --no-auth --listen "localhost:$PORT" --db "$T/open.db" >>"$T/relay.log" 2>&1 &
RELAY_PID=$!; PIDS="$PIDS $RELAY_PID"
up=0
for _ in $(seq 1 100); do curl -fs "http://localhost:$PORT/healthz" >/dev/null 2>&1 && { up=1; break; }; sleep 0.05; done
eq "--no-auth on localhost:PORT starts and answers" "$up" 1
stop_relay TERM
"$WARROOMD" --no-auth --no-auth-non-loopback --listen "0.0.0.0:$PORT" --db "$T/open.db" >>"$T/relay.log" 2>&1 &
RELAY_PID=$!; PIDS="$PIDS $RELAY_PID"
up=0
for _ in $(seq 1 100); do curl -fs "$URL/healthz" >/dev/null 2>&1 && { up=1; break; }; sleep 0.05; done
eq "--no-auth on 0.0.0.0 with --no-auth-non-loopback starts" "$up" 1
stop_relay TERM
finish

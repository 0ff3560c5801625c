#!/bin/sh
# TLS as a real sender and a real console see it: with --tls-cert/--tls-key
# the relay speaks https and wss only.  A throwaway certificate is made here
# with openssl; the console trusts it with --ca.
. "$(dirname "$0")/lib.sh"
echo "tls: https ingest, a wss console, plain HTTP refused"
if ! command -v openssl >/dev/null 2>&1; then
	fail "openssl is needed for this test"; finish; exit 1
fi
make_tokens
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$T/key.pem" -out "$T/cert.pem" >"$T/openssl.out" 2>&1 ||
    { cat "$T/openssl.out"; exit 1; }
chmod 600 "$T/key.pem"

PORT=$(free_port)
URL="https://127.0.0.1:$PORT"
FEED="wss://127.0.0.1:$PORT/feed"
"$WARROOMD" --listen "127.0.0.1:$PORT" --db "$T/relay.db" --tokens "$T/tokens" \
    --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" >>"$T/relay.log" 2>&1 &
RELAY_PID=$!
PIDS="$PIDS $RELAY_PID"
up=0
for _ in $(seq 1 100); do
	curl -fs --cacert "$T/cert.pem" "$URL/healthz" >/dev/null 2>&1 && { up=1; break; }
	sleep 0.05
done
eq "healthz answers over https with the throwaway CA" "$up" 1
[ "$up" = 1 ] || { cat "$T/relay.log"; finish; exit 1; }

c=$(curl -s -o "$T/body" -w '%{http_code}' --cacert "$T/cert.pem" -X POST \
    -H "Authorization: Bearer $TOK_AM" -H 'Content-Type: application/json' \
    --data-binary @"$FIX/alertmanager/single-warning.json" "$URL/hooks/alertmanager")
eq "an Alertmanager POST over https is accepted" "$c" 200

c=$(curl -s -m 5 -o "$T/plain" -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")
eq "plain HTTP to the TLS port gets no answer" "$c" 000
check "and no body" test ! -s "$T/plain"
c=$(curl -s -m 5 -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOK_AM" \
    --data-binary @"$FIX/alertmanager/storm-40-firing.json" "http://127.0.0.1:$PORT/hooks/alertmanager")
eq "a plain-HTTP POST is refused" "$c" 000
eq "and stores nothing (head still 2)" "$(curl -fs --cacert "$T/cert.pem" "$URL/healthz" | sed -n 's/.*"head":\([0-9]*\).*/\1/p')" 2

"$WARROOM" list --json --feed "$FEED" --ca "$T/cert.pem" --token-file "$T/ops.token" \
    --db "$T/console.db" --timeout 10 >"$T/list.out" 2>"$T/list.err"
eq "warroom list over wss:// exits 0" "$?" 0
check "and shows the incident posted over https" grep -q '"id":1,.*"title":"p99 latency' "$T/list.out"

"$WARROOM" list --json --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/console2.db" --timeout 3 >"$T/list2.out" 2>"$T/list2.err"
rc=$?
check "without --ca the throwaway certificate is not trusted (exit $rc)" test "$rc" -ne 0
check "and the console says it is a certificate problem" grep -Eqi 'certif|tls|ssl' "$T/list2.err"
"$WARROOM" list --json --feed "ws://127.0.0.1:$PORT/feed" --token-file "$T/ops.token" \
    --db "$T/console3.db" --timeout 3 >"$T/list3.out" 2>"$T/list3.err"
check "a ws:// console to the TLS port is refused" test "$?" -ne 0
check "the relay is still up" kill -0 "$RELAY_PID"
finish

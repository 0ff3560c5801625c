#!/bin/sh
# An https webhook: the relay checks the receiver's certificate.  With the
# notifier's ca-file naming the private CA that signed it (here the
# self-signed certificate itself) the page is delivered; without it the
# certificate is refused, nothing is delivered, and the timeline says the
# attempt found no answer.
. "$(dirname "$0")/lib.sh"
echo "relay: https webhooks check the certificate (ca-file: a private CA)"
if ! command -v openssl >/dev/null 2>&1; then
	fail "openssl is needed for this test"; finish; exit 1
fi
make_tokens
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" \
    -out "$T/cert.pem" -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >/dev/null 2>&1
RX="$T/rx"
: > "$RX.log"
python3 "$(dirname "$0")/notify-receiver.py" "$RX.port" "$RX.log" "$RX.ctl" \
    "$T/cert.pem" "$T/key.pem" >"$T/rx.out" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 1 100); do [ -s "$RX.port" ] && break; sleep 0.05; done
RPORT=$(cat "$RX.port")
cat > "$T/relay.conf" <<EOT
[notifier trusted]
type = webhook
url = https://localhost:$RPORT/trusted
ca-file = cert.pem
users = alice

[notifier untrusted]
type = webhook
url = https://localhost:$RPORT/untrusted
users = bob
retries = 0
EOT
start_relay --config "$T/relay.conf" || exit 1
eq "the alert is taken" \
    "$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")" 200
for who in alice bob; do
	"$WARROOM" assign 1 "$who" --feed "$FEED" --token-file "$T/ops.token" \
	    --user ops --db "$T/ops.db" --timeout 20 >>"$T/cli.out" 2>&1
done
words() {
	sqlite3 "$T/relay.db" "SELECT group_concat(json_extract(body,
	    '\$.text'), '|') FROM events WHERE kind = $NOTIFIED AND
	    json_extract(body, '\$.person') = '$1'"
}
for _ in $(seq 1 200); do
	[ -n "$(words alice)" ] && [ -n "$(words bob)" ] && break
	sleep 0.1
done
eq "with ca-file the page to alice is delivered over https" \
    "$(words alice)" "alice via trusted: delivered"
check "the receiver got her body" \
    grep -q '"path": "/trusted", .*"status": 200' "$RX.log"
eq "without it bob's receiver is not trusted: no answer" \
    "$(words bob)" "bob via untrusted: no answer, gave up after 1 attempt"
check "and it never got a request" sh -c "! grep -q /untrusted '$RX.log'"
check "the relay logs the certificate's refusal" \
    grep -q "page #1 to bob via untrusted, attempt 1: no answer.*SSL" \
    "$T/relay.log"
finish

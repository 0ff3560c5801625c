#!/bin/sh
# Consoles that misbehave: one that stops reading, one that floods frames,
# and one that keeps asking and never reads the answers until the relay's
# 1 MiB cap on its control queue is reached.  Each is closed by the relay,
# whose memory stays flat.  The first two are tests/e2e/slow-console.sh and
# tests/e2e/flood-console.sh, run as they are (their relay RSS is quoted
# here); the third is here: it needs a --drain-timeout long enough for the
# queue to fill (at the default 30 s the drain timeout closes such a
# console first: 200 answers a second of ~120 bytes is 24 KB/s), and a
# receive buffer made small (SO_RCVBUF) so that the kernel holds little.
# Figures: the relay's peak RSS in each case.
. "$(dirname "$0")/../e2e/lib.sh"
echo "relay: consoles that stop reading, flood, or never read their answers"
E2E="$ROOT/tests/e2e"

run_e2e() { # run_e2e NAME: run tests/e2e/NAME.sh, its output indented
	WR_BUILD="$BUILD" sh "$E2E/$1.sh" > "$T/$1.out" 2>&1
	rc=$?
	sed 's/^/    | /' "$T/$1.out"
	return $rc
}
check "a console that stops reading is closed (tests/e2e/slow-console.sh)" run_e2e slow-console
peak=$(sed -n "s/.*relay RSS: .* now, peak \\([0-9]*\\) kB.*/\\1/p" "$T/slow-console.out" | head -n 1)
echo "  figure bad-consoles slow console, relay peak RSS: ${peak:-?} kB"
check "consoles that flood are closed (tests/e2e/flood-console.sh)" run_e2e flood-console
peak=$(sed -n 's/.*relay RSS: .*, peak \([0-9]*\) kB.*/\1/p' "$T/flood-console.out" | head -n 1)
echo "  figure bad-consoles flooding consoles, relay peak RSS: ${peak:-?} kB"

# ---- the control-queue cap, reached end to end ----
make_tokens
start_relay --drain-timeout 180000 --heartbeat 60000 || exit 1
base=$(awk '/^VmRSS/ { print $2 }' "/proc/$RELAY_PID/status")
"$WARROOM" tail --json --feed "$FEED" --token-file "$T/bob.token" \
    >"$T/tail.out" 2>&1 &
PIDS="$PIDS $!"
python3 - "$PORT" "$TOK_OPS" "$E2E" >"$T/asker.out" 2>&1 <<'PY' &
import sys, time
sys.path.insert(0, sys.argv[3])
from ws import WS
c = WS(int(sys.argv[1]), sys.argv[2], rcvbuf=2048)
print("upgrade:", c.status, flush=True)
c.hello(user="asker")
# Each frame is a bad one whose answer (an error frame, ~120 bytes) is as
# long as the relay makes any; 190 a second stays under its rate limit
# (200 a second), so none is dropped: every one is answered.
frame = b'{"a": "\\u00\\u00\\u00"}'
sent, t0 = 0, time.time()
try:
    while True:
        c.send_raw(frame)
        sent += 1
        if sent % 1000 == 0:
            print("sent %d" % sent, flush=True)
        delay = t0 + sent / 190.0 - time.time()
        if delay > 0:
            time.sleep(delay)
        if time.time() - t0 > 150:
            break
except OSError as e:
    print("stopped after %d frames: %s" % (sent, e), flush=True)
print("done after %d frames, %.1f s" % (sent, time.time() - t0), flush=True)
time.sleep(60)
PY
ASKER=$!
PIDS="$PIDS $ASKER"
check "the asker is upgraded" wait_for "$T/asker.out" "^upgrade: HTTP/1.1 101" 100
t0=$(date +%s)
peak=$base
closed=no
for _ in $(seq 1 1700); do
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$RELAY_PID/status")
	[ "${rss:-0}" -gt "$peak" ] && peak=$rss
	if grep -q "asker.*left: the console is not reading its answers" "$T/relay.log"; then
		closed=yes
		t1=$(date +%s)
		break
	fi
	sleep 0.1
done
eq "the relay closed it when its answers passed 1 MiB" "$closed" yes
grep "asker.*left" "$T/relay.log" | sed 's/^/    /'
check "and nothing else closed it first" sh -c "! grep -q 'asker.*left: the console did not read' '$T/relay.log'"
grep -e '^stopped' -e '^done' "$T/asker.out" | sed 's/^/    asker: /'
echo "  figure bad-consoles control queue cap reached after: $(( ${t1:-0} - t0 )) s of answers at the rate limit"
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$RELAY_PID/status")
echo "  figure bad-consoles control queue at its cap, relay RSS: ${base} kB at start, peak ${peak} kB (VmHWM ${hwm} kB)"
check "the relay's memory stayed flat (peak ${peak} kB < start ${base} kB + 8 MB)" \
    [ "$peak" -lt $((base + 8192)) ]
check "the relay is alive" kill -0 "$RELAY_PID"
code=$(post /hooks/alertmanager "$FIX/alertmanager/single-warning.json")
eq "an alert is taken afterwards" "$code" 200
check "the healthy console got it" wait_for "$T/tail.out" '"kind":"triggered"' 100
finish

#!/bin/sh
# --timeout is kept to the tenth of a second: a one-shot command against a
# relay that takes the connection and never answers (a stopped or wedged
# process: the kernel still completes the TCP handshake) exits 75 when its
# --timeout is up.  Before, the loop only noticed its deadline after lws
# had slept on to its next timer, 2.6 s past a --timeout of 3 (3.3 s past 2 here).
. "$(dirname "$0")/lib.sh"
echo "list, ack: --timeout against a relay that accepts and never answers"
make_tokens
python3 - "$T/port" <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(120)
PY
PIDS="$PIDS $!"
for _ in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.05; done
feed="ws://127.0.0.1:$(cat "$T/port")/feed"
ms() { date +%s%3N; }
for cmd in "list" "ack 1"; do
	t0=$(ms)
	# shellcheck disable=SC2086
	timeout 30 "$WARROOM" $cmd --timeout 2 --feed "$feed" \
	    --token-file "$T/ops.token" --db "$T/c.db" >"$T/out" 2>"$T/err"
	rc=$?
	t=$(( $(ms) - t0 ))
	eq "warroom $cmd exits 75" "$rc" 75
	check "within its --timeout of 2 s, not seconds after ($t ms)" [ "$t" -lt 2600 ]
	check "and says it could not reach the relay" grep -q "could not reach\|not delivered\|queued" "$T/err"
done
finish

#!/bin/sh
# The relay killed with -9, again and again, during an ingest storm: four
# concurrent posters (two Alertmanager webhooks, two Events v2 senders, one
# new incident a body, each body retried as a sender does until it gets a
# 2xx) while warroomd is killed at random moments and started again on the
# same port and file.  Afterwards every body that was answered 2xx is in
# the log exactly once with all its alerts (a body stored but killed before
# its answer was retried: still once), nothing is half-written (integrity
# check ok, seqs 1..head contiguous and head is the stored cursor, every
# incident has its trigger and one alert_firing event per alert), and the
# restarted relay serves a fresh console the whole room.
# Figures: bodies acknowledged 2xx, and how many of them were found.
. "$(dirname "$0")/../e2e/lib.sh"
KILLS=${WR_KILLS:-5}
echo "ingest-kill9: warroomd killed -9 $KILLS times during an ingest storm"
make_tokens
PORT=$(free_port)

# start: warroomd on $PORT, up when /healthz answers (20 s at most)
start() {
	"$WARROOMD" --listen "127.0.0.1:$PORT" --db "$T/relay.db" \
	    --tokens "$T/tokens" --heartbeat 1000 >>"$T/relay.log" 2>&1 &
	RELAY_PID=$!
	PIDS="$PIDS $RELAY_PID"
	for _ in $(seq 1 200); do
		curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 &&
		    return 0
		alive "$RELAY_PID" || break
		sleep 0.1
	done
	echo "  relay did not start:"; tail -5 "$T/relay.log"
	return 1
}
start || exit 1
URL="http://127.0.0.1:$PORT"
FEED="ws://127.0.0.1:$PORT/feed"

# The posters: each writes "TITLE N_ALERTS" to its acked file once its
# body got a 2xx, and stops when $T/stop appears.
cat > "$T/storm.py" <<'PY'
import http.client, json, os, sys, threading, time
port, tok, tdir = int(sys.argv[1]), sys.argv[2], sys.argv[3]

def am_body(p, n):
    title = "storm am%d %d" % (p, n)
    alerts = [{"status": "firing",
               "labels": {"alertname": "Storm", "poster": str(p),
                          "n": str(n), "i": str(i)},
               "annotations": {"summary": title},
               "startsAt": "2026-11-27T15:57:08Z",
               "endsAt": "0001-01-01T00:00:00Z",
               "fingerprint": "%02x%06x%08x" % (p, n, i)}
              for i in range(2)]
    return title, 2, "/hooks/alertmanager", {
        "receiver": "warroom", "status": "firing", "alerts": alerts,
        "groupLabels": {"poster": str(p), "n": str(n)},
        "commonLabels": {"alertname": "Storm"},
        "commonAnnotations": {"summary": title},
        "externalURL": "http://am", "version": "4",
        "groupKey": "{}:{poster=\"%d\", n=\"%d\"}" % (p, n),
        "truncatedAlerts": 0}

def ev_body(p, n):
    title = "storm ev%d %d" % (p, n)
    return title, 1, "/v2/enqueue", {
        "routing_key": tok, "event_action": "trigger",
        "dedup_key": "storm-ev%d-%d" % (p, n),
        "payload": {"summary": title, "source": "host%d" % p,
                    "severity": "critical"}}

def poster(p, make):
    n = 0
    out = open(os.path.join(tdir, "acked.%d" % p), "a")
    err = open(os.path.join(tdir, "unanswered.%d" % p), "a")
    while not os.path.exists(os.path.join(tdir, "stop")):
        title, nal, path, body = make(p, n)
        data = json.dumps(body).encode()
        while True:     # a sender retries the same delivery until 2xx
            if os.path.exists(os.path.join(tdir, "stop")):
                return
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                c.request("POST", path, data, {
                    "Content-Type": "application/json",
                    "Authorization": "Bearer " + tok})
                r = c.getresponse()
                r.read()
                c.close()
                if 200 <= r.status < 300:
                    out.write("%s\t%d\n" % (title, nal))
                    out.flush()
                    break
            except (OSError, http.client.HTTPException):
                # no answer: the relay is down, or died with the body
                err.write("%s\n" % title)
                err.flush()
            time.sleep(0.05)
        n += 1

ts = [threading.Thread(target=poster, args=(p, am_body if p < 2 else ev_body))
      for p in range(4)]
for t in ts: t.start()
for t in ts: t.join()
PY
python3 "$T/storm.py" "$PORT" "$TOK_AM" "$T" &
STORM=$!
PIDS="$PIDS $STORM"

acked() { cat "$T"/acked.* 2>/dev/null | wc -l; }
# wait_more N: until N more bodies than now are acknowledged (30 s at most)
wait_more() {
	want=$(( $(acked) + $1 ))
	for _ in $(seq 1 300); do
		[ "$(acked)" -ge "$want" ] && return 0
		sleep 0.1
	done
	return 1
}

killed=0
for k in $(seq 1 "$KILLS"); do
	check "kill $k: the storm is being stored" wait_more 20
	# a random moment within the next half second
	sleep "0.$(awk -v s="$k$$" 'BEGIN { srand(s); printf "%03d", rand() * 500 }')"
	kill -9 "$RELAY_PID"
	wait "$RELAY_PID" 2>/dev/null
	killed=$((killed + 1))
	check "kill $k: warroomd starts again on the same file" start
done
check "after the last restart the storm goes on" wait_more 20
touch "$T/stop"
wait "$STORM"

# Every body acknowledged, once, with all its alerts, as a fresh console
# is served it by the restarted relay.
"$WARROOM" list --json --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/console.db" --timeout 30 >"$T/list.json" 2>"$T/list.err"
eq "a fresh console is served the room" "$?" 0
cat "$T"/acked.* > "$T/acked"
python3 - "$T/list.json" "$T/acked" >"$T/verdict" <<'PY'
import json, sys
room = json.load(open(sys.argv[1]))
by = {}
for inc in room:
    by.setdefault(inc["title"], []).append(inc)
acked = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
found = 0
bad = []
for title, nal in acked:
    got = by.get(title, [])
    if len(got) == 1 and got[0]["n_alerts"] == int(nal):
        found += 1
    elif len(bad) < 5:
        bad.append("%s: %d incidents, alerts %s" % (
            title, len(got), [g["n_alerts"] for g in got]))
dups = sum(1 for t, v in by.items() if len(v) > 1)
print(len(acked), found, dups, len(room), "; ".join(bad))
PY
read -r n_acked n_found n_dups n_room why < "$T/verdict"
eq "every acknowledged body is in the log once, with all its alerts${why:+ ($why)}" \
    "$n_found" "$n_acked"
eq "no incident is there twice" "$n_dups" 0
echo "  figure ingest-kill9 acknowledged 2xx: $n_acked bodies over $killed kills"
echo "  figure ingest-kill9 deliveries left unanswered by a kill or a down relay (then retried): $(cat "$T"/unanswered.* | wc -l) tries of $(cat "$T"/unanswered.* | sort -u | wc -l) bodies"
echo "  figure ingest-kill9 found after restart: $n_found of $n_acked ($n_room incidents in the log)"

# Nothing half-written, read from the file the relay keeps.
stop_relay
DB="$T/relay.db"
eq "PRAGMA integrity_check" "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok
eq "seqs are 1..head, contiguous" \
    "$(sqlite3 "$DB" 'SELECT min(seq) = 1 AND count(*) = max(seq) FROM events')" 1
eq "head is the stored cursor" \
    "$(sqlite3 "$DB" "SELECT max(seq) = (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'cursor') FROM events")" 1
eq "every incident has its trigger" \
    "$(sqlite3 "$DB" 'SELECT count(*) FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.incident = i.id AND e.kind = 1)')" 0
eq "every incident has one alert_firing event per alert" \
    "$(sqlite3 "$DB" 'SELECT count(*) FROM incidents i WHERE n_alerts != (SELECT count(*) FROM events e WHERE e.incident = i.id AND e.kind = 2) OR n_alerts != (SELECT count(*) FROM alerts a WHERE a.incident = i.id)')" 0
eq "the console's copy has every event" \
    "$(sqlite3 "$T/console.db" 'SELECT count(*) FROM events')" \
    "$(sqlite3 "$DB" 'SELECT count(*) FROM events')"
finish

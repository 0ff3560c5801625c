#!/bin/sh
# A crash (kill -9) during a schema migration.  A schema-1 relay database
# as warroom 0.1 made it (written here with that schema's own DDL, like
# tests/test_store.c's v1 file), big enough that migrating it takes a
# measurable time; warroomd is started on it and killed -9 at moments
# spread over the time a whole start takes (measured first on a copy).
# After each kill the file is at the old version with the old schema and
# every row as it was, or at the new version with the new schema and every
# row migrated, never in between; the next start completes it, and the
# relay then serves a console.  Production code has no sleep for this: the
# file is made large instead.
# Figures: the time a start with the migration takes, and which version
# each kill left (with the size of the write-ahead log the kill abandoned).
. "$(dirname "$0")/../e2e/lib.sh"
N=${WR_MIGRATE_N:-50000}
KILLS=${WR_KILLS:-6}
echo "migrate-kill9: kill -9 while warroomd migrates a schema-1 file of $N incidents"
make_tokens
V1="$T/v1.db"

# The schema as migration 0 of store/store.c wrote it, and rows as 0.1
# wrote them: a trigger and an alert_firing event for each incident, its
# alert, and op answers.
NOW=$(( $(date +%s) * 1000 ))
sqlite3 "$V1" <<SQL
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE events(seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL,
  incident INTEGER NOT NULL, time INTEGER NOT NULL, actor TEXT, via TEXT,
  op_id TEXT, body TEXT NOT NULL);
CREATE INDEX events_incident ON events(incident, seq);
CREATE TABLE incidents(id INTEGER PRIMARY KEY, source TEXT, key TEXT,
  title TEXT, service TEXT, severity INTEGER NOT NULL, severity_raw TEXT,
  state INTEGER NOT NULL, ack_by TEXT, ack_at INTEGER NOT NULL DEFAULT 0,
  resolved_by TEXT, resolved_at INTEGER NOT NULL DEFAULT 0, assignee TEXT,
  created INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0,
  last_seen INTEGER NOT NULL DEFAULT 0, n_alerts INTEGER NOT NULL DEFAULT 0,
  n_firing INTEGER NOT NULL DEFAULT 0, n_notes INTEGER NOT NULL DEFAULT 0,
  labels_text TEXT);
CREATE TABLE alerts(incident INTEGER NOT NULL, fingerprint TEXT NOT NULL,
  starts INTEGER NOT NULL, ends INTEGER NOT NULL DEFAULT 0,
  firing INTEGER NOT NULL DEFAULT 1, last_seen INTEGER NOT NULL DEFAULT 0,
  labels TEXT NOT NULL DEFAULT '[]', annotations TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY(incident, fingerprint, starts));
CREATE TABLE ops(op_id TEXT PRIMARY KEY, status INTEGER NOT NULL,
  seq INTEGER NOT NULL DEFAULT 0, code TEXT, reason TEXT);
CREATE TABLE outbox(op_id TEXT PRIMARY KEY, kind INTEGER NOT NULL,
  incident INTEGER NOT NULL, epoch TEXT, actor TEXT, text TEXT,
  created INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
  state INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL DEFAULT 0,
  error TEXT, ord INTEGER NOT NULL UNIQUE);
PRAGMA application_id = 1463898706;
PRAGMA user_version = 1;
BEGIN;
INSERT INTO meta VALUES ('role', 'relay'), ('epoch', 'feedc0de00000001'),
  ('cursor', '$((2 * N + 1))');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO incidents(id, source, key, title, service, severity, state,
    created, updated, last_seen, n_alerts, n_firing, labels_text)
SELECT i, 'alertmanager', 'group-' || i, 'disk full on db-' || i, 'storage',
    i % 4, 0, $NOW + i, $NOW + i, $NOW + i, 1, 1,
    'alertname=DiskFull instance=db-' || i FROM n;
INSERT INTO events(seq, kind, incident, time, actor, via, op_id, body)
SELECT 2 * id - 1, 1, id, created, 'alertmanager', 'am-' || (id % 3), NULL,
    json_object('source', 'alertmanager', 'key', key, 'title', title,
    'service', service, 'severity', severity) FROM incidents;
INSERT INTO events(seq, kind, incident, time, actor, via, op_id, body)
SELECT 2 * id, 2, id, created, 'alertmanager', 'am-' || (id % 3), NULL,
    json_object('alert', json_object('fingerprint', printf('%016x', id),
    'starts', created, 'firing', 1, 'last_seen', created, 'labels',
    json('[["alertname","DiskFull"],["instance","db-' || id || '"]]'),
    'annotations', json('[["summary","disk full"]]'))) FROM incidents;
INSERT INTO events(seq, kind, incident, time, actor, via, op_id, body)
VALUES ($((2 * N + 1)), 4, 1, $NOW + 5, 'alice', 'ops',
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '{}');
UPDATE incidents SET state = 1, ack_by = 'alice', ack_at = $NOW + 5
    WHERE id = 1;
INSERT INTO alerts(incident, fingerprint, starts, firing, last_seen, labels,
    annotations)
SELECT id, printf('%016x', id), created, 1, created,
    '[["alertname","DiskFull"],["instance","db-' || id || '"]]',
    '[["summary","disk full"]]' FROM incidents;
INSERT INTO ops VALUES
  ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 0, $((2 * N + 1)), NULL, NULL),
  ('cccccccccccccccccccccccccccccccc', 2, 0, 'bad_op', 'no');
COMMIT;
SQL
eq "a schema-1 file was made" "$(sqlite3 "$V1" 'PRAGMA user_version')" 1
echo "  (the schema-1 file: $(( $(wc -c < "$V1") / 1048576 )) MB)"

# What the rows are, however the schema is: counts and sums a migration
# must keep.
rows() {
	sqlite3 "$1" "SELECT (SELECT count(*) || '/' || sum(seq) || '/' ||
	    sum(kind) || '/' || sum(incident) FROM events), (SELECT count(*) ||
	    '/' || sum(severity) || '/' || sum(state) FROM incidents), (SELECT
	    count(*) FROM alerts), (SELECT count(*) FROM ops), (SELECT value
	    FROM meta WHERE key = 'cursor'), (SELECT value FROM meta WHERE
	    key = 'epoch')"
}
ROWS=$(rows "$V1")

# start_on FILE: warroomd on FILE in the background, RELAY_PID, PORT
start_on() {
	PORT=$(free_port)
	URL="http://127.0.0.1:$PORT"
	FEED="ws://127.0.0.1:$PORT/feed"
	"$WARROOMD" --listen "127.0.0.1:$PORT" --db "$1" \
	    --tokens "$T/tokens" --heartbeat 1000 >>"$T/relay.log" 2>&1 &
	RELAY_PID=$!
	PIDS="$PIDS $RELAY_PID"
}
# up: until /healthz answers (120 s at most: a big migration on a busy
# machine); fails at once if the relay exited
up() {
	for _ in $(seq 1 1200); do
		curl -fs "$URL/healthz" >/dev/null 2>&1 && return 0
		alive "$RELAY_PID" || return 1
		sleep 0.1
	done
	return 1
}
now_ms() { python3 -c 'import time; print(int(time.monotonic() * 1000))'; }

# The new version, and how long a start with the migration takes, on a
# copy of the file.
cp "$V1" "$T/probe.db"
t0=$(now_ms)
start_on "$T/probe.db"
check "warroomd migrates a copy of the file" up
t1=$(now_ms)
START_MS=$((t1 - t0))
stop_relay
NEW=$(sqlite3 "$T/probe.db" 'PRAGMA user_version')
check "the new version ($NEW) is past 1" test "$NEW" -gt 1
eq "the copy's rows are all there" "$(rows "$T/probe.db")" "$ROWS"
echo "  figure migrate-kill9 start with the migration of $N incidents: $START_MS ms"

# state FILE: "old" or "new" when the file is wholly one or the other,
# else what is wrong with it.  The new schema: every incident has its
# sender (the via of its trigger), every trigger's body names it, op
# answers carry their token; the old: none of the new columns exists.
state() {
	v=$(sqlite3 "$1" 'PRAGMA user_version')
	ic=$(sqlite3 "$1" "SELECT count(*) FROM pragma_table_info('incidents') WHERE name = 'sender'")
	oc=$(sqlite3 "$1" "SELECT count(*) FROM pragma_table_info('ops') WHERE name = 'via'")
	r=$(rows "$1")
	[ "$r" = "$ROWS" ] || { echo "rows changed: $r, not $ROWS"; return; }
	[ "$(sqlite3 "$1" 'PRAGMA integrity_check')" = ok ] ||
	    { echo "integrity_check failed"; return; }
	if [ "$v" = 1 ]; then
		[ "$ic$oc" = 00 ] && { echo old; return; }
		echo "version 1 with new columns ($ic $oc)"; return
	fi
	if [ "$v" = "$NEW" ]; then
		miss=$(sqlite3 "$1" "SELECT (SELECT count(*) FROM incidents
		    WHERE sender IS NULL OR sender = '') + (SELECT count(*)
		    FROM events WHERE kind = 1 AND json_extract(body,
		    '\$.sender') IS NULL)")
		[ "$ic$oc" = 11 ] && [ "$miss" = 0 ] && { echo new; return; }
		echo "version $v, columns $ic $oc, $miss rows not migrated"
		return
	fi
	echo "version $v"
}

# Kill at moments spread over (0.05 .. 0.95) of a start; each start after
# a kill that left the old version runs the whole migration again.
DB="$T/relay.db"
cp "$V1" "$DB"
olds=0; news=0; report=""
for k in $(seq 1 "$KILLS"); do
	at=$(( START_MS * (5 + 90 * (k - 1) / (KILLS - 1)) / 100 ))
	start_on "$DB"
	sleep "$(awk -v ms="$at" 'BEGIN { printf "%.3f", ms / 1000 }')"
	kill -9 "$RELAY_PID" 2>/dev/null
	wait "$RELAY_PID" 2>/dev/null
	wal=$(( $( (wc -c < "$DB-wal") 2>/dev/null || echo 0) / 1048576 ))
	st=$(state "$DB")
	case $st in
	old) olds=$((olds + 1));;
	new) news=$((news + 1));;
	esac
	report="$report ${at}ms:$st(wal ${wal}MB)"
	check "kill $k at $at ms: the file is wholly old or new ($st)" \
	    sh -c "[ '$st' = old ] || [ '$st' = new ]"
done
echo "  figure migrate-kill9 kills:$report"
echo "  figure migrate-kill9 left old: $olds, new: $news, between: $((KILLS - olds - news))"
check "at least one kill came before the migration's commit (old)" \
    test "$olds" -gt 0

start_on "$DB"
check "the next start completes it" up
eq "the file is at the new version" "$(state "$DB")" new
"$WARROOM" list --json --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/console.db" --timeout 60 >"$T/list.json" 2>"$T/list.err"
eq "the relay serves a console" "$?" 0
eq "every incident" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/list.json")" "$N"
eq "the relay's head is the old cursor" \
    "$(curl -fs "$URL/healthz" | sed -n 's/.*"head":\([0-9]*\).*/\1/p')" \
    $((2 * N + 1))
finish

#!/bin/sh
# prefill-relay.sh DB N: write N open incidents, one firing alert each, into
# the relay database DB (made by a warroomd that has run once and stopped),
# as if they had arrived long ago: the log holds no event for them and its
# cursor is at N, so a new console can only take a snapshot.  Posting
# 100,000 bodies over HTTP would take minutes; this takes seconds.  Used by
# tests/e2e/resync-scale.sh and scripts/bench-console.sh.
set -eu
db=$1
n=$2
case $n in ''|*[!0-9]*) echo "prefill-relay.sh: N must be a number" >&2; exit 64;; esac
[ -f "$db" ] || { echo "prefill-relay.sh: $db: no such database" >&2; exit 66; }
sqlite3 "$db" <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n)
INSERT INTO incidents(id, source, key, title, service, severity, state,
    created, updated, last_seen, n_alerts, n_firing, labels_text)
SELECT i, 'alertmanager', 'k' || i, 'disk full on db-' || i,
    'storage-' || (i % 50), i % 4, 0, 1700000000000 + i, 1700000000000 + i,
    1700000000000 + i, 1, 1, 'instance=db-' || i FROM n;
INSERT INTO alerts(incident, fingerprint, starts, firing, last_seen, labels)
SELECT id, printf('%016x', id), created, 1, created,
    '[["alertname","DiskFull"],["instance","db-' || id || '"]]'
    FROM incidents WHERE id <= $n;
INSERT OR REPLACE INTO meta(key, value) VALUES ('cursor', '$n');
COMMIT;
SQL

#!/bin/sh
# A database file that cannot be used, for each program that opens one:
# warroomd --db, the interactive console (warroom --db, on a pty) and the
# one-shots that open it (warroom --db ... list, warroom --db ... ack).
# The files: one on a file system remounted read-only (CI runs as root,
# so file modes would stop nothing),
# a file of random bytes, a real database with every page after the first
# overwritten with random bytes, and one cut in the middle of a page; and
# for the relay, whose log is the only copy, a log with one page of its
# events overwritten where starting never reads (the consoles' files are
# not read page by page at every one-shot: the relay can replay them).
# Each must be refused with a message on stderr that names the file and
# exit status 74 (DESIGN.md's command-line contract), never a signal or a
# sanitizer report, and the damaged file is left as it was (a person may
# want to recover it).  Needs root (mount -t tmpfs); without it the test
# says so and fails.
. "$(dirname "$0")/../e2e/lib.sh"
echo "bad-db: read-only, corrupt and truncated files, for each program"
MNT="$T/ro"
on_exit 'umount "$MNT" 2>/dev/null'

mkdir -p "$MNT"
if ! mount -t tmpfs -o size=8m tmpfs "$MNT" 2>"$T/mount.err"; then
	fail "cannot mount a tmpfs for the read-only case (needs root): $(cat "$T/mount.err")"
	finish
	exit 1
fi

# Good files of each role, with something in them.
make_tokens
start_relay || exit 1
for f in single-warning.json storm-40-firing.json unicode-labels.json; do
	post /hooks/alertmanager "$FIX/alertmanager/$f" >/dev/null
done
"$WARROOM" list --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/console.db" --timeout 20 >/dev/null 2>"$T/list.err"
eq "a console database to damage was made" "$?" 0
stop_relay
PIDS=""
check "both files hold incidents" test \
    "$(sqlite3 "$T/relay.db" 'SELECT count(*) FROM incidents')" -gt 0 -a \
    "$(sqlite3 "$T/console.db" 'SELECT count(*) FROM incidents')" -gt 0

# damage KIND ROLE: make the file, print its path
damage() {
	src="$T/$2.db"
	case $1 in
	read-only)
		cp "$src" "$MNT/$2.db"
		echo "$MNT/$2.db";;
	not-sqlite)
		head -c 65536 /dev/urandom > "$T/$2.$1.db"
		echo "$T/$2.$1.db";;
	corrupt-pages)
		cp "$src" "$T/$2.$1.db"
		pages=$(( $(wc -c < "$src") / 4096 ))
		dd if=/dev/urandom of="$T/$2.$1.db" bs=4096 seek=1 \
		    count=$((pages - 1)) conv=notrunc 2>/dev/null
		echo "$T/$2.$1.db";;
	bad-page)
		# a longer log, and one page of its events in the middle
		# (which loading the room never reads) overwritten
		cp "$src" "$T/$2.$1.db"
		sqlite3 "$T/$2.$1.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION
		    ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO
		    events(seq, kind, incident, time, body) SELECT 1000 + i, 6,
		    1, 0, printf('{\"text\":\"%0200d\"}', i) FROM n;
		    UPDATE meta SET value = '4000' WHERE key = 'cursor'"
		page=$(sqlite3 "$T/$2.$1.db" "SELECT pageno FROM dbstat WHERE
		    name = 'events' AND pagetype = 'leaf' ORDER BY pageno
		    LIMIT 1 OFFSET 40")
		dd if=/dev/urandom of="$T/$2.$1.db" bs=4096 seek=$((page - 1)) \
		    count=1 conv=notrunc 2>/dev/null
		echo "$T/$2.$1.db";;
	truncated)
		cp "$src" "$T/$2.$1.db"
		size=$(wc -c < "$src")
		# half way, and 1000 bytes into a page
		truncate -s $(( size / 2 / 4096 * 4096 + 1000 )) "$T/$2.$1.db"
		echo "$T/$2.$1.db";;
	esac
}

# run PROGRAM DB: run it on DB, its exit status in $rc, stderr in $T/err
run() {
	case $1 in
	warroomd)
		timeout 20 "$WARROOMD" --listen "127.0.0.1:$(free_port)" \
		    --db "$2" --tokens "$T/tokens" >/dev/null 2>"$T/err"
		rc=$?;;
	console)
		# a terminal of its own; script(1) gives back its status, and
		# what it wrote to the terminal is the error a person sees
		timeout 20 script -qec "'$WARROOM' --db '$2' --feed \
		    ws://127.0.0.1:1/feed --token-file '$T/ops.token'" \
		    "$T/typescript" </dev/null >"$T/err" 2>&1
		rc=$?;;
	list)
		timeout 20 "$WARROOM" --db "$2" --feed ws://127.0.0.1:1/feed \
		    --token-file "$T/ops.token" --timeout 2 list \
		    >/dev/null 2>"$T/err"
		rc=$?;;
	ack)
		timeout 20 "$WARROOM" --db "$2" --feed ws://127.0.0.1:1/feed \
		    --token-file "$T/ops.token" --timeout 2 ack 1 \
		    >/dev/null 2>"$T/err"
		rc=$?;;
	esac
}

for kind in read-only not-sqlite corrupt-pages bad-page truncated; do
	progs="warroomd console list ack"
	[ "$kind" = bad-page ] && progs=warroomd
	for prog in $progs; do
		role=console
		[ "$prog" = warroomd ] && role=relay
		db=$(damage "$kind" "$role")
		if [ "$kind" = read-only ]; then
			mount -o remount,ro "$MNT"
			check "$kind: the file system is read-only" \
			    sh -c "! touch '$MNT/probe' 2>/dev/null"
		fi
		sum=$(md5sum < "$db")
		run "$prog" "$db"
		eq "$kind, $prog: exit status 74" "$rc" 74
		check "$kind, $prog: the message names the file ($(head -c 160 "$T/err" | tr -d '\r' | head -1))" \
		    grep -qF "$db" "$T/err"
		check "$kind, $prog: no crash or sanitizer report" \
		    sh -c "! grep -Eq 'Sanitizer|runtime error|Segmentation|core dumped' '$T/err'"
		eq "$kind, $prog: the file is left as it was" \
		    "$(md5sum < "$db")" "$sum"
		if [ "$kind" = read-only ]; then
			mount -o remount,rw "$MNT"
			rm -f "$MNT"/*
		fi
	done
done
finish

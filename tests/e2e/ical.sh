#!/bin/sh
# On-call schedules from iCalendar, and back out to calendars: a schedule
# section with `ical = FILE` (a PagerDuty-shaped feed, people by
# ATTENDEE), checked by `warroomd --check-config` with the right now and
# next; a bad file refused with the file and the reason (exit 78); and the
# running relay's GET /oncall/NAME.ics?token=CAL answering a calendar any
# client can read, which only a calendar token opens and which opens
# nothing else.
. "$(dirname "$0")/lib.sh"
echo "relay: iCalendar in and out"
make_tokens
TOK_CAL=cal0123456789abcdef0123456789
printf 'cal %s calendar\n' "$TOK_CAL" >> "$T/tokens"

run_d() {
	name=$1; shift
	timeout 20 "$WARROOMD" "$@" >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
}

cp "$FIX/ical/pagerduty-primary.ics" "$T/platform.ics"
cat > "$T/pd.conf" <<EOT
db = $T/relay.db

[schedule platform]
timezone = Europe/Berlin
ical = platform.ics
ical-person = attendee
EOT

# Wed 2026-03-25 13:00Z: dana's override in bob's week, 12:00Z-18:00Z.
run_d chk --check-config "$T/pd.conf" --tokens "$T/tokens" --at 2026-03-25T13:00:00Z
eq "--check-config on an ical schedule: exit 0" "$RC" 0
cat > "$T/want" <<EOT
$T/pd.conf: ok
schedule platform (Europe/Berlin)
  now:  dana (ical) since 2026-03-25T12:00:00Z (Wed 2026-03-25 13:00 local) until 2026-03-25T18:00:00Z (Wed 2026-03-25 19:00 local)
  next: bob (ical) from 2026-03-25T18:00:00Z (Wed 2026-03-25 19:00 local) until 2026-03-30T07:00:00Z (Mon 2026-03-30 09:00 local)
  next gap: none within 7 days
EOT
check "it prints who is on call now and next, from the file" cmp -s "$T/want" "$T/chk.out"
cmp -s "$T/want" "$T/chk.out" || { diff "$T/want" "$T/chk.out"; cat "$T/chk.err"; }

# Sunday 29 March, across the change to CEST: bob until 09:00 local.
run_d dst --check-config "$T/pd.conf" --tokens "$T/tokens" --at 2026-03-29T12:00:00Z
check "across the DST change the handoff is at 09:00 CEST" grep -qx \
    "  next: carol (ical) from 2026-03-30T07:00:00Z (Mon 2026-03-30 09:00 local) until 2026-04-06T07:00:00Z (Mon 2026-04-06 09:00 local)" "$T/dst.out"

# A bad file: refused with the config's line, the file and the reason.
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:x1\r\nDTSTART:20260301T000000Z\r\nDTEND:20260302T000000Z\r\nSUMMARY:a\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' > "$T/platform.ics"
run_d bad --check-config "$T/pd.conf" --tokens "$T/tokens"
eq "a file without the ATTENDEE asked for: exit 78" "$RC" 78
eq "the refusal names the config line, the file and the event" "$(cat "$T/bad.err")" \
    "warroomd: $T/pd.conf:5: [schedule platform] ical: $T/platform.ics: VEVENT 1 (UID x1): no ATTENDEE (ical-person = attendee)"
run_d bad2 --config "$T/pd.conf" --tokens "$T/tokens" --listen 127.0.0.1:1
eq "and the relay does not start on it: exit 78" "$RC" 78

# A rotation around now for the running relay: alice and bob a week each,
# from a Monday long ago, every other week (RRULE), in UTC.
cat > "$T/rota.ics" <<'EOT'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//warroom e2e//EN
BEGIN:VEVENT
UID:alice@e2e
DTSTAMP:20250101T000000Z
DTSTART:20250106T080000Z
DTEND:20250113T080000Z
RRULE:FREQ=WEEKLY;INTERVAL=2
SUMMARY:alice
END:VEVENT
BEGIN:VEVENT
UID:bob@e2e
DTSTAMP:20250101T000000Z
DTSTART:20250113T080000Z
DTEND:20250120T080000Z
RRULE:FREQ=WEEKLY;INTERVAL=2
SUMMARY:bob\, the other one
END:VEVENT
END:VCALENDAR
EOT
cat > "$T/rota.conf" <<EOT
[schedule rota]
timezone = UTC
ical = rota.ics
EOT
start_relay --config "$T/rota.conf" || { fail "relay started"; finish; exit 1; }

code=$(curl -s -o "$T/cal.ics" -D "$T/cal.hdr" -w '%{http_code}' "$URL/oncall/rota.ics?token=$TOK_CAL")
eq "GET /oncall/rota.ics with the calendar token: 200" "$code" 200
check "... served as text/calendar" grep -qi '^content-type: text/calendar' "$T/cal.hdr"
python3 - "$T/cal.ics" > "$T/cal.check" 2>&1 <<'PY'
import re, sys
raw = open(sys.argv[1], 'rb').read()
assert raw.endswith(b"\r\n"), "does not end in CRLF"
lines = raw.split(b"\r\n")[:-1]
assert all(b"\n" not in l and b"\r" not in l for l in lines), "a bare LF or CR"
assert all(len(l) <= 75 for l in lines), "a line longer than 75 octets"
text = []
for l in lines:
    if l.startswith(b" "):
        text[-1] += l[1:]
    else:
        text.append(l)
text = [l.decode("utf-8") for l in text]
assert text[0] == "BEGIN:VCALENDAR" and text[-1] == "END:VCALENDAR"
assert "VERSION:2.0" in text and any(l.startswith("PRODID:") for l in text)
ev = [i for i, l in enumerate(text) if l == "BEGIN:VEVENT"]
assert len(ev) >= 6, "only %d events" % len(ev)
uids = set()
for i in ev:
    j = text.index("END:VEVENT", i)
    props = dict(l.split(":", 1) for l in text[i + 1:j])
    for k in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
        assert k in props, "an event without " + k
    assert re.fullmatch(r"\d{8}T\d{6}Z", props["DTSTART"]), props["DTSTART"]
    assert props["TRANSP"] == "TRANSPARENT"
    assert props["SUMMARY"] in ("alice", "bob\\, the other one"), props["SUMMARY"]
    assert props["DTSTART"].endswith("T080000Z")
    uids.add(props["UID"])
assert len(uids) == len(ev), "a UID twice"
print("events", len(ev))
PY
check "the calendar is valid iCalendar: CRLF, folded, one VEVENT a shift, UTC, TRANSPARENT, escaped" \
    grep -q '^events ' "$T/cal.check"
grep -q '^events ' "$T/cal.check" || cat "$T/cal.check"
curl -s "$URL/oncall/rota.ics?token=$TOK_CAL" > "$T/cal2.ics"
eq "a second fetch has the same UIDs" "$(grep '^UID:' "$T/cal2.ics")" "$(grep '^UID:' "$T/cal.ics")"

eq "the console token in the URL: 401" \
    "$(curl -s -o /dev/null -w '%{http_code}' "$URL/oncall/rota.ics?token=$TOK_OPS")" 401
eq "the ingest token in the URL: 401" \
    "$(curl -s -o /dev/null -w '%{http_code}' "$URL/oncall/rota.ics?token=$TOK_AM")" 401
eq "no token: 401" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/oncall/rota.ics")" 401
eq "the console token as a bearer header: 401 (a calendar takes a calendar token)" \
    "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK_OPS" "$URL/oncall/rota.ics")" 401
eq "a schedule that does not exist: 404" \
    "$(curl -s -o /dev/null -w '%{http_code}' "$URL/oncall/nope.ics?token=$TOK_CAL")" 404
eq "the calendar token opens no feed: 401" \
    "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK_CAL" \
    -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H 'Sec-WebSocket-Protocol: warroom.v1' \
    "$URL/feed")" 401
echo '[]' > "$T/empty.json"
eq "the calendar token posts no alerts: 401" "$(post /hooks/alertmanager "$T/empty.json" "$TOK_CAL")" 401
eq "the calendar token in the URL of a POST: 401" \
    "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary @"$T/empty.json" \
    "$URL/hooks/alertmanager?token=$TOK_CAL")" 401

# SIGHUP reads the file again: a broken one is refused and the old
# shifts kept; a good one is served from then on.
hup_and_wait() { # hup_and_wait PATTERN: a new log line matching it
	n0=$(grep -c -- "$1" "$T/relay.log")
	kill -HUP "$RELAY_PID"
	for _ in $(seq 1 200); do
		[ "$(grep -c -- "$1" "$T/relay.log")" -gt "$n0" ] && return 0
		sleep 0.1
	done
	return 1
}
cp "$T/rota.ics" "$T/rota.good"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n' > "$T/rota.ics"
check "SIGHUP with a broken file: the reload is refused, saying why" \
    hup_and_wait "SIGHUP: reload refused.*rota.ics: no VEVENT"
curl -s "$URL/oncall/rota.ics?token=$TOK_CAL" > "$T/cal3.ics"
check "... and the old shifts are still served" grep -q '^SUMMARY:alice' "$T/cal3.ics"
sed 's/^SUMMARY:alice/SUMMARY:carol/' "$T/rota.good" > "$T/rota.ics"
check "SIGHUP with a good file: reloaded" hup_and_wait "SIGHUP: reloaded the configuration"
curl -s "$URL/oncall/rota.ics?token=$TOK_CAL" > "$T/cal4.ics"
check "... and the new shifts are served" grep -q '^SUMMARY:carol' "$T/cal4.ics"
check "... instead of the old" sh -c "! grep -q '^SUMMARY:alice' '$T/cal4.ics'"
stop_relay
check "no token is in the relay's log" sh -c "! grep -qE '$TOK_OPS|$TOK_CAL|$TOK_AM' '$T/relay.log'"

# A token with the calendar role and another: refused.
printf 'mixed mix0123456789abcdef0123456789 console,calendar\n' >> "$T/tokens"
run_d mixed --check-config "$T/rota.conf" --tokens "$T/tokens"
eq "a calendar token with another role: exit 78" "$RC" 78
check "... saying why" grep -q "a calendar token has no other role" "$T/mixed.err"
finish

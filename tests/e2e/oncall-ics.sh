#!/bin/sh
# `warroom oncall --ics SCHEDULE [--weeks N]`: the console writes the same
# calendar the relay serves at GET /oncall/NAME.ics (one writer, the same
# window: a week back, twelve ahead), byte for byte but for DTSTAMP; the
# UIDs are stable from one export to the next; --weeks bounds it.  Then
# the export is given back to the relay as a schedule's iCalendar file
# (`ical = FILE`, read by libical) and SIGHUP: re-exported, it has the
# same shifts, and `warroom oncall --json` answers the same people and
# times for it as for the rotation it came from, with "source": "ical".
. "$(dirname "$0")/lib.sh"
echo "oncall --ics: the relay's calendar from the console, and back in through libical"
make_tokens
TOK_CAL=cal0123456789abcdef0123456789
printf 'cal %s calendar\n' "$TOK_CAL" >> "$T/tokens"

cat > "$T/relay.conf" <<EOT
[schedule primary]
timezone = Europe/Berlin

[layer primary.daily]
rotation = 1d
start = 2026-03-02T09:00
participants = alice, bob, carol

[layer primary.weekend]
rotation = 1w
start = 2026-03-07T10:00
participants = dana
restrict = Sat-Sun 10:00-16:00
EOT
start_relay --config "$T/relay.conf" || { fail "relay started"; finish; exit 1; }

oc() { # oc NAME ARGS...: warroom oncall as ops, out/err/rc in $T/NAME.*
	name=$1; shift
	"$WARROOM" oncall --feed "$FEED" --token-file "$T/ops.token" \
	    --user ops --db "$T/ops.db" --timeout 20 "$@" \
	    >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
}
nostamp() { grep -v '^DTSTAMP:' "$1"; }
# the calendar without what names the schedule (UID, X-WR-CALNAME,
# DESCRIPTION), unfolded first
shifts_of() {
	python3 - "$1" <<'PY'
import sys
raw = open(sys.argv[1], 'rb').read().decode('utf-8')
out = []
for l in raw.split('\r\n'):
    if l.startswith(' ') and out:
        out[-1] += l[1:]
    else:
        out.append(l)
for l in out:
    if not l.split(':', 1)[0] in ('UID', 'DTSTAMP', 'X-WR-CALNAME', 'DESCRIPTION'):
        print(l)
PY
}

oc ics --ics primary
eq "oncall --ics primary: exit 0" "$RC" 0
curl -s -o "$T/relay.ics" "$URL/oncall/primary.ics?token=$TOK_CAL"
check "the relay's calendar has events" grep -q '^BEGIN:VEVENT' "$T/relay.ics"
n=$(grep -c '^BEGIN:VEVENT' "$T/ics.out")
# 91 or 92 daily shifts; each of the 26 weekend days adds dana's six hours
# and the rest of the day's shift after them (give or take one at an end)
check "the export has a shift a day for 13 weeks, and the weekends ($n events)" \
    [ "$n" -ge 140 -a "$n" -le 148 ]
eq "it is the relay's calendar, byte for byte but for DTSTAMP" \
    "$(nostamp "$T/ics.out" | od -An -c | tr -s ' ')" \
    "$(nostamp "$T/relay.ics" | od -An -c | tr -s ' ')"
check "every event is TRANSP:TRANSPARENT" \
    [ "$(grep -c '^TRANSP:TRANSPARENT' "$T/ics.out")" = "$n" ]
check "in UTC" sh -c "! grep -E '^DT(START|END)' '$T/ics.out' | grep -qv 'Z.\$'"
check "lines end in CRLF" [ "$(grep -c "$(printf '\r')\$" "$T/ics.out")" = "$(wc -l < "$T/ics.out")" ]
oc ics2 --ics primary
eq "a second export has the same UIDs" "$(grep '^UID:' "$T/ics2.out")" "$(grep '^UID:' "$T/ics.out")"

oc two --ics primary --weeks 2 --at 2026-03-25T12:00:00Z
eq "--weeks 2 --at: exit 0" "$RC" 0
# a week back and two ahead of Wed 25 March 12:00Z: 22 daily shifts (Wed
# 18 March to Wed 8 April), and on each of the six weekend days between
# dana 10:00-16:00 and the rest of that day's shift after her
eq "--weeks 2 --at 2026-03-25T12:00:00Z: 22 + 6 x 2 shifts" \
    "$(grep -c '^BEGIN:VEVENT' "$T/two.out")" 34
eq "dana's six weekend days" "$(grep -c '^SUMMARY:dana' "$T/two.out")" 6
check "Sat 21 March 10:00-16:00 CET is dana's" grep -q -A2 \
    '^DTSTART:20260321T090000Z' "$T/two.out"
eq "... as one event" "$(grep -A2 '^DTSTART:20260321T090000Z' "$T/two.out" | tr -d '\r' | tr '\n' ' ')" \
    "DTSTART:20260321T090000Z DTEND:20260321T150000Z SUMMARY:dana "
eq "the first begins Wed 18 March 08:00Z (09:00 CET), the one running a week before" \
    "$(grep -m1 '^DTSTART' "$T/two.out" | tr -d '\r')" "DTSTART:20260318T080000Z"
eq "the last is the one running two weeks after, across the change to CEST" \
    "$(grep '^DTEND' "$T/two.out" | tail -n 1 | tr -d '\r')" "DTEND:20260409T070000Z"

oc nope --ics nope
eq "--ics of a schedule that does not exist: exit 65" "$RC" 65
check "... saying so" grep -q 'no schedule nope' "$T/nope.err"
oc w --weeks 2
eq "--weeks without --ics: exit 64" "$RC" 64
oc w0 --ics primary --weeks 0
eq "--weeks 0: exit 64" "$RC" 64
oc wj --ics primary --json
eq "--ics with --json: exit 64" "$RC" 64

# ---- back in: the export as an iCalendar file, read by libical ----------
cp "$T/ics.out" "$T/primary.ics"
cat >> "$T/relay.conf" <<EOT

[schedule again]
timezone = Europe/Berlin
ical = $T/primary.ics
EOT
n0=$(grep -c 'SIGHUP: reloaded the configuration' "$T/relay.log")
kill -HUP "$RELAY_PID"
for _ in $(seq 1 200); do
	[ "$(grep -c 'SIGHUP: reloaded the configuration' "$T/relay.log")" -gt "$n0" ] && break
	sleep 0.1
done
check "SIGHUP with the export as schedule again's file: reloaded" \
    [ "$(grep -c 'SIGHUP: reloaded the configuration' "$T/relay.log")" -gt "$n0" ]
oc again --ics again
eq "oncall --ics again: exit 0" "$RC" 0
shifts_of "$T/ics.out" > "$T/shifts.primary"
shifts_of "$T/again.out" > "$T/shifts.again"
check "re-imported and exported again, the same shifts" cmp -s "$T/shifts.primary" "$T/shifts.again"
cmp -s "$T/shifts.primary" "$T/shifts.again" || diff "$T/shifts.primary" "$T/shifts.again" | head -n 10

# the same answers, at instants over the window (now, and days ahead)
now=$(date +%s)
same=0 total=0
for d in 0 1 3 4 5 6 9 20 40 60 80; do
	at=$(date -u -d "@$((now + d * 86400 + 3600 * (d % 7)))" +%Y-%m-%dT%H:%M:%SZ)
	total=$((total + 1))
	oc p --json --at "$at" --schedule primary
	oc a --json --at "$at" --schedule again
	python3 - "$T/p.out" "$T/a.out" > "$T/cmp.out" 2>&1 <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["schedules"][0]
a = json.load(open(sys.argv[2]))["schedules"][0]
for k in ("now", "next"):
    pk, ak = p[k], a[k]
    assert (pk is None) == (ak is None), (k, pk, ak)
    if pk is None:
        continue
    for f in ("person", "from", "until"):
        assert pk[f] == ak[f], (k, f, pk[f], ak[f])
if p["now"] is not None:
    assert p["now"]["source"].startswith("layer "), p["now"]["source"]
    assert a["now"]["source"] == "ical", a["now"]["source"]
print("same")
PY
	if grep -qx same "$T/cmp.out"; then same=$((same + 1)); else
		echo "    at $at:"; sed 's/^/    /' "$T/cmp.out"; fi
done
eq "oncall --json: the same now and next for the re-imported schedule, at $total instants" "$same" "$total"
oc src --json --schedule again
check "the re-imported schedule's now says \"source\": \"ical\"" \
    grep -q '"source":"ical"' "$T/src.out"
oc txt --schedule again
check "and the text says (ical)" grep -q '^  now   .*(ical)$' "$T/txt.out"
echo "  figure oncall-ics events: $n shifts in the default export (a week back, 12 ahead)"
finish

#!/bin/sh
# On-call schedules in warroomd's config file, as an operator's CI meets
# them: `warroomd --check-config FILE --at TIME` prints each schedule's
# now, next and next gap (UTC, with local time beside it) and exits 0; a bad
# definition is refused, by --check-config and at start, with the file, the
# line and the reason (exit 78).  Expected answers: counted by hand from
# the definitions; the instants checked with Python's zoneinfo
# (tests/fixtures/zoneinfo/expect.py).
. "$(dirname "$0")/lib.sh"
echo "relay: schedules in the config file"
make_tokens

run_d() {
	name=$1; shift
	timeout 10 "$WARROOMD" "$@" >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
}

cat > "$T/oncall.conf" <<EOT
db = $T/relay.db

[schedule primary]
timezone = Europe/Berlin
handoff-notice = 15m

[layer primary.weekly]           # alice, bob, carol: a week each from Mon 2 March
rotation = 1w
start = 2026-03-02T09:00
participants = alice, bob, carol

[schedule nights]
timezone = America/New_York

[layer nights.n]
rotation = 1w
start = 2026-03-02T09:00
participants = frank
restrict = daily 20:00-08:00
EOT

# Wed 2026-03-25 13:00 Berlin: alice's week (the fourth, from 03-23), and
# the Sunday between moves Berlin to CEST, so bob takes over at 09:00 CEST,
# 07:00Z.  New York (EDT since 03-08) is at 08:00: frank's night just
# ended, a gap until 20:00.
run_d chk --check-config "$T/oncall.conf" --tokens "$T/tokens" --at 2026-03-25T12:00:00Z
eq "--check-config on schedules: exit 0" "$RC" 0
cat > "$T/want" <<EOT
$T/oncall.conf: ok
schedule primary (Europe/Berlin)
  now:  alice (layer weekly) since 2026-03-23T08:00:00Z (Mon 2026-03-23 09:00 local) until 2026-03-30T07:00:00Z (Mon 2026-03-30 09:00 local)
  next: bob (layer weekly) from 2026-03-30T07:00:00Z (Mon 2026-03-30 09:00 local) until 2026-04-06T07:00:00Z (Mon 2026-04-06 09:00 local)
  next gap: none within 7 days
schedule nights (America/New_York)
  now:  nobody (a gap) since 2026-03-25T12:00:00Z (Wed 2026-03-25 08:00 local) until 2026-03-26T00:00:00Z (Wed 2026-03-25 20:00 local)
  next: frank (layer n) from 2026-03-26T00:00:00Z (Wed 2026-03-25 20:00 local) until 2026-03-26T12:00:00Z (Thu 2026-03-26 08:00 local)
  next gap: now, since 2026-03-25T12:00:00Z (Wed 2026-03-25 08:00 local) until 2026-03-26T00:00:00Z (Wed 2026-03-25 20:00 local)
EOT
check "it prints now, next and the next gap of each schedule" cmp -s "$T/want" "$T/chk.out"
[ -s "$T/chk.err" ] && { echo "--- stderr:"; cat "$T/chk.err"; }
cmp -s "$T/want" "$T/chk.out" || diff "$T/want" "$T/chk.out"

# Without --at: now.  Only the shape can be checked.
run_d chknow --check-config "$T/oncall.conf" --tokens "$T/tokens"
eq "--check-config without --at: exit 0" "$RC" 0
check "... and answers for now" grep -q "^  now:  " "$T/chknow.out"

run_d badat --check-config "$T/oncall.conf" --tokens "$T/tokens" --at tomorrow
eq "--at that is not a time: exit 64" "$RC" 64
run_d atonly --at 2026-03-25T12:00:00Z --tokens "$T/tokens" --db "$T/x.db"
eq "--at without --check-config: exit 64" "$RC" 64

# A bad definition: a misspelt zone, at its line.
sed 's|timezone = America/New_York|timezone = America/New_Yrok|' "$T/oncall.conf" > "$T/tz.conf"
run_d tz --check-config "$T/tz.conf" --tokens "$T/tokens"
eq "a misspelt time zone: exit 78" "$RC" 78
eq "the refusal names the file, the line and the zone" "$(cat "$T/tz.err")" \
    "warroomd: $T/tz.conf:13: [schedule nights] timezone: unknown time zone America/New_Yrok (no /usr/share/zoneinfo/America/New_Yrok; is tzdata installed?)"
check "and prints no answers" test ! -s "$T/tz.out"

# What a layer lacks is only known at the end: reported at its header.
grep -v '^start' "$T/oncall.conf" > "$T/nostart.conf"
run_d nostart --check-config "$T/nostart.conf" --tokens "$T/tokens"
eq "a layer without a start: exit 78" "$RC" 78
eq "the refusal names the layer's header line" "$(cat "$T/nostart.err")" \
    "warroomd: $T/nostart.conf:7: [layer primary.weekly]: no start"

# The relay itself refuses to start on it.
run_d start --config "$T/nostart.conf" --tokens "$T/tokens" --listen "127.0.0.1:$(free_port)"
eq "warroomd refuses to start on a bad schedule: exit 78" "$RC" 78
check "with the same reason" grep -qF "nostart.conf:7: [layer primary.weekly]: no start" "$T/start.err"

finish

#!/bin/sh
# make install (DESTDIR, PREFIX) ships the systemd unit next to the binary
# it starts, systemd-analyze accepts the unit, and make uninstall takes it
# away again.
. "$(dirname "$0")/lib.sh"
echo "install: the systemd unit"

# The DATADIR the binaries were built with, so that install does not
# rebuild them (make rebuilds when DATADIR changes); a clean environment,
# so that the make running this suite passes nothing down.
DD=$(cat "$ROOT/$BUILD/.datadir")
inst() { # inst TARGET VAR=VALUE...
	t=$1; shift
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$ROOT" "$t" \
	    BUILD="$BUILD" DATADIR="$DD" "$@" >>"$T/make.log" 2>&1
}

check "make install DESTDIR=... PREFIX=/usr succeeds" \
    inst install DESTDIR="$T/root" PREFIX=/usr
UNIT="$T/root/usr/lib/systemd/system/warroomd.service"
check "the unit is in \$DESTDIR/usr/lib/systemd/system" test -f "$UNIT"
eq "with mode 0644" "$(stat -c %a "$UNIT" 2>/dev/null)" 644
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$UNIT")
eq "ExecStart names the installed binary" "$exe" /usr/bin/warroomd
check "which is there, executable, under DESTDIR" test -x "$T/root$exe"
check "no @...@ placeholder is left in the unit" \
    sh -c "! grep -q '@[A-Z]*@' '$UNIT'"
for d in DynamicUser=yes StateDirectory=warroomd ProtectSystem=strict \
    NoNewPrivileges=yes Restart=on-failure \
    'ExecReload=/bin/kill -HUP $MAINPID' \
    'LoadCredential=tokens:/etc/warroom/tokens'; do
	check "the unit sets $d" grep -qxF "$d" "$UNIT"
done
check "it passes the credential as --tokens and the state dir as --db" \
    grep -q -- '--tokens %d/tokens --db %S/warroomd/relay.db' "$UNIT"

# The binary must exist on this machine for verify, so verify an install
# into a prefix of its own, not under DESTDIR.
if command -v systemd-analyze >/dev/null 2>&1; then
	check "make install PREFIX=\$T/prefix succeeds" \
	    inst install PREFIX="$T/prefix"
	U2="$T/prefix/lib/systemd/system/warroomd.service"
	eq "its ExecStart follows PREFIX" \
	    "$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$U2")" \
	    "$T/prefix/bin/warroomd"
	if systemd-analyze verify --man=no "$U2" >"$T/verify.out" 2>&1 &&
	    ! [ -s "$T/verify.out" ]; then
		ok "systemd-analyze verify says nothing about the unit"
	else
		fail "systemd-analyze verify:"; cat "$T/verify.out"
	fi
	score=$(systemd-analyze security --offline=yes "$U2" 2>/dev/null |
	    sed -n 's/.*Overall exposure level for warroomd.service: \([0-9.]*\).*/\1/p')
	echo "  systemd-analyze security: exposure $score"
	check "systemd-analyze security rates it below 2.0 (OK)" \
	    awk -v s="$score" 'BEGIN { exit !(s != "" && s < 2.0) }'
else
	echo "  skip systemd-analyze verify: systemd-analyze is not installed"
fi

check "make uninstall DESTDIR=... PREFIX=/usr succeeds" \
    inst uninstall DESTDIR="$T/root" PREFIX=/usr
check "and takes the unit away" test ! -e "$UNIT"
check "and the binary" test ! -e "$T/root/usr/bin/warroomd"
[ "$FAILS" -eq 0 ] || cat "$T/make.log"
finish

#!/bin/sh
# Install the Debian packages that warroom's build and tests need.  As root on
# Debian: apt-get update once, then install; nothing at all when every package
# is already there.  Otherwise print the command to run.
PKGS="build-essential pkg-config libncurses-dev libwebsockets-dev libsqlite3-dev
libjansson-dev libcmocka-dev tmux curl mandoc prometheus-alertmanager sqlite3
python3 tzdata
procps libinih-dev openssl clang libclang-rt-14-dev libical-dev"
missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null || { echo "deps: apt-get update failed" >&2; exit 1; }
	apt-get install -y -q --no-install-recommends $missing >/dev/null ||
	    { echo "deps: $cmd failed" >&2; exit 1; }
else
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root:  apt-get update && $cmd" >&2
	command -v dpkg >/dev/null 2>&1 || exit 0
	exit 1
fi

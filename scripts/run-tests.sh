#!/bin/sh
# Run every unit test binary in BUILD/tests, then every end-to-end script in
# tests/e2e.  Prints one closing line: "N passed, N failed".
build=${1:-build}
pass=0; fail=0; failed=""
for t in "$build"/tests/test_*; do
	case "$t" in *.o|*.d) continue;; esac
	[ -x "$t" ] || continue
	echo "== $t"
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $t"; fi
done
for t in tests/e2e/*.sh; do
	case "$t" in */lib.sh) continue;; esac
	[ -e "$t" ] || continue
	echo "== $t"
	if WR_BUILD="$build" sh "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $t"; fi
done
echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]

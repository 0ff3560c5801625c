#!/bin/sh
# The fault suite (make check-faults): every script in tests/faults kills,
# starves or corrupts a real warroomd or warroom and checks what survives.
# Each prints its checks and the figures it measured; one closing line:
# "N passed, N failed".  An empty suite is a failure, not a pass.
build=${1:-build}
pass=0; fail=0; failed=""
for t in tests/faults/*.sh; do
	[ -e "$t" ] || continue
	echo "== $t"
	s=$(date +%s)
	if WR_BUILD="$build" sh "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $t"; fi
	echo "   ($(( $(date +%s) - s )) s)"
done
echo
[ $((pass + fail)) -eq 0 ] && { echo "no fault tests in tests/faults"; exit 1; }
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]

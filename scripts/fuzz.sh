#!/bin/sh
# Run fuzz targets one at a time: scripts/fuzz.sh BUILD SECONDS NAME...
# Each runs BUILD/fuzz/NAME (libFuzzer, ASan, UBSan) for SECONDS over its
# working corpus (BUILD/corpus/NAME, kept between runs), its regression
# inputs (tests/fuzz/regress/NAME) and its seeds (tests/fuzz/corpus/NAME
# and the directories tests/fuzz/corpus/NAME.dirs lists).  A finding is
# saved as BUILD/findings/NAME/crash-... and fails the run: copy it to
# tests/fuzz/regress/NAME/ when it is fixed.  Prints each target's
# executions and the time it all took.
build=$1; secs=$2; shift 2
start=$(date +%s)
fail=""; total=0
for t in "$@"; do
	bin=$build/fuzz/$t
	work=$build/corpus/$t
	out=$build/findings/$t
	mkdir -p "$work" "$out"
	dirs="$work"
	for d in tests/fuzz/regress/$t tests/fuzz/corpus/$t; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	if [ -f "tests/fuzz/corpus/$t.dirs" ]; then
		while read -r d; do
			case "$d" in ''|'#'*) continue;; esac
			dirs="$dirs $d"
		done < "tests/fuzz/corpus/$t.dirs"
	fi
	log=$build/fuzz-$t.log
	# shellcheck disable=SC2086
	if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=262144 -print_final_stats=1 -artifact_prefix="$out/" \
	    $dirs >"$log" 2>&1; then
		st=ok
	else
		st=FAILED; fail="$fail $t"
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -a -o 'cov: [0-9]*' "$log" | tail -1)
	echo "fuzz $t: ${execs:-?} executions in ${secs}s, $cov, $st"
	total=$((total + ${execs:-0}))
	if [ "$st" = FAILED ]; then
		grep -a -m1 -A12 -E '^fuzz: |runtime error|ERROR: ' "$log"
		ls "$out" 2>/dev/null | sed 's/^/  finding: /'
	fi
done
echo "fuzz: $total executions, $(( $(date +%s) - start )) s"
[ -z "$fail" ] || { echo "fuzz: findings in:$fail"; exit 1; }

#!/bin/sh
# run.sh: runs tests/unit-* then tests/t[0-9]*.sh (not the t9* soak tests),
# one line per file as each ends, and ends with "N passed, M failed[, K
# skipped: FILE (why), ...]".
# RR_TESTS='t1* t2*' limits the files (space-separated patterns);
# RR_TEST_TIMEOUT (s) bounds each one; RR_JOBS=N runs N files at once (in
# N lanes, each file in turn); RR_NO_SKIP=1 counts a skipped file as a
# failure (CI, where every dependency is installed).
cd "$(dirname "$0")" || exit 1
limit=${RR_TEST_TIMEOUT:-300}
jobs=${RR_JOBS:-1}
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM

# The files to run, in order.
for f in unit-* t[0-9]*.sh
do
	case $f in
	*.c|*.h|*.o|*.d) continue ;;
	unit-*) test -x "$f" || continue ;;
	t9*) test -n "$RR_TESTS" || continue ;;
	*) test -f "$f" || continue ;;
	esac
	want=
	for pat in ${RR_TESTS:-*}
	do
		case $f in $pat) want=t ;; esac
	done
	test -n "$want" && echo "$f"
done >"$dir/list"

# run_one FILE: runs it, prints its verdict, keeps its counts in
# $dir/FILE.n ("passed failed skipped") and a skip's reason in FILE.skip.
run_one () {
	case $1 in unit-*) cmd="./$1" ;; *) cmd="sh ./$1" ;; esac
	log=$dir/$1.log
	t0=$(date +%s)
	timeout -k 5 "$limit" $cmd >"$log" 2>&1 </dev/null
	st=$?
	secs=$(($(date +%s) - t0))
	# ok/not ok lines; "# SKIP" directives count as skipped.
	set -- "$1" $(awk '
		/^ok / { if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) s++; else p++ }
		/^not ok / { if ($0 ~ /# *TODO/) s++; else f++ }
		/^1\.\.0/ && /# *[Ss][Kk][Ii][Pp]/ { s++; all = 1 }
		/^1\.\.[0-9]/ { plan = substr($1, 4) + 0; np++ }
		END {
			n = p + f + (all ? 0 : s)
			bad = (np != 1 || (!all && plan != n))
			print p + 0, f + 0, s + 0, bad, all + 0
		}' "$log")
	if test $st = 0 && test $3 = 0 && test $5 = 0
	then
		echo "$2 0 $4" >"$dir/$1.n"
		if test $6 = 1
		then
			sed -n 's/^1\.\.0 *# *[Ss][Kk][Ii][Pp] *//p' "$log" \
				>"$dir/$1.skip"
			echo "skip $1: $(cat "$dir/$1.skip")"
		else
			echo "ok $1 ($secs s)"
			test "$4" = 0 || echo "$4 of its tests" >"$dir/$1.skip"
		fi
		return
	fi
	fails=$3
	test "$fails" != 0 || fails=1
	echo "$2 $fails $4" >"$dir/$1.n"
	why="exit $st"
	test $st != 124 || why="timed out after ${limit}s"
	test $5 = 0 || why="$why, bad TAP plan"
	# One write, so that lanes do not interleave their reports.
	{
		echo "FAIL $1 ($why)"
		grep -av '^ok ' "$log" | sed 's/^/    /'
	} >"$dir/$1.report"
	cat "$dir/$1.report"
}

lane=0
while test $lane -lt "$jobs"
do
	awk -v n="$jobs" -v k=$lane '(NR - 1) % n == k' "$dir/list" |
	while read -r f
	do
		run_one "$f"
	done &
	lane=$((lane + 1))
done
wait

passed=0 failed=0 skipped=0 skips=
while read -r f
do
	test -f "$dir/$f.n" || { failed=$((failed + 1)); continue; }
	set -- $(cat "$dir/$f.n")
	passed=$((passed + $1)) failed=$((failed + $2))
	skipped=$((skipped + $3))
	if test -f "$dir/$f.skip"
	then
		skips="$skips${skips:+, }$f ($(cat "$dir/$f.skip"))"
	fi
done <"$dir/list"
if test $skipped = 0
then
	echo "$passed passed, $failed failed"
else
	echo "$passed passed, $failed failed, $skipped skipped: ${skips:-in files}"
fi
if test -n "$RR_NO_SKIP" && test $skipped != 0
then
	echo "RR_NO_SKIP: a test that should run here was skipped"
	exit 1
fi
test $failed = 0

#!/bin/sh
# run.sh: runs tests/unit-* then tests/t[0-9]*.sh (not the t9* soak tests),
# one line per file, and ends with "N passed, M failed[, K skipped]".
# RR_TESTS='t1* t2*' limits the files (space-separated patterns);
# RR_TEST_TIMEOUT (s) bounds each one.
cd "$(dirname "$0")" || exit 1
limit=${RR_TEST_TIMEOUT:-300}
passed=0 failed=0 skipped=0 log=$(mktemp) || exit 1
trap 'rm -f "$log"' EXIT
trap 'exit 130' INT TERM

for f in unit-* t[0-9]*.sh
do
	case $f in
	*.c|*.h|*.o|*.d) continue ;;
	unit-*) test -x "$f" || continue; cmd="./$f" ;;
	t9*) test -n "$RR_TESTS" || continue; cmd="sh ./$f" ;;
	*) test -f "$f" || continue; cmd="sh ./$f" ;;
	esac
	want=
	for pat in ${RR_TESTS:-*}
	do
		case $f in $pat) want=t ;; esac
	done
	test -n "$want" || continue
	t0=$(date +%s)
	timeout -k 5 "$limit" $cmd >"$log" 2>&1 </dev/null
	st=$?
	secs=$(($(date +%s) - t0))
	# ok/not ok lines; "# SKIP" directives count as skipped.
	set -- $(awk '
		/^ok / { if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) s++; else p++ }
		/^not ok / { if ($0 ~ /# *TODO/) s++; else f++ }
		/^1\.\.0/ && /# *[Ss][Kk][Ii][Pp]/ { s++; all = 1 }
		/^1\.\.[0-9]/ { plan = substr($1, 4) + 0; np++ }
		END {
			n = p + f + (all ? 0 : s)
			bad = (np != 1 || (!all && plan != n))
			print p + 0, f + 0, s + 0, bad, all + 0
		}' "$log")
	passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))
	if test $st = 0 && test $2 = 0 && test $4 = 0
	then
		if test $5 = 1
		then
			echo "skip $f:$(sed -n 's/^1\.\.0 *# *[Ss][Kk][Ii][Pp]//p' "$log")"
		else
			echo "ok $f (${secs} s)"
		fi
		continue
	fi
	test $2 != 0 || failed=$((failed + 1))
	why="exit $st"
	test $st != 124 || why="timed out after ${limit}s"
	test $4 = 0 || why="$why, bad TAP plan"
	echo "FAIL $f ($why)"
	grep -av '^ok ' "$log" | sed 's/^/    /'
done
if test $skipped = 0
then
	echo "$passed passed, $failed failed"
else
	echo "$passed passed, $failed failed, $skipped skipped"
fi
test $failed = 0
